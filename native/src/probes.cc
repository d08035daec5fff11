// The probe addon (build/Release/erlsock_probes.node, its own binding.gyp target; the
// shipped addon has none of this): benchmark probes only, loaded by bench/_probes.ts.
// bench/syscall.ts uses nop_recv and bench_loop to split a JS-driven syscall's cost into
// the JS→native crossing, the syscall itself, and what is left (see bench/RESULTS.md,
// "Native layer"); bench/poller.ts uses the thread probe (thread_probe.cc).
#include <sys/socket.h>
#include <cerrno>
#include "args.h"

namespace erlsock {
napi_value register_thread_probe(napi_env env, napi_value exports);  // thread_probe.cc
}

namespace erlsock {
namespace {

// recv's argument decoding and result, without the syscall: bench/syscall.ts uses it to
// separate the cost of crossing into native code from the kernel's.
napi_value NopRecv(napi_env env, napi_callback_info info) {
  Args<5> a(env, info);
  int32_t fd, flags;
  uint8_t* p;
  size_t n;
  if (!a.ok || !get_int(env, a.argv[0], &fd) || !get_range(env, a.argv[1], a.argv[2], a.argv[3], &p, &n) ||
      !get_int(env, a.argv[4], &flags))
    return nullptr;
  return num(env, static_cast<int64_t>(n));
}

// bench_loop(op, fd, buf, len, count) → ns: the same syscall loop as the C baseline, run
// inside this Node process (op 0 = send, 1 = recv expecting len, 2 = recv expecting
// EAGAIN). Comparing it with the standalone C loop shows what merely living in a Node
// process costs a syscall, apart from the JS→native crossing. Returns -errno on a
// surprise result.
napi_value BenchLoop(napi_env env, napi_callback_info info) {
  Args<5> a(env, info);
  int32_t op, fd, len, count;
  uint8_t* p;
  size_t size;
  if (!a.ok || !get_int(env, a.argv[0], &op) || !get_int(env, a.argv[1], &fd) ||
      !get_bytes(env, a.argv[2], &p, &size) || !get_int(env, a.argv[3], &len) || !get_int(env, a.argv[4], &count))
    return nullptr;
  if (len < 0 || static_cast<size_t>(len) > size) {
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE", "erlsock: length outside the buffer");
    return nullptr;
  }
  uint64_t t0 = uv_hrtime();
  for (int32_t i = 0; i < count; i++) {
    ssize_t r = op == 0 ? send(fd, p, len, MSG_NOSIGNAL) : recv(fd, p, len, 0);
    if (op == 2 ? !(r < 0 && errno == EAGAIN) : r != len) return num(env, r < 0 ? -errno : -EIO);
  }
  return num(env, static_cast<int64_t>(uv_hrtime() - t0));
}

}  // namespace

napi_value register_probes(napi_env env, napi_value exports) {
  static const NamedCallback fns[] = {
      {"nop_recv", NopRecv}, {"bench_loop", BenchLoop},
  };
  return export_functions(env, exports, nullptr, fns);
}

napi_value InitProbes(napi_env env, napi_value exports) {
  if (!register_probes(env, exports) || !register_thread_probe(env, exports)) return nullptr;
  return exports;
}

}  // namespace erlsock

NAPI_MODULE(NODE_GYP_MODULE_NAME, erlsock::InitProbes)
