/* Module entry: registers the pocketsphinx (ASR), n-gram language model, flite (TTS) and speexdsp resampler bindings. */
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include "common.h"

napi_value fd_throw(napi_env env, const char *code, const char *message) {
  napi_value msg, err, code_v;
  napi_create_string_utf8(env, message, NAPI_AUTO_LENGTH, &msg);
  napi_create_error(env, NULL, msg, &err);
  napi_create_string_utf8(env, code, NAPI_AUTO_LENGTH, &code_v);
  napi_set_named_property(env, err, "code", code_v);
  napi_throw(env, err);
  return NULL;
}

char *fd_get_string(napi_env env, napi_value value, const char *what) {
  napi_valuetype t;
  if (napi_typeof(env, value, &t) != napi_ok || t != napi_string) {
    char buf[160];
    snprintf(buf, sizeof buf, "%s must be a string", what);
    fd_throw(env, "BAD_ARGUMENT", buf);
    return NULL;
  }
  size_t len = 0;
  napi_get_value_string_utf8(env, value, NULL, 0, &len);
  char *out = malloc(len + 1);
  if (!out) {
    fd_throw(env, "COMPONENT_FAILED", "out of memory");
    return NULL;
  }
  napi_get_value_string_utf8(env, value, out, len + 1, &len);
  return out;
}

static napi_value init(napi_env env, napi_value exports) {
  if (!fd_asr_init(env, exports)) return NULL;
  if (!fd_tts_init(env, exports)) return NULL;
  if (!fd_lm_init(env, exports)) return NULL;
  if (!fd_resampler_init(env, exports)) return NULL;
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
