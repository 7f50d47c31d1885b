/*
 * flite in-process, streaming. Synthesis runs on a libuv worker thread; flite's streaming callback
 * hands each new piece of the waveform to JavaScript through a thread-safe function, and returns
 * CST_AUDIO_STREAM_STOP once the job is cancelled, so cancellation takes effect within one chunk.
 * flite keeps per-voice state (the streaming feature), so one mutex serialises synthesis.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <flite.h>
#include "common.h"

cst_voice *register_cmu_us_slt(const char *voxdir);
cst_voice *register_cmu_us_rms(const char *voxdir);
cst_voice *register_cmu_us_awb(const char *voxdir);
cst_voice *register_cmu_us_kal16(const char *voxdir);
cst_voice *register_cmu_us_kal(const char *voxdir);

typedef struct {
  const char *name;
  cst_voice *(*reg)(const char *);
  cst_voice *voice;
} fd_voice;

static fd_voice voices[] = {
    {"slt", register_cmu_us_slt, NULL}, {"rms", register_cmu_us_rms, NULL}, {"awb", register_cmu_us_awb, NULL},
    {"kal16", register_cmu_us_kal16, NULL}, {"kal", register_cmu_us_kal, NULL},
};
#define N_VOICES (sizeof voices / sizeof voices[0])

static pthread_mutex_t flite_lock = PTHREAD_MUTEX_INITIALIZER;
static int flite_ready = 0;

/*
 * flite's mixed excitation draws noise from libc rand(): seeding it before every synthesis (under
 * the lock) makes the same text always give the same audio, so scenarios and tests are reproducible.
 */
#define FLITE_SEED 20241125u

/* Must be called with flite_lock held. */
static cst_voice *voice_by_name(const char *name) {
  srand(FLITE_SEED);
  if (!flite_ready) {
    flite_init();
    flite_ready = 1;
  }
  for (size_t i = 0; i < N_VOICES; i++) {
    if (strcmp(voices[i].name, name) == 0) {
      if (!voices[i].voice) voices[i].voice = voices[i].reg(NULL);
      return voices[i].voice;
    }
  }
  return NULL;
}

typedef struct {
  int16_t *samples;
  size_t n;
  int sample_rate;
  int done; /* the final message: carries status instead of audio */
  int cancelled;
  char error[200];
} fd_chunk;

typedef struct {
  napi_async_work work;
  napi_threadsafe_function tsfn;
  char *voice_name;
  char *text;
  atomic_int cancelled;
  int stopped_early;
  char error[200];
} fd_job;

static void push_chunk(fd_job *job, fd_chunk *c) {
  if (napi_call_threadsafe_function(job->tsfn, c, napi_tsfn_blocking) != napi_ok) {
    free(c->samples);
    free(c);
  }
}

static int stream_cb(const cst_wave *w, int start, int size, int last, cst_audio_streaming_info *asi) {
  fd_job *job = asi->userdata;
  if (atomic_load(&job->cancelled)) {
    job->stopped_early = 1;
    return CST_AUDIO_STREAM_STOP;
  }
  if (size > 0) {
    fd_chunk *c = calloc(1, sizeof(fd_chunk));
    c->samples = malloc((size_t)size * sizeof(int16_t));
    memcpy(c->samples, w->samples + start, (size_t)size * sizeof(int16_t));
    c->n = (size_t)size;
    c->sample_rate = w->sample_rate;
    push_chunk(job, c);
  }
  return CST_AUDIO_STREAM_CONT;
}

static void execute(napi_env env, void *data) {
  fd_job *job = data;
  pthread_mutex_lock(&flite_lock);
  cst_voice *v = voice_by_name(job->voice_name);
  if (!v) {
    snprintf(job->error, sizeof job->error, "unknown flite voice '%s'", job->voice_name);
  } else if (!atomic_load(&job->cancelled)) {
    cst_audio_streaming_info *asi = new_audio_streaming_info();
    asi->asc = stream_cb;
    asi->userdata = job;
    asi->min_buffsize = 256; /* 16 ms at 16 kHz: small chunks keep first-audio latency low */
    feat_set(v->features, "streaming_info", audio_streaming_info_val(asi));
    flite_text_to_speech(job->text, v, "none");
    feat_remove(v->features, "streaming_info"); /* frees asi */
  }
  pthread_mutex_unlock(&flite_lock);
  fd_chunk *end = calloc(1, sizeof(fd_chunk));
  end->done = 1;
  end->cancelled = atomic_load(&job->cancelled) || job->stopped_early;
  memcpy(end->error, job->error, sizeof end->error);
  push_chunk(job, end);
}

static void complete(napi_env env, napi_status status, void *data) {
  fd_job *job = data;
  napi_delete_async_work(env, job->work);
  job->work = NULL;
  napi_release_threadsafe_function(job->tsfn, napi_tsfn_release);
}

static void free_samples(napi_env env, void *data, void *hint) { free(data); }

/* Runs on the main thread: onChunk(samples | null, sampleRate, done, cancelled, error). */
static void call_js(napi_env env, napi_value cb, void *context, void *data) {
  fd_chunk *c = data;
  if (env && cb) {
    napi_value args[5], global, ret;
    napi_get_global(env, &global);
    if (c->done || c->n == 0) {
      napi_get_null(env, &args[0]);
      free(c->samples);
    } else {
      napi_value ab;
      if (napi_create_external_arraybuffer(env, c->samples, c->n * sizeof(int16_t), free_samples, NULL, &ab) != napi_ok) {
        /* Some runtimes forbid external buffers: copy instead. */
        void *dst = NULL;
        napi_create_arraybuffer(env, c->n * sizeof(int16_t), &dst, &ab);
        memcpy(dst, c->samples, c->n * sizeof(int16_t));
        free(c->samples);
      }
      napi_create_typedarray(env, napi_int16_array, c->n, ab, 0, &args[0]);
    }
    napi_create_int32(env, c->sample_rate, &args[1]);
    napi_get_boolean(env, c->done, &args[2]);
    napi_get_boolean(env, c->cancelled, &args[3]);
    if (c->error[0]) napi_create_string_utf8(env, c->error, NAPI_AUTO_LENGTH, &args[4]);
    else napi_get_null(env, &args[4]);
    napi_call_function(env, global, cb, 5, args, &ret);
  } else {
    free(c->samples);
  }
  free(c);
}

static void finalize_job(napi_env env, void *data, void *hint) {
  fd_job *job = data;
  free(job->voice_name);
  free(job->text);
  free(job);
}

/* ttsStart(voice, text, onChunk) -> job handle; onChunk(samples|null, rate, done, cancelled, error). */
static napi_value tts_start(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  FD_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 3) return fd_throw(env, "BAD_ARGUMENT", "ttsStart(voice, text, onChunk)");
  napi_valuetype t;
  napi_typeof(env, argv[2], &t);
  if (t != napi_function) return fd_throw(env, "BAD_ARGUMENT", "onChunk must be a function");
  fd_job *job = calloc(1, sizeof(fd_job));
  job->voice_name = fd_get_string(env, argv[0], "voice");
  job->text = job->voice_name ? fd_get_string(env, argv[1], "text") : NULL;
  if (!job->text) {
    free(job->voice_name);
    free(job);
    return NULL;
  }
  atomic_init(&job->cancelled, 0);
  napi_value name, handle;
  napi_create_string_utf8(env, "fullduplex.flite", NAPI_AUTO_LENGTH, &name);
  /* The thread-safe function owns the job: it is freed after the last chunk has been delivered. */
  if (napi_create_threadsafe_function(env, argv[2], NULL, name, 0, 1, job, finalize_job, NULL, call_js, &job->tsfn) !=
      napi_ok) {
    finalize_job(env, job, NULL);
    return fd_throw(env, "COMPONENT_FAILED", "could not create thread-safe function");
  }
  FD_CALL(env, napi_create_async_work(env, NULL, name, execute, complete, job, &job->work));
  FD_CALL(env, napi_queue_async_work(env, job->work));
  /* The JS handle only carries the pointer for cancel(); it must not free the job. */
  FD_CALL(env, napi_create_external(env, job, NULL, NULL, &handle));
  return handle;
}

/* ttsCancel(job): safe to call at any time, any number of times, before the final chunk arrives. */
static napi_value tts_cancel(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  FD_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  void *data = NULL;
  if (argc < 1 || napi_get_value_external(env, argv[0], &data) != napi_ok || !data)
    return fd_throw(env, "BAD_ARGUMENT", "ttsCancel expects a job handle");
  atomic_store(&((fd_job *)data)->cancelled, 1);
  napi_value undef;
  napi_get_undefined(env, &undef);
  return undef;
}

/* ttsSynthesize(voice, text) -> { samples: Int16Array, sampleRate } synchronously (batch use). */
static napi_value tts_synthesize(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  FD_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 2) return fd_throw(env, "BAD_ARGUMENT", "ttsSynthesize(voice, text)");
  char *voice_name = fd_get_string(env, argv[0], "voice");
  if (!voice_name) return NULL;
  char *text = fd_get_string(env, argv[1], "text");
  if (!text) {
    free(voice_name);
    return NULL;
  }
  pthread_mutex_lock(&flite_lock);
  cst_voice *v = voice_by_name(voice_name);
  cst_wave *w = v ? flite_text_to_wave(text, v) : NULL;
  pthread_mutex_unlock(&flite_lock);
  free(voice_name);
  free(text);
  if (!v) return fd_throw(env, "MODEL_MISSING", "unknown flite voice");
  if (!w) return fd_throw(env, "COMPONENT_FAILED", "flite produced no audio");
  napi_value out, arr, ab, rate;
  void *dst = NULL;
  size_t n = (size_t)w->num_samples;
  napi_create_arraybuffer(env, n * sizeof(int16_t), &dst, &ab);
  if (n) memcpy(dst, w->samples, n * sizeof(int16_t));
  napi_create_typedarray(env, napi_int16_array, n, ab, 0, &arr);
  napi_create_int32(env, w->sample_rate, &rate);
  delete_wave(w);
  napi_create_object(env, &out);
  napi_set_named_property(env, out, "samples", arr);
  napi_set_named_property(env, out, "sampleRate", rate);
  return out;
}

static napi_value tts_voices(napi_env env, napi_callback_info info) {
  napi_value arr;
  FD_CALL(env, napi_create_array(env, &arr));
  for (uint32_t i = 0; i < N_VOICES; i++) {
    napi_value s;
    napi_create_string_utf8(env, voices[i].name, NAPI_AUTO_LENGTH, &s);
    napi_set_element(env, arr, i, s);
  }
  return arr;
}

napi_value fd_tts_init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"ttsStart", NULL, tts_start, NULL, NULL, NULL, napi_default, NULL},
      {"ttsCancel", NULL, tts_cancel, NULL, NULL, NULL, napi_default, NULL},
      {"ttsSynthesize", NULL, tts_synthesize, NULL, NULL, NULL, napi_default, NULL},
      {"ttsVoices", NULL, tts_voices, NULL, NULL, NULL, napi_default, NULL},
  };
  FD_CALL(env, napi_define_properties(env, exports, sizeof props / sizeof props[0], props));
  return exports;
}
