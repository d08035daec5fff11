// Benchmark probes, not used by the socket layer: bench/syscall.ts uses them to split a
// JS-driven syscall's cost into the JS→native crossing, the syscall itself, and what is
// left (see bench/RESULTS.md, "Native layer").
#include <sys/socket.h>
#include <cerrno>
#include "args.h"

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

napi_value register_probes(napi_env env, napi_value exports, EnvState* st) {
  static const NamedCallback fns[] = {
      {"nop_recv", NopRecv}, {"bench_loop", BenchLoop},
  };
  return export_functions(env, exports, st, fns);
}

}  // namespace erlsock
