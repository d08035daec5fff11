// send and recv, the calls every byte of a stream goes through, on the plain C API: the
// A/B of the node-addon-api rewrite (bench/RESULTS.md) showed the wrapper costing these
// two measurable time per call, so they skip it. Same contract as syscalls.cc: the
// caller's Buffer is read or filled directly, EINTR is retried, every send carries
// MSG_NOSIGNAL (a write to a closed peer gives EPIPE, not SIGPIPE).
#include <sys/socket.h>
#include <cerrno>
#include "c_args.h"
#include "env_state.h"

namespace erlsock {
namespace {

// A byte count fits an int32: the range checked against the view is at most INT32_MAX.
napi_value Recv(napi_env env, napi_callback_info info) {
  c_api::IoArgs a;
  if (!c_api::get_io_args(env, info, &a)) return nullptr;
  ssize_t r;
  do r = recv(a.fd, a.p, a.n, a.flags);
  while (r < 0 && errno == EINTR);
  return c_api::result(env, r, errno);
}

napi_value Send(napi_env env, napi_callback_info info) {
  c_api::IoArgs a;
  if (!c_api::get_io_args(env, info, &a)) return nullptr;
  ssize_t r;
  do r = send(a.fd, a.p, a.n, a.flags | MSG_NOSIGNAL);
  while (r < 0 && errno == EINTR);
  return c_api::result(env, r, errno);
}

// recv_a / send_a: the same calls with the numbers passed through a small Int32Array
// (io_args: fd, off, len, flags in, the result out) and only the Buffer as an argument. Each
// number argument is a napi_get_value_int32 call and the result a napi_create_int32 (with
// V8's Integer::New): a fifth of an echo's Node-API time. The JS side (prim_socket.ts
// recv_at / send_at) writes numbers it has checked; the Buffer and the range are checked
// here as for recv and send.
enum IoSlot { kFd, kOff, kLen, kFlags, kResult, kIoSlots };

bool get_slot_args(napi_env env, napi_callback_info info, c_api::IoArgs* a, int32_t** io) {
  napi_value argv[1];
  size_t argc = 1;
  void* data = nullptr;
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, &data) != napi_ok) return false;
  if (argc < 1) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "erlsock: too few arguments");
    return false;
  }
  int32_t* s = static_cast<int32_t*>(data);
  napi_typedarray_type type;
  void* base = nullptr;
  size_t size;
  if (napi_get_typedarray_info(env, argv[0], &type, &size, &base, nullptr, nullptr) != napi_ok ||
      type != napi_uint8_array) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "erlsock: expected a Buffer or Uint8Array");
    return false;
  }
  int32_t off = s[kOff], len = s[kLen];
  if (off < 0 || len < 0 || static_cast<size_t>(off) + static_cast<size_t>(len) > size) {
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE", "erlsock: offset/length outside the buffer");
    return false;
  }
  a->fd = s[kFd];
  a->flags = s[kFlags];
  a->p = static_cast<uint8_t*>(base) + off;
  a->n = static_cast<size_t>(len);
  *io = s;
  return true;
}

napi_value RecvA(napi_env env, napi_callback_info info) {
  c_api::IoArgs a;
  int32_t* io;
  if (!get_slot_args(env, info, &a, &io)) return nullptr;
  ssize_t r;
  do r = recv(a.fd, a.p, a.n, a.flags);
  while (r < 0 && errno == EINTR);
  io[kResult] = static_cast<int32_t>(r < 0 ? -errno : r);
  return nullptr;
}

napi_value SendA(napi_env env, napi_callback_info info) {
  c_api::IoArgs a;
  int32_t* io;
  if (!get_slot_args(env, info, &a, &io)) return nullptr;
  ssize_t r;
  do r = send(a.fd, a.p, a.n, a.flags | MSG_NOSIGNAL);
  while (r < 0 && errno == EINTR);
  io[kResult] = static_cast<int32_t>(r < 0 ? -errno : r);
  return nullptr;
}

void def_c(Napi::Env env, Napi::Object exports, const char* name, napi_callback cb, void* data = nullptr) {
  napi_value fn;
  NAPI_THROW_IF_FAILED_VOID(env, napi_create_function(env, name, NAPI_AUTO_LENGTH, cb, data, &fn));
  exports.Set(name, fn);
}

}  // namespace

void register_hot_io(Napi::Env env, Napi::Object exports) {
  def_c(env, exports, "recv", Recv);
  def_c(env, exports, "send", Send);
  // The slots live in a JS ArrayBuffer, exported, so they live as long as the exports.
  void* slots = nullptr;
  napi_value ab;
  NAPI_THROW_IF_FAILED_VOID(env, napi_create_arraybuffer(env, kIoSlots * sizeof(int32_t), &slots, &ab));
  exports.Set("io_args", Napi::Value(env, ab));
  def_c(env, exports, "recv_a", RecvA, slots);
  def_c(env, exports, "send_a", SendA, slots);
}

}  // namespace erlsock
