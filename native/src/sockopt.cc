// setsockopt/getsockopt in the two shapes every option reduces to: a C int, or raw bytes
// (struct linger, timeval, ip_mreq*, ipv6_mreq, device and congestion names, opaque
// setopt_native values). The TypeScript option table picks the shape and does the codec.
#include <sys/socket.h>
#include <cerrno>
#include "args.h"

namespace erlsock {
namespace {

Napi::Value SetInt(const Napi::CallbackInfo& info) {
  int32_t fd = get_int(info, 0), level = get_int(info, 1), opt = get_int(info, 2);
  int v = get_int(info, 3);
  int r = setsockopt(fd, level, opt, &v, sizeof v);
  return result(info.Env(), r, errno);
}

Napi::Value SetBytes(const Napi::CallbackInfo& info) {
  int32_t fd = get_int(info, 0), level = get_int(info, 1), opt = get_int(info, 2);
  Bytes b = get_bytes(info, 3);
  int r = setsockopt(fd, level, opt, b.data, static_cast<socklen_t>(b.size));
  return result(info.Env(), r, errno);
}

// The value lands in the scratch area; the result is 0 or -errno (a value may be negative).
// Linux answers int options with a full int when offered 4 bytes; IP_MULTICAST_TTL and
// IP_MULTICAST_LOOP shrink to one byte only for a smaller buffer (ip(7)). A 1-byte answer
// is still read as that byte, so the value is right either way.
Napi::Value GetInt(const Napi::CallbackInfo& info) {
  int32_t fd = get_int(info, 0), level = get_int(info, 1), opt = get_int(info, 2);
  int v = 0;
  socklen_t len = sizeof v;
  int r = getsockopt(fd, level, opt, &v, &len);
  int err = errno;
  if (r == 0) {
    if (len == 1) v = *reinterpret_cast<unsigned char*>(&v);
    *reinterpret_cast<int32_t*>(state(info)->scratch + kScratchInt) = v;
  }
  return result(info.Env(), r, err);
}

// Writes into the caller's buffer; the result is the length the kernel wrote.
Napi::Value GetBytes(const Napi::CallbackInfo& info) {
  int32_t fd = get_int(info, 0), level = get_int(info, 1), opt = get_int(info, 2);
  Bytes b = get_bytes(info, 3);
  socklen_t len = static_cast<socklen_t>(b.size);
  int r = getsockopt(fd, level, opt, b.data, &len);
  return result(info.Env(), r < 0 ? r : static_cast<long>(len), errno);
}

}  // namespace

void register_sockopt(Napi::Env env, Napi::Object exports, EnvState* st) {
  def<SetInt>(env, exports, "setsockopt_int", st);
  def<SetBytes>(env, exports, "setsockopt_bytes", st);
  def<GetInt>(env, exports, "getsockopt_int", st);
  def<GetBytes>(env, exports, "getsockopt_bytes", st);
}

}  // namespace erlsock
