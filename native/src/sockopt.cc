// setsockopt/getsockopt in the two shapes every option reduces to: a C int, or raw bytes
// (struct linger, timeval, ip_mreq*, ipv6_mreq, device and congestion names, opaque
// setopt_native values). The TypeScript option table picks the shape and does the codec.
#include <sys/socket.h>
#include <cerrno>
#include "args.h"

namespace erlsock {
namespace {

bool fd_level_opt(napi_env env, napi_value* argv, int32_t* fd, int32_t* level, int32_t* opt) {
  return get_int(env, argv[0], fd) && get_int(env, argv[1], level) && get_int(env, argv[2], opt);
}

napi_value SetInt(napi_env env, napi_callback_info info) {
  Args<4> a(env, info);
  int32_t fd, level, opt, v;
  if (!a.ok || !fd_level_opt(env, a.argv, &fd, &level, &opt) || !get_int(env, a.argv[3], &v)) return nullptr;
  int iv = v;
  int r = setsockopt(fd, level, opt, &iv, sizeof iv);
  return result(env, r, errno);
}

napi_value SetBytes(napi_env env, napi_callback_info info) {
  Args<4> a(env, info);
  int32_t fd, level, opt;
  uint8_t* p;
  size_t n;
  if (!a.ok || !fd_level_opt(env, a.argv, &fd, &level, &opt) || !get_bytes(env, a.argv[3], &p, &n)) return nullptr;
  int r = setsockopt(fd, level, opt, p, static_cast<socklen_t>(n));
  return result(env, r, errno);
}

// The value lands in the scratch area; the result is 0 or -errno (a value may be negative).
// Linux answers int options with a full int when offered 4 bytes; IP_MULTICAST_TTL and
// IP_MULTICAST_LOOP shrink to one byte only for a smaller buffer (ip(7)). A 1-byte answer
// is still read as that byte, so the value is right either way.
napi_value GetInt(napi_env env, napi_callback_info info) {
  Args<3> a(env, info);
  int32_t fd, level, opt;
  if (!a.ok || !fd_level_opt(env, a.argv, &fd, &level, &opt)) return nullptr;
  int v = 0;
  socklen_t len = sizeof v;
  int r = getsockopt(fd, level, opt, &v, &len);
  if (r == 0) {
    if (len == 1) v = *reinterpret_cast<unsigned char*>(&v);
    *reinterpret_cast<int32_t*>(a.st->scratch + kScratchInt) = v;
  }
  return result(env, r, errno);
}

// Writes into the caller's buffer; the result is the length the kernel wrote.
napi_value GetBytes(napi_env env, napi_callback_info info) {
  Args<4> a(env, info);
  int32_t fd, level, opt;
  uint8_t* p;
  size_t n;
  if (!a.ok || !fd_level_opt(env, a.argv, &fd, &level, &opt) || !get_bytes(env, a.argv[3], &p, &n)) return nullptr;
  socklen_t len = static_cast<socklen_t>(n);
  int r = getsockopt(fd, level, opt, p, &len);
  return result(env, r < 0 ? r : static_cast<long>(len), errno);
}

}  // namespace

napi_value register_sockopt(napi_env env, napi_value exports, EnvState* st) {
  static const NamedCallback fns[] = {
      {"setsockopt_int", SetInt}, {"setsockopt_bytes", SetBytes},
      {"getsockopt_int", GetInt}, {"getsockopt_bytes", GetBytes},
  };
  return export_functions(env, exports, st, fns);
}

}  // namespace erlsock
