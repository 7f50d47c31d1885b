/*
 * The recogniser's own n-gram language model (sphinxbase), read on its own for text statistics: how
 * likely a sentence end (or any word) is after the last words heard. The end-of-turn evidence asks
 * it "does the text the user said so far end like a sentence?".
 *
 * A model keeps lookup state between calls (sphinxbase's trie caches its last history), so a handle
 * must stay on the thread that opened it; each worker thread opens its own.
 */
#include <stdlib.h>
#include <string.h>
#include <sphinxbase/ngram_model.h>
#include <sphinxbase/logmath.h>
#include <sphinxbase/err.h>
#include "common.h"

typedef struct {
  ngram_model_t *lm;
  logmath_t *lmath;
} fd_lm;

/* Words per lookup at most: the word and its history (the model is a trigram; longer histories are cut). */
#define FD_LM_MAX_WORDS 8

static void lm_release(fd_lm *m) {
  if (m->lm) ngram_model_free(m->lm);
  if (m->lmath) logmath_free(m->lmath);
  m->lm = NULL;
  m->lmath = NULL;
}

static void lm_finalize(napi_env env, void *data, void *hint) {
  fd_lm *m = data;
  lm_release(m);
  free(m);
}

static fd_lm *get_lm(napi_env env, napi_value v) {
  void *p = NULL;
  if (napi_get_value_external(env, v, &p) != napi_ok || !p) {
    fd_throw(env, "BAD_ARGUMENT", "not a language-model handle");
    return NULL;
  }
  fd_lm *m = p;
  if (!m->lm) {
    fd_throw(env, "COMPONENT_FAILED", "the language model was closed");
    return NULL;
  }
  return m;
}

/* lmOpen(path) → handle. */
static napi_value lm_open(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  FD_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 1) return fd_throw(env, "BAD_ARGUMENT", "lmOpen expects a file path");
  char *path = fd_get_string(env, argv[0], "language model path");
  if (!path) return NULL;
  err_set_logfp(NULL);
  logmath_t *lmath = logmath_init(1.0001, 0, 0);
  ngram_model_t *lm = lmath ? ngram_model_read(NULL, path, NGRAM_AUTO, lmath) : NULL;
  free(path);
  if (!lm) {
    if (lmath) logmath_free(lmath);
    return fd_throw(env, "MODEL_MISSING", "the language model could not be read");
  }
  fd_lm *m = calloc(1, sizeof(fd_lm));
  m->lm = lm;
  m->lmath = lmath;
  napi_value result;
  if (napi_create_external(env, m, lm_finalize, NULL, &result) != napi_ok) {
    lm_release(m);
    free(m);
    return NULL;
  }
  return result;
}

/*
 * lmLogProb(handle, words) → natural-log probability of the last word of `words` given the ones
 * before it (oldest first; "<s>" and "</s>" are the sentence markers), as the model file defines it
 * (no language weight or insertion penalty).
 */
static napi_value lm_log_prob(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  FD_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  fd_lm *m = argc >= 1 ? get_lm(env, argv[0]) : NULL;
  if (!m) return argc >= 1 ? NULL : fd_throw(env, "BAD_ARGUMENT", "missing language-model handle");
  bool is_array = false;
  if (argc < 2 || napi_is_array(env, argv[1], &is_array) != napi_ok || !is_array)
    return fd_throw(env, "BAD_ARGUMENT", "lmLogProb expects an array of words");
  uint32_t n = 0;
  FD_CALL(env, napi_get_array_length(env, argv[1], &n));
  if (n == 0) return fd_throw(env, "BAD_ARGUMENT", "lmLogProb needs at least one word");
  uint32_t used = n < FD_LM_MAX_WORDS ? n : FD_LM_MAX_WORDS;
  /* sphinxbase wants the word first and its history after it, nearest first. */
  char *words[FD_LM_MAX_WORDS] = {0};
  napi_value result = NULL;
  for (uint32_t i = 0; i < used; i++) {
    napi_value el;
    if (napi_get_element(env, argv[1], n - 1 - i, &el) != napi_ok || !(words[i] = fd_get_string(env, el, "word"))) goto done;
  }
  int32 score = ngram_prob(m->lm, (const char *const *)words, (int32)used);
  napi_create_double(env, logmath_log_to_ln(m->lmath, score), &result);
done:
  for (uint32_t i = 0; i < used; i++) free(words[i]);
  return result;
}

/* lmKnows(handle, word) → whether the word is in the model's vocabulary. */
static napi_value lm_knows(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  FD_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  fd_lm *m = argc >= 1 ? get_lm(env, argv[0]) : NULL;
  if (!m) return argc >= 1 ? NULL : fd_throw(env, "BAD_ARGUMENT", "missing language-model handle");
  if (argc < 2) return fd_throw(env, "BAD_ARGUMENT", "lmKnows expects a word");
  char *word = fd_get_string(env, argv[1], "word");
  if (!word) return NULL;
  bool known = ngram_wid(m->lm, word) != ngram_unknown_wid(m->lm);
  free(word);
  napi_value result;
  FD_CALL(env, napi_get_boolean(env, known, &result));
  return result;
}

/* lmClose(handle): frees the model now (the handle's finalizer would, later). */
static napi_value lm_close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  FD_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  void *p = NULL;
  if (argc >= 1 && napi_get_value_external(env, argv[0], &p) == napi_ok && p) lm_release(p);
  napi_value undef;
  napi_get_undefined(env, &undef);
  return undef;
}

napi_value fd_lm_init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"lmOpen", NULL, lm_open, NULL, NULL, NULL, napi_default, NULL},
      {"lmLogProb", NULL, lm_log_prob, NULL, NULL, NULL, napi_default, NULL},
      {"lmKnows", NULL, lm_knows, NULL, NULL, NULL, napi_default, NULL},
      {"lmClose", NULL, lm_close, NULL, NULL, NULL, napi_default, NULL},
  };
  FD_CALL(env, napi_define_properties(env, exports, sizeof props / sizeof props[0], props));
  return exports;
}
