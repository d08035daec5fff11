// Argument decoding and results for the node-addon-api callbacks. A wrong type is misuse:
// it throws a TypeError (or a RangeError for a range outside the buffer), as a C++
// exception that node-addon-api turns into the JS exception (NAPI_CPP_EXCEPTIONS; the
// happy path pays nothing for it).
#pragma once
#include <napi.h>
#include <cstddef>
#include <cstdint>
#include "env_state.h"

namespace erlsock {

[[noreturn]] inline void type_error(Napi::Env env, const char* msg) {
  Napi::TypeError e = Napi::TypeError::New(env, msg);
  e.Set("code", Napi::String::New(env, "ERR_INVALID_ARG_TYPE"));
  throw e;
}

[[noreturn]] inline void range_error(Napi::Env env, const char* msg) {
  Napi::RangeError e = Napi::RangeError::New(env, msg);
  e.Set("code", Napi::String::New(env, "ERR_OUT_OF_RANGE"));
  throw e;
}

// Every callback gets its environment's EnvState as its data, so no function reaches
// another environment's state.
inline EnvState* state(const Napi::CallbackInfo& info) { return static_cast<EnvState*>(info.Data()); }

// Adds one function to exports, its callback bound at compile time (no per-function
// holder object) and the environment's state as its data.
template <Napi::Function::Callback cb>
inline void def(Napi::Env env, Napi::Object exports, const char* name, void* data) {
  exports.Set(name, Napi::Function::New<cb>(env, name, data));
}

inline int32_t get_int(const Napi::CallbackInfo& info, size_t i) {
  Napi::Value v = info[i];
  if (!v.IsNumber()) type_error(info.Env(), "erlsock: expected a number");
  return v.As<Napi::Number>().Int32Value();
}

inline uint32_t get_uint(const Napi::CallbackInfo& info, size_t i) {
  Napi::Value v = info[i];
  if (!v.IsNumber()) type_error(info.Env(), "erlsock: expected a number");
  return v.As<Napi::Number>().Uint32Value();
}

// A view of caller memory: a Uint8Array's bytes (Buffer included), or a range of them.
struct Bytes {
  uint8_t* data;
  size_t size;
};

inline Bytes get_bytes(Napi::Env env, Napi::Value v) {
  if (v.IsTypedArray()) {
    Napi::Uint8Array a = v.As<Napi::Uint8Array>();  // reads the type with the data
    if (a.TypedArrayType() == napi_uint8_array) return Bytes{a.Data(), a.ElementLength()};
  }
  type_error(env, "erlsock: expected a Buffer or Uint8Array");
}

inline Bytes get_bytes(const Napi::CallbackInfo& info, size_t i) { return get_bytes(info.Env(), info[i]); }

// Same, but null/undefined gives (nullptr, 0).
inline Bytes get_bytes_or_null(const Napi::CallbackInfo& info, size_t i) {
  Napi::Value v = info[i];
  napi_valuetype t = v.Type();
  if (t == napi_null || t == napi_undefined) return Bytes{nullptr, 0};
  return get_bytes(info.Env(), v);
}

// info[ibuf][off .. off+len) must lie inside the view.
inline Bytes get_range(const Napi::CallbackInfo& info, size_t ibuf, size_t ioff, size_t ilen) {
  Bytes b = get_bytes(info, ibuf);
  int32_t off = get_int(info, ioff);
  int32_t len = get_int(info, ilen);
  if (off < 0 || len < 0 || static_cast<size_t>(off) + static_cast<size_t>(len) > b.size)
    range_error(info.Env(), "erlsock: offset/length outside the buffer");
  return Bytes{b.data + off, static_cast<size_t>(len)};
}

// V8 keeps an integral Number as a small integer, so results allocate nothing.
inline Napi::Value num(Napi::Env env, int64_t v) { return Napi::Number::New(env, static_cast<double>(v)); }

// Syscall result: n >= 0, or -errno.
inline Napi::Value result(Napi::Env env, long r, int err) { return num(env, r < 0 ? -err : r); }

}  // namespace erlsock
