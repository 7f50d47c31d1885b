/*
 * pocketsphinx (Debian's libpocketsphinx 5prealpha) as a streaming recognizer.
 * Deliberately thin: the TypeScript wrapper validates input, converts frames to seconds and cleans
 * up filler tokens. Calls are synchronous: a 20 ms chunk decodes in ~2 ms, so a worker thread would
 * cost more than it saves and would make virtual-time runs non-deterministic.
 */
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <setjmp.h>
#include <pthread.h>
#include <pocketsphinx.h>
#include <sphinxbase/err.h>
#include <sphinxbase/feat.h>
#include <sphinxbase/cmn.h>
#include <sphinxbase/fe.h>
#include <sphinxbase/ckd_alloc.h>
#include <math.h>
#include "common.h"

typedef struct {
  ps_decoder_t *ps;
  int in_utt;
  /* The cepstral mean the decoder started with; live CMN adapts it across utterances. */
  mfcc_t *initial_cmn;
  int cmn_len;
} fd_asr;

/*
 * pocketsphinx 5prealpha asserts `end_bpidx < bp_table_size` in ngram_search_find_exit when its
 * backpointer table is exactly full at the last frame that wrote none: a false positive (the table is
 * only read below that index), but assert() aborts the whole process, a server with every other
 * conversation included (seen on 1 of ~75 generated monologues). Calls that can reach it run under
 * this guard: an abort raised inside them, on this thread, jumps back and the call reports a failure.
 * Any other abort still aborts.
 */
static __thread sigjmp_buf *guard_jmp;
static pthread_once_t guard_once = PTHREAD_ONCE_INIT;
static struct sigaction previous_abort;

static void on_abort(int sig) {
  sigjmp_buf *j = guard_jmp;
  if (j) {
    guard_jmp = NULL;
    siglongjmp(*j, 1);
  }
  sigaction(SIGABRT, &previous_abort, NULL);
  raise(sig);
}

static void install_guard(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_abort;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGABRT, &sa, &previous_abort);
}

/* ps_get_hyp under the guard; NULL with *aborted set when pocketsphinx asserted. */
static const char *guarded_hyp(ps_decoder_t *ps, int32 *score, int *aborted) {
  pthread_once(&guard_once, install_guard);
  sigjmp_buf j;
  *aborted = 0;
  if (sigsetjmp(j, 1)) {
    *aborted = 1;
    return NULL;
  }
  guard_jmp = &j;
  const char *hyp = ps_get_hyp(ps, score);
  guard_jmp = NULL;
  return hyp;
}

typedef struct {
  char *word;
  int sf, ef;
  double post;
} fd_word;

/* The utterance's words (segmentation with posteriors) under the guard; count -1 when pocketsphinx asserted. */
static int guarded_words(ps_decoder_t *ps, fd_word **out) {
  pthread_once(&guard_once, install_guard);
  static __thread fd_word *words;
  static __thread int n;
  static __thread int cap;
  sigjmp_buf j;
  words = NULL;
  n = 0;
  cap = 0;
  if (sigsetjmp(j, 1)) {
    for (int i = 0; i < n; i++) free(words[i].word);
    free(words);
    *out = NULL;
    return -1;
  }
  guard_jmp = &j;
  logmath_t *lmath = ps_get_logmath(ps);
  for (ps_seg_t *seg = ps_seg_iter(ps); seg; seg = ps_seg_next(seg)) {
    if (n == cap) {
      cap = cap ? cap * 2 : 16;
      words = realloc(words, sizeof *words * (size_t)cap);
    }
    int32 ascr = 0, lscr = 0, lback = 0;
    fd_word *w = &words[n];
    ps_seg_frames(seg, &w->sf, &w->ef);
    const char *text = ps_seg_word(seg);
    w->word = strdup(text ? text : "");
    w->post = logmath_exp(lmath, ps_seg_prob(seg, &ascr, &lscr, &lback));
    if (!(w->post >= 0.0)) w->post = 0.0;
    if (w->post > 1.0) w->post = 1.0;
    n++;
  }
  guard_jmp = NULL;
  *out = words;
  return n;
}

static void asr_release(fd_asr *a) {
  if (a->ps) {
    if (a->in_utt) ps_end_utt(a->ps);
    ps_free(a->ps);
    a->ps = NULL;
  }
}

static void asr_finalize(napi_env env, void *data, void *hint) {
  fd_asr *a = data;
  asr_release(a);
  free(a->initial_cmn);
  free(a);
}

static fd_asr *get_asr(napi_env env, napi_value v) {
  void *data = NULL;
  if (napi_get_value_external(env, v, &data) != napi_ok || !data) {
    fd_throw(env, "BAD_ARGUMENT", "not an ASR handle");
    return NULL;
  }
  fd_asr *a = data;
  if (!a->ps) {
    fd_throw(env, "BAD_ARGUMENT", "ASR handle was freed");
    return NULL;
  }
  return a;
}

/* asrCreate(args: string[]) -> handle; args are pocketsphinx "-name value" pairs. */
static napi_value asr_create(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  FD_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  bool is_array = false;
  if (argc < 1 || napi_is_array(env, argv[0], &is_array) != napi_ok || !is_array)
    return fd_throw(env, "BAD_ARGUMENT", "asrCreate expects an array of strings");
  uint32_t n = 0;
  FD_CALL(env, napi_get_array_length(env, argv[0], &n));
  char **args = calloc(n + 1, sizeof(char *));
  napi_value result = NULL;
  for (uint32_t i = 0; i < n; i++) {
    napi_value el;
    if (napi_get_element(env, argv[0], i, &el) != napi_ok || !(args[i] = fd_get_string(env, el, "asr argument")))
      goto done;
  }
  cmd_ln_t *config = cmd_ln_parse_r(NULL, ps_args(), (int)n, args, FALSE);
  if (!config) {
    fd_throw(env, "BAD_ARGUMENT", "pocketsphinx rejected the configuration");
    goto done;
  }
  ps_decoder_t *ps = ps_init(config);
  cmd_ln_free_r(config);
  if (!ps) {
    fd_throw(env, "MODEL_MISSING", "pocketsphinx could not load its model (check -hmm, -lm and -dict paths)");
    goto done;
  }
  fd_asr *a = calloc(1, sizeof(fd_asr));
  a->ps = ps;
  feat_t *feat = ps_get_feat(ps);
  if (feat && feat->cmn_struct && feat->cmn_struct->cmn_mean) {
    a->cmn_len = feat->cmn_struct->veclen;
    a->initial_cmn = malloc(sizeof(mfcc_t) * a->cmn_len);
    memcpy(a->initial_cmn, feat->cmn_struct->cmn_mean, sizeof(mfcc_t) * a->cmn_len);
  }
  if (napi_create_external(env, a, asr_finalize, NULL, &result) != napi_ok) {
    asr_release(a);
    free(a);
    result = NULL;
  }
done:
  for (uint32_t i = 0; i < n; i++) free(args[i]);
  free(args);
  return result;
}

/* The ASR handle in the first argument (up to *argc arguments read into argv); NULL with an exception pending otherwise. */
static fd_asr *asr_args(napi_env env, napi_callback_info info, size_t *argc, napi_value *argv) {
  FD_CALL(env, napi_get_cb_info(env, info, argc, argv, NULL, NULL));
  if (*argc == 0) {
    fd_throw(env, "BAD_ARGUMENT", "missing ASR handle");
    return NULL;
  }
  return get_asr(env, argv[0]);
}

static napi_value asr_start(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  fd_asr *a = asr_args(env, info, &argc, argv);
  if (!a) return NULL;
  if (a->in_utt) ps_end_utt(a->ps);
  if (ps_start_utt(a->ps) < 0) return fd_throw(env, "COMPONENT_FAILED", "ps_start_utt failed");
  a->in_utt = 1;
  napi_value undef;
  napi_get_undefined(env, &undef);
  return undef;
}

/* The samples of an Int16Array argument, or NULL after throwing. */
static const int16 *int16_arg(napi_env env, napi_value v, size_t *length) {
  bool is_ta = false;
  napi_is_typedarray(env, v, &is_ta);
  napi_typedarray_type type;
  void *data = NULL;
  if (!is_ta || napi_get_typedarray_info(env, v, &type, length, &data, NULL, NULL) != napi_ok || type != napi_int16_array) {
    fd_throw(env, "BAD_AUDIO", "samples must be an Int16Array");
    return NULL;
  }
  return data ? data : (const int16 *)"";
}

/* The recogniser's partial hypothesis as a JS string ("" when it has none or could not give one). */
static napi_value partial_hyp(napi_env env, fd_asr *a) {
  int32 score = 0;
  int aborted = 0;
  const char *hyp = guarded_hyp(a->ps, &score, &aborted);
  napi_value out;
  FD_CALL(env, napi_create_string_utf8(env, hyp && !aborted ? hyp : "", NAPI_AUTO_LENGTH, &out));
  return out;
}

/*
 * asrProcess(handle, Int16Array, fullUtterance?) -> partial hypothesis string ("" when none).
 * fullUtterance: the block is a whole utterance (batch transcription), which lets a decoder created
 * with `-cmn batch` normalise over the whole recording instead of adapting as it goes.
 */
static napi_value asr_process(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  FD_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 2) return fd_throw(env, "BAD_ARGUMENT", "asrProcess(handle, samples)");
  fd_asr *a = get_asr(env, argv[0]);
  if (!a) return NULL;
  if (!a->in_utt) return fd_throw(env, "BAD_ARGUMENT", "asrProcess called outside an utterance");
  size_t length = 0;
  const int16 *samples = int16_arg(env, argv[1], &length);
  if (!samples) return NULL;
  bool full = false;
  if (argc >= 3) napi_get_value_bool(env, argv[2], &full);
  if (length > 0 && ps_process_raw(a->ps, samples, length, FALSE, full ? TRUE : FALSE) < 0)
    return fd_throw(env, "COMPONENT_FAILED", "ps_process_raw failed");
  /* A partial the decoder could not give (see the guard) is simply no partial this chunk. */
  return partial_hyp(env, a);
}

/*
 * asrEnd(handle) -> { text, words: [word, startFrame, endFrame, posterior][] } at 100 frames per second,
 * counted from the start of this utterance. `posterior` (0..1) is the word's lattice posterior
 * probability: how sure the decoder is of that word given the whole utterance (1 where the decoder
 * computed none). The decoder's frame counter runs on across utterances, but its
 * segmentation always covers the utterance from its first frame, so the smallest start frame is the
 * utterance's origin.
 */
static napi_value asr_end(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  fd_asr *a = asr_args(env, info, &argc, argv);
  if (!a) return NULL;
  if (!a->in_utt) return fd_throw(env, "BAD_ARGUMENT", "asrEnd called outside an utterance");
  ps_end_utt(a->ps);
  a->in_utt = 0;
  int32 score = 0;
  int aborted = 0;
  const char *hyp = guarded_hyp(a->ps, &score, &aborted);
  fd_word *ws = NULL;
  int n = aborted ? -1 : guarded_words(a->ps, &ws);
  if (n < 0) return fd_throw(env, "COMPONENT_FAILED", "pocketsphinx failed an internal check (ngram_search_find_exit) on this utterance; its words are lost");
  napi_value out, text, words;
  FD_CALL(env, napi_create_object(env, &out));
  FD_CALL(env, napi_create_string_utf8(env, hyp ? hyp : "", NAPI_AUTO_LENGTH, &text));
  FD_CALL(env, napi_create_array(env, &words));
  int origin = -1;
  for (int k = 0; k < n; k++)
    if (origin < 0 || ws[k].sf < origin) origin = ws[k].sf;
  for (int k = 0; k < n; k++) {
    napi_value tuple, wv, sv, ev, pv;
    napi_create_array_with_length(env, 4, &tuple);
    napi_create_string_utf8(env, ws[k].word, NAPI_AUTO_LENGTH, &wv);
    napi_create_int32(env, ws[k].sf - origin, &sv);
    napi_create_int32(env, ws[k].ef - origin, &ev);
    napi_create_double(env, ws[k].post, &pv);
    napi_set_element(env, tuple, 0, wv);
    napi_set_element(env, tuple, 1, sv);
    napi_set_element(env, tuple, 2, ev);
    napi_set_element(env, tuple, 3, pv);
    napi_set_element(env, words, (uint32_t)k, tuple);
    free(ws[k].word);
  }
  free(ws);
  napi_set_named_property(env, out, "text", text);
  napi_set_named_property(env, out, "words", words);
  return out;
}

/*
 * asrResetAdaptation(handle): forget what live cepstral mean normalisation learned from earlier
 * utterances, so that the same audio always gives the same words (batch transcription, scoring).
 */
static napi_value asr_reset_adaptation(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  fd_asr *a = asr_args(env, info, &argc, argv);
  if (!a) return NULL;
  if (a->in_utt) return fd_throw(env, "BAD_ARGUMENT", "cannot reset adaptation inside an utterance");
  feat_t *feat = ps_get_feat(a->ps);
  if (a->initial_cmn && feat && feat->cmn_struct) cmn_live_set(feat->cmn_struct, a->initial_cmn);
  napi_value undef;
  napi_get_undefined(env, &undef);
  return undef;
}

/*
 * asrAdaptation(handle) -> number[]: the cepstral mean live normalisation currently subtracts (what it
 * has learned of the channel and speaker so far; the `-cmninit` values before any speech).
 */
static napi_value asr_adaptation(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  fd_asr *a = asr_args(env, info, &argc, argv);
  if (!a) return NULL;
  feat_t *feat = ps_get_feat(a->ps);
  napi_value out;
  FD_CALL(env, napi_create_array(env, &out));
  if (feat && feat->cmn_struct && feat->cmn_struct->cmn_mean) {
    for (int32 k = 0; k < feat->cmn_struct->veclen; k++) {
      napi_value v;
      FD_CALL(env, napi_create_double(env, (double)MFCC2FLOAT(feat->cmn_struct->cmn_mean[k]), &v));
      FD_CALL(env, napi_set_element(env, out, (uint32_t)k, v));
    }
  }
  return out;
}

/*
 * asrSetAdaptation(handle, number[]): start live cepstral mean normalisation from these values now and
 * after every asrResetAdaptation. (`-cmninit` on the command line does not do it: the model's
 * feat.params overrides it when the decoder is made.)
 */
static napi_value asr_set_adaptation(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  fd_asr *a = asr_args(env, info, &argc, argv);
  if (!a) return NULL;
  if (a->in_utt) return fd_throw(env, "BAD_ARGUMENT", "cannot set adaptation inside an utterance");
  bool is_array = false;
  if (argc < 2 || napi_is_array(env, argv[1], &is_array) != napi_ok || !is_array) return fd_throw(env, "BAD_ARGUMENT", "asrSetAdaptation(handle, number[])");
  uint32_t len = 0;
  FD_CALL(env, napi_get_array_length(env, argv[1], &len));
  feat_t *feat = ps_get_feat(a->ps);
  if (!a->initial_cmn || !feat || !feat->cmn_struct || (int)len != a->cmn_len) {
    return fd_throw(env, "BAD_ARGUMENT", "adaptation vector has the wrong length for this model");
  }
  for (uint32_t k = 0; k < len; k++) {
    napi_value v;
    double x = 0;
    FD_CALL(env, napi_get_element(env, argv[1], k, &v));
    if (napi_get_value_double(env, v, &x) != napi_ok || !isfinite(x)) return fd_throw(env, "BAD_ARGUMENT", "adaptation values must be finite numbers");
    a->initial_cmn[k] = FLOAT2MFCC(x);
  }
  cmn_live_set(feat->cmn_struct, a->initial_cmn);
  napi_value undef;
  napi_get_undefined(env, &undef);
  return undef;
}

/*
 * asrFeatures(handle, Int16Array, last?) -> Float32Array, frames × 13: the decoder's own front end
 * (exactly the cepstra ps_process_raw would compute from this audio), for a caller that transforms
 * them before asrProcessFeatures. The front end keeps the samples of a partial frame for the next
 * call; `last` ends the utterance's audio and pads that frame out, as ps_end_utt would.
 */
static napi_value asr_features(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  FD_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 2) return fd_throw(env, "BAD_ARGUMENT", "asrFeatures(handle, samples, last?)");
  fd_asr *a = get_asr(env, argv[0]);
  if (!a) return NULL;
  if (!a->in_utt) return fd_throw(env, "BAD_ARGUMENT", "asrFeatures called outside an utterance");
  size_t length = 0;
  const int16 *samples = int16_arg(env, argv[1], &length);
  if (!samples) return NULL;
  bool last = false;
  if (argc >= 3) napi_get_value_bool(env, argv[2], &last);
  fe_t *fe = ps_get_fe(a->ps);
  int ncep = fe_get_output_size(fe);
  int32 max_frames = 0;
  size_t n = length;
  const int16 *p = samples;
  fe_process_frames(fe, &p, &n, NULL, &max_frames, NULL);
  mfcc_t **cep = ckd_calloc_2d((size_t)max_frames + 1, (size_t)ncep, sizeof(mfcc_t));
  int32 frames = max_frames;
  n = length;
  p = samples;
  int rc = fe_process_frames(fe, &p, &n, cep, &frames, NULL);
  if (rc >= 0 && last) {
    int32 tail = 0;
    rc = fe_end_utt(fe, cep[frames], &tail);
    frames += tail;
  }
  if (rc < 0) {
    ckd_free_2d(cep);
    return fd_throw(env, "COMPONENT_FAILED", "the recogniser's front end failed");
  }
  napi_value buffer, out;
  void *dest = NULL;
  size_t count = (size_t)frames * (size_t)ncep;
  FD_CALL(env, napi_create_arraybuffer(env, count * sizeof(float), &dest, &buffer));
  float *f = dest;
  for (int32 i = 0; i < frames; i++)
    for (int k = 0; k < ncep; k++) f[(size_t)i * (size_t)ncep + (size_t)k] = (float)MFCC2FLOAT(cep[i][k]);
  ckd_free_2d(cep);
  FD_CALL(env, napi_create_typedarray(env, napi_float32_array, count, buffer, 0, &out));
  return out;
}

/* Frames per ps_process_cep call (blocks of 8 or more at an utterance's start decode to nothing). */
#define CEP_BLOCK_FRAMES 4

/*
 * asrProcessFeatures(handle, Float32Array frames × 13) -> partial hypothesis: decode cepstra (from
 * asrFeatures, transformed or not) as ps_process_raw decodes audio: live normalisation, then search.
 */
static napi_value asr_process_features(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  fd_asr *a = asr_args(env, info, &argc, argv);
  if (!a) return NULL;
  if (!a->in_utt) return fd_throw(env, "BAD_ARGUMENT", "asrProcessFeatures called outside an utterance");
  bool is_ta = false;
  napi_typedarray_type type;
  size_t length = 0;
  void *data = NULL;
  if (argc < 2 || napi_is_typedarray(env, argv[1], &is_ta) != napi_ok || !is_ta ||
      napi_get_typedarray_info(env, argv[1], &type, &length, &data, NULL, NULL) != napi_ok || type != napi_float32_array)
    return fd_throw(env, "BAD_ARGUMENT", "features must be a Float32Array");
  int ncep = fe_get_output_size(ps_get_fe(a->ps));
  if (length % (size_t)ncep != 0) return fd_throw(env, "BAD_ARGUMENT", "features must be whole frames of the front end's size");
  int32 frames = (int32)(length / (size_t)ncep);
  if (frames > 0) {
    const float *f = data;
    mfcc_t **cep = ckd_calloc_2d((size_t)frames, (size_t)ncep, sizeof(mfcc_t));
    for (int32 i = 0; i < frames; i++)
      for (int k = 0; k < ncep; k++) {
        float x = f[(size_t)i * (size_t)ncep + (size_t)k];
        if (!isfinite(x)) {
          ckd_free_2d(cep);
          return fd_throw(env, "BAD_ARGUMENT", "features must be finite numbers");
        }
        cep[i][k] = FLOAT2MFCC(x);
      }
    /* A few frames per call, as ps_process_raw hands them on: given a longer block at the start of an
       utterance (held-back cepstra, a pre-roll), this pocketsphinx decodes nothing of the utterance. */
    int rc = 0;
    for (int32 at = 0; at < frames && rc >= 0; at += CEP_BLOCK_FRAMES)
      rc = ps_process_cep(a->ps, cep + at, frames - at < CEP_BLOCK_FRAMES ? frames - at : CEP_BLOCK_FRAMES, FALSE, FALSE);
    ckd_free_2d(cep);
    if (rc < 0) return fd_throw(env, "COMPONENT_FAILED", "ps_process_cep failed");
  }
  return partial_hyp(env, a);
}

static napi_value asr_free(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  FD_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  void *data = NULL;
  if (argc && napi_get_value_external(env, argv[0], &data) == napi_ok && data) asr_release(data);
  napi_value undef;
  napi_get_undefined(env, &undef);
  return undef;
}

napi_value fd_asr_init(napi_env env, napi_value exports) {
  err_set_logfp(NULL); /* pocketsphinx logs every configuration value to stderr otherwise */
  napi_property_descriptor props[] = {
      {"asrCreate", NULL, asr_create, NULL, NULL, NULL, napi_default, NULL},
      {"asrStart", NULL, asr_start, NULL, NULL, NULL, napi_default, NULL},
      {"asrProcess", NULL, asr_process, NULL, NULL, NULL, napi_default, NULL},
      {"asrEnd", NULL, asr_end, NULL, NULL, NULL, napi_default, NULL},
      {"asrFree", NULL, asr_free, NULL, NULL, NULL, napi_default, NULL},
      {"asrResetAdaptation", NULL, asr_reset_adaptation, NULL, NULL, NULL, napi_default, NULL},
      {"asrAdaptation", NULL, asr_adaptation, NULL, NULL, NULL, napi_default, NULL},
      {"asrSetAdaptation", NULL, asr_set_adaptation, NULL, NULL, NULL, napi_default, NULL},
      {"asrFeatures", NULL, asr_features, NULL, NULL, NULL, napi_default, NULL},
      {"asrProcessFeatures", NULL, asr_process_features, NULL, NULL, NULL, napi_default, NULL},
  };
  FD_CALL(env, napi_define_properties(env, exports, sizeof props / sizeof props[0], props));
  return exports;
}
