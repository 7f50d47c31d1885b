/* Shared helpers for the fullduplex N-API addon. All native code of the project lives in native/src. */
#ifndef FULLDUPLEX_COMMON_H
#define FULLDUPLEX_COMMON_H
#include <node_api.h>
#include <stddef.h>

/* Throw a JS Error with a `code` property (matches the TypeScript ErrorCode names) and return NULL. */
napi_value fd_throw(napi_env env, const char *code, const char *message);

/* Return NULL from the calling function if a N-API call failed (an exception is then pending). */
#define FD_CALL(env, call)                                                   \
  do {                                                                       \
    if ((call) != napi_ok) {                                                 \
      const napi_extended_error_info *info_ = NULL;                          \
      napi_get_last_error_info((env), &info_);                               \
      bool pending_ = false;                                                 \
      napi_is_exception_pending((env), &pending_);                           \
      if (!pending_)                                                         \
        fd_throw((env), "COMPONENT_FAILED",                                  \
                 info_ && info_->error_message ? info_->error_message        \
                                               : "N-API call failed");       \
      return NULL;                                                           \
    }                                                                        \
  } while (0)

/* Copy a JS string argument into a malloc'ed UTF-8 buffer (caller frees). NULL + exception on error. */
char *fd_get_string(napi_env env, napi_value value, const char *what);

napi_value fd_asr_init(napi_env env, napi_value exports);
napi_value fd_tts_init(napi_env env, napi_value exports);
napi_value fd_lm_init(napi_env env, napi_value exports);
napi_value fd_resampler_init(napi_env env, napi_value exports);

#endif
