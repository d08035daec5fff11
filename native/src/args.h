// Argument decoding for the C-API callbacks. A wrong type is misuse: it throws a TypeError
// (or RangeError for a range outside the buffer) and the callback returns nullptr.
#pragma once
#include <node_api.h>
#include <cstddef>
#include <cstdint>
#include "env_state.h"

namespace erlsock {

template <size_t N>
struct Args {
  napi_value argv[N > 0 ? N : 1];
  size_t argc = N;
  EnvState* st = nullptr;
  bool ok = false;
  Args(napi_env env, napi_callback_info info) {
    void* data = nullptr;
    ok = napi_get_cb_info(env, info, &argc, argv, nullptr, &data) == napi_ok;
    st = static_cast<EnvState*>(data);
    if (ok && argc < N) {
      napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "erlsock: too few arguments");
      ok = false;
    }
  }
};

// One exported function: its JS name and its callback. Every callback gets the
// environment's EnvState as its data, so no function reaches another environment's state.
struct NamedCallback {
  const char* name;
  napi_callback cb;
};

template <size_t N>
inline napi_value export_functions(napi_env env, napi_value exports, EnvState* st, const NamedCallback (&fns)[N]) {
  for (const NamedCallback& f : fns) {
    napi_value fn;
    if (napi_create_function(env, f.name, NAPI_AUTO_LENGTH, f.cb, st, &fn) != napi_ok ||
        napi_set_named_property(env, exports, f.name, fn) != napi_ok)
      return nullptr;
  }
  return exports;
}

inline bool get_int(napi_env env, napi_value v, int32_t* out) {
  if (napi_get_value_int32(env, v, out) != napi_ok) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "erlsock: expected a number");
    return false;
  }
  return true;
}

inline bool get_uint(napi_env env, napi_value v, uint32_t* out) {
  if (napi_get_value_uint32(env, v, out) != napi_ok) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "erlsock: expected a number");
    return false;
  }
  return true;
}

// A Uint8Array (Buffer included): its bytes and length.
inline bool get_bytes(napi_env env, napi_value v, uint8_t** data, size_t* len) {
  napi_typedarray_type type;
  void* p = nullptr;
  if (napi_get_typedarray_info(env, v, &type, len, &p, nullptr, nullptr) != napi_ok ||
      type != napi_uint8_array) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "erlsock: expected a Buffer or Uint8Array");
    return false;
  }
  *data = static_cast<uint8_t*>(p);
  return true;
}

// Same, but null/undefined gives (nullptr, 0).
inline bool get_bytes_or_null(napi_env env, napi_value v, uint8_t** data, size_t* len) {
  napi_valuetype t;
  if (napi_typeof(env, v, &t) == napi_ok && (t == napi_null || t == napi_undefined)) {
    *data = nullptr;
    *len = 0;
    return true;
  }
  return get_bytes(env, v, data, len);
}

// buf[off .. off+len) must lie inside the view.
inline bool get_range(napi_env env, napi_value vbuf, napi_value voff, napi_value vlen,
                      uint8_t** p, size_t* n) {
  uint8_t* data;
  size_t size;
  int32_t off, len;
  if (!get_bytes(env, vbuf, &data, &size) || !get_int(env, voff, &off) || !get_int(env, vlen, &len))
    return false;
  if (off < 0 || len < 0 || static_cast<size_t>(off) + static_cast<size_t>(len) > size) {
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE", "erlsock: offset/length outside the buffer");
    return false;
  }
  *p = data + off;
  *n = static_cast<size_t>(len);
  return true;
}

inline napi_value num(napi_env env, int64_t v) {
  napi_value r;
  if (v >= INT32_MIN && v <= INT32_MAX) napi_create_int32(env, static_cast<int32_t>(v), &r);
  else napi_create_int64(env, v, &r);
  return r;
}

// Syscall result: n >= 0, or -errno.
inline napi_value result(napi_env env, long r, int err) { return num(env, r < 0 ? -err : r); }

}  // namespace erlsock
