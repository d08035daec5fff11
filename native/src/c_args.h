// Argument decoding on the plain C API (node_api.h), for the few hot calls that skip
// node-addon-api's wrappers (hot_io.cc: send and recv; and the probe addon's nop_recv,
// which must decode as recv does). The A/B in bench/RESULTS.md shows why: the wrapper's
// callback info, type checks and exception path cost each call measurable time. Misuse
// throws the same TypeError/RangeError (and codes) as args.h; the callback then returns
// nullptr.
#pragma once
#include <node_api.h>
#include <cstddef>
#include <cstdint>

namespace erlsock {
namespace c_api {

inline bool get_int(napi_env env, napi_value v, int32_t* out) {
  if (napi_get_value_int32(env, v, out) != napi_ok) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "erlsock: expected a number");
    return false;
  }
  return true;
}

// buf[off .. off+len) of a Uint8Array (Buffer included), which must lie inside the view.
inline bool get_range(napi_env env, napi_value vbuf, napi_value voff, napi_value vlen, uint8_t** p, size_t* n) {
  napi_typedarray_type type;
  void* data = nullptr;
  size_t size;
  if (napi_get_typedarray_info(env, vbuf, &type, &size, &data, nullptr, nullptr) != napi_ok ||
      type != napi_uint8_array) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "erlsock: expected a Buffer or Uint8Array");
    return false;
  }
  int32_t off, len;
  if (!get_int(env, voff, &off) || !get_int(env, vlen, &len)) return false;
  if (off < 0 || len < 0 || static_cast<size_t>(off) + static_cast<size_t>(len) > size) {
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE", "erlsock: offset/length outside the buffer");
    return false;
  }
  *p = static_cast<uint8_t*>(data) + off;
  *n = static_cast<size_t>(len);
  return true;
}

// The (fd, buf, off, len, flags) arguments send and recv share.
struct IoArgs {
  int32_t fd, flags;
  uint8_t* p;
  size_t n;
};

inline bool get_io_args(napi_env env, napi_callback_info info, IoArgs* a) {
  napi_value argv[5];
  size_t argc = 5;
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok) return false;
  if (argc < 5) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "erlsock: too few arguments");
    return false;
  }
  return get_int(env, argv[0], &a->fd) && get_range(env, argv[1], argv[2], argv[3], &a->p, &a->n) &&
         get_int(env, argv[4], &a->flags);
}

// n >= 0, or -errno; a small integer, so nothing is allocated.
inline napi_value result(napi_env env, long r, int err) {
  napi_value v;
  napi_create_int32(env, static_cast<int32_t>(r < 0 ? -err : r), &v);
  return v;
}

}  // namespace c_api
}  // namespace erlsock
