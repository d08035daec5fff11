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

void def_c(Napi::Env env, Napi::Object exports, const char* name, napi_callback cb) {
  napi_value fn;
  NAPI_THROW_IF_FAILED_VOID(env, napi_create_function(env, name, NAPI_AUTO_LENGTH, cb, nullptr, &fn));
  exports.Set(name, fn);
}

}  // namespace

void register_hot_io(Napi::Env env, Napi::Object exports) {
  def_c(env, exports, "recv", Recv);
  def_c(env, exports, "send", Send);
}

}  // namespace erlsock
