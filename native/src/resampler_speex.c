/*
 * Streaming resampler for the live audio paths (a 24 kHz or 8 kHz connection's input to the engine's
 * 16 kHz, the engine's output to 24 kHz): speexdsp's resampler, mono PCM16. It costs about a fifth of
 * libsamplerate's SINC_FASTEST (WASM) per second of audio, and making one takes microseconds, not a
 * WASM load. Each handle is one stream's state; speexdsp keeps no global state, so any thread may use it.
 */
#include <stdlib.h>
#include <speex/speex_resampler.h>
#include "common.h"

typedef struct {
  SpeexResamplerState *st;
  spx_uint32_t in_rate, out_rate;
} fd_resampler;

static void rs_release(fd_resampler *r) {
  if (r->st) speex_resampler_destroy(r->st);
  r->st = NULL;
}

static void rs_finalize(napi_env env, void *data, void *hint) {
  rs_release(data);
  free(data);
}

static fd_resampler *get_rs(napi_env env, napi_value v) {
  void *p = NULL;
  if (napi_get_value_external(env, v, &p) != napi_ok || !p) {
    fd_throw(env, "BAD_ARGUMENT", "not a resampler handle");
    return NULL;
  }
  fd_resampler *r = p;
  if (!r->st) {
    fd_throw(env, "BAD_ARGUMENT", "the resampler was destroyed");
    return NULL;
  }
  return r;
}

static int32_t get_int(napi_env env, napi_value v, int32_t *out) {
  return napi_get_value_int32(env, v, out) == napi_ok;
}

/* resamplerCreate(inRate, outRate, quality 0..10) → handle. */
static napi_value rs_create(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  FD_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int32_t in_rate = 0, out_rate = 0, quality = -1;
  if (argc < 3 || !get_int(env, argv[0], &in_rate) || !get_int(env, argv[1], &out_rate) || !get_int(env, argv[2], &quality))
    return fd_throw(env, "BAD_ARGUMENT", "resamplerCreate expects (inRate, outRate, quality)");
  if (in_rate <= 0 || out_rate <= 0 || quality < 0 || quality > 10)
    return fd_throw(env, "BAD_ARGUMENT", "resamplerCreate: rates must be positive and quality 0..10");
  int err = 0;
  SpeexResamplerState *st = speex_resampler_init(1, (spx_uint32_t)in_rate, (spx_uint32_t)out_rate, quality, &err);
  if (!st || err != RESAMPLER_ERR_SUCCESS) {
    if (st) speex_resampler_destroy(st);
    return fd_throw(env, "COMPONENT_FAILED", speex_resampler_strerror(err));
  }
  /* Output starts with the signal, not with the filter's run-in of zeros (the delay stays). */
  speex_resampler_skip_zeros(st);
  fd_resampler *r = calloc(1, sizeof(fd_resampler));
  if (!r) {
    speex_resampler_destroy(st);
    return fd_throw(env, "COMPONENT_FAILED", "out of memory");
  }
  r->st = st;
  r->in_rate = (spx_uint32_t)in_rate;
  r->out_rate = (spx_uint32_t)out_rate;
  napi_value result;
  if (napi_create_external(env, r, rs_finalize, NULL, &result) != napi_ok) {
    rs_release(r);
    free(r);
    return NULL;
  }
  return result;
}

/* resamplerProcess(handle, Int16Array) → Int16Array: every input sample consumed, what came out returned. */
static napi_value rs_process(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  FD_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  fd_resampler *r = argc >= 1 ? get_rs(env, argv[0]) : NULL;
  if (!r) return argc >= 1 ? NULL : fd_throw(env, "BAD_ARGUMENT", "missing resampler handle");
  bool is_typed = false;
  napi_typedarray_type type;
  size_t length = 0;
  void *data = NULL;
  if (argc < 2 || napi_is_typedarray(env, argv[1], &is_typed) != napi_ok || !is_typed ||
      napi_get_typedarray_info(env, argv[1], &type, &length, &data, NULL, NULL) != napi_ok || type != napi_int16_array)
    return fd_throw(env, "BAD_AUDIO", "resamplerProcess expects an Int16Array");
  /* Room for every output the input can make, plus the filter's pending few. */
  size_t cap = (size_t)(((unsigned long long)length * r->out_rate) / r->in_rate) + 64;
  spx_int16_t *out = malloc(cap * sizeof(spx_int16_t));
  if (!out) return fd_throw(env, "COMPONENT_FAILED", "out of memory");
  const spx_int16_t *in = data;
  size_t used_in = 0, made = 0;
  /* speexdsp may stop early when the output is full; loop until all input is consumed. */
  while (used_in < length) {
    spx_uint32_t in_len = (spx_uint32_t)(length - used_in);
    spx_uint32_t out_len = (spx_uint32_t)(cap - made);
    if (out_len == 0) break;
    int err = speex_resampler_process_int(r->st, 0, in + used_in, &in_len, out + made, &out_len);
    if (err != RESAMPLER_ERR_SUCCESS) {
      free(out);
      return fd_throw(env, "COMPONENT_FAILED", speex_resampler_strerror(err));
    }
    if (in_len == 0 && out_len == 0) break;
    used_in += in_len;
    made += out_len;
  }
  if (used_in < length) {
    free(out);
    return fd_throw(env, "COMPONENT_FAILED", "resampler output overflow");
  }
  napi_value ab, result;
  void *ab_data = NULL;
  if (napi_create_arraybuffer(env, made * sizeof(spx_int16_t), &ab_data, &ab) != napi_ok) {
    free(out);
    return NULL;
  }
  for (size_t i = 0; i < made; i++) ((spx_int16_t *)ab_data)[i] = out[i];
  free(out);
  FD_CALL(env, napi_create_typedarray(env, napi_int16_array, made, ab, 0, &result));
  return result;
}

/* resamplerReset(handle): forget the stream (the filter's memory) for a new one. */
static napi_value rs_reset(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  FD_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  fd_resampler *r = argc >= 1 ? get_rs(env, argv[0]) : NULL;
  if (!r) return argc >= 1 ? NULL : fd_throw(env, "BAD_ARGUMENT", "missing resampler handle");
  speex_resampler_reset_mem(r->st);
  speex_resampler_skip_zeros(r->st);
  napi_value undef;
  napi_get_undefined(env, &undef);
  return undef;
}

/* resamplerDestroy(handle): frees the state now (the handle's finalizer would, later). */
static napi_value rs_destroy(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  FD_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  void *p = NULL;
  if (argc >= 1 && napi_get_value_external(env, argv[0], &p) == napi_ok && p) rs_release(p);
  napi_value undef;
  napi_get_undefined(env, &undef);
  return undef;
}

napi_value fd_resampler_init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"resamplerCreate", NULL, rs_create, NULL, NULL, NULL, napi_default, NULL},
      {"resamplerProcess", NULL, rs_process, NULL, NULL, NULL, napi_default, NULL},
      {"resamplerReset", NULL, rs_reset, NULL, NULL, NULL, napi_default, NULL},
      {"resamplerDestroy", NULL, rs_destroy, NULL, NULL, NULL, napi_default, NULL},
  };
  FD_CALL(env, napi_define_properties(env, exports, sizeof props / sizeof props[0], props));
  return exports;
}
