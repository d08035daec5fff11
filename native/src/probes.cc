// The probe addon (build/Release/erlsock_probes.node, its own binding.gyp target; the
// shipped addon has none of this): benchmark probes only, loaded by bench/_probes.ts.
// bench/syscall.ts uses nop_recv and bench_loop to split a JS-driven syscall's cost into
// the JS→native crossing, the syscall itself, and what is left (see bench/RESULTS.md,
// "Native layer"); bench/poller.ts uses the thread probe (thread_probe.cc).
#include <sys/socket.h>
#include <cerrno>
#include "args.h"
#include "c_args.h"

namespace erlsock {

void register_thread_probe(Napi::Env env, Napi::Object exports);  // thread_probe.cc

namespace {

// recv's argument decoding and result, without the syscall: bench/syscall.ts uses it to
// separate the cost of crossing into native code from the kernel's. It decodes exactly as
// the shipped addon's recv does (hot_io.cc: the same C-API helpers).
napi_value NopRecv(napi_env env, napi_callback_info info) {
  c_api::IoArgs a;
  if (!c_api::get_io_args(env, info, &a)) return nullptr;
  return c_api::result(env, static_cast<long>(a.n), 0);
}

// bench_loop(op, fd, buf, len, count) → ns: the same syscall loop as the C baseline, run
// inside this Node process (op 0 = send, 1 = recv expecting len, 2 = recv expecting
// EAGAIN). Comparing it with the standalone C loop shows what merely living in a Node
// process costs a syscall, apart from the JS→native crossing. Returns -errno on a
// surprise result.
Napi::Value BenchLoop(const Napi::CallbackInfo& info) {
  int32_t op = get_int(info, 0), fd = get_int(info, 1);
  Bytes b = get_bytes(info, 2);
  int32_t len = get_int(info, 3), count = get_int(info, 4);
  if (len < 0 || static_cast<size_t>(len) > b.size) range_error(info.Env(), "erlsock: length outside the buffer");
  uint64_t t0 = uv_hrtime();
  for (int32_t i = 0; i < count; i++) {
    ssize_t r = op == 0 ? send(fd, b.data, len, MSG_NOSIGNAL) : recv(fd, b.data, len, 0);
    if (op == 2 ? !(r < 0 && errno == EAGAIN) : r != len) return num(info.Env(), r < 0 ? -errno : -EIO);
  }
  return num(info.Env(), static_cast<int64_t>(uv_hrtime() - t0));
}

Napi::Object InitProbes(Napi::Env env, Napi::Object exports) {
  napi_value fn;
  NAPI_THROW_IF_FAILED(env, napi_create_function(env, "nop_recv", NAPI_AUTO_LENGTH, NopRecv, nullptr, &fn), exports);
  exports.Set("nop_recv", fn);
  def<BenchLoop>(env, exports, "bench_loop", nullptr);
  register_thread_probe(env, exports);
  return exports;
}

}  // namespace
}  // namespace erlsock

// NODE_API_MODULE pastes the name into an identifier, so it takes an unqualified one.
static Napi::Object InitErlsockProbes(Napi::Env env, Napi::Object exports) { return erlsock::InitProbes(env, exports); }
NODE_API_MODULE(NODE_GYP_MODULE_NAME, InitErlsockProbes)
