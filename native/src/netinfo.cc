// Host and interface information: gethostname, getifaddrs, if_nametoindex/if_indextoname/
// if_nameindex, getaddrinfo. Addresses go back as raw sockaddr bytes (the TypeScript codec
// decodes them). getaddrinfo blocks the calling thread (it may read files or ask DNS).
#include <ifaddrs.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netpacket/packet.h>
#include <sys/socket.h>
#include <unistd.h>
#include <climits>
#include <cerrno>
#include <cstring>
#include <memory>
#include <string>
#include "args.h"

namespace erlsock {
namespace {

size_t sockaddr_size(const sockaddr* sa) {
  if (!sa) return 0;
  switch (sa->sa_family) {
    case AF_INET: return sizeof(sockaddr_in);
    case AF_INET6: return sizeof(sockaddr_in6);
    case AF_PACKET: return sizeof(sockaddr_ll);
    default: return 0;
  }
}

Napi::Value bytes_or_null(Napi::Env env, const void* p, size_t n) {
  if (!p || n == 0) return env.Null();
  return Napi::Buffer<uint8_t>::Copy(env, static_cast<const uint8_t*>(p), n);
}

Napi::Value GetHostName(const Napi::CallbackInfo& info) {
  char name[HOST_NAME_MAX + 1];
  if (gethostname(name, sizeof name) < 0) return num(info.Env(), -errno);
  name[HOST_NAME_MAX] = '\0';
  return Napi::String::New(info.Env(), name);
}

// [[name, flags, addr|null, netmask|null, broadaddr|null], ...]; families other than
// inet, inet6 and packet keep their row with null addresses.
Napi::Value GetIfAddrs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ifaddrs* list;
  if (getifaddrs(&list) < 0) return num(env, -errno);
  // The list is freed however the rows end (a JS allocation may throw).
  std::unique_ptr<ifaddrs, void (*)(ifaddrs*)> owner(list, freeifaddrs);
  Napi::Array rows = Napi::Array::New(env);
  uint32_t i = 0;
  for (ifaddrs* p = list; p; p = p->ifa_next) {
    Napi::Array row = Napi::Array::New(env, 5);
    row.Set(0u, Napi::String::New(env, p->ifa_name));
    row.Set(1u, num(env, p->ifa_flags));
    row.Set(2u, bytes_or_null(env, p->ifa_addr, sockaddr_size(p->ifa_addr)));
    row.Set(3u, bytes_or_null(env, p->ifa_netmask, sockaddr_size(p->ifa_netmask)));
    // ifa_broadaddr shares a union with the point-to-point destination: only a broadcast
    // interface's is a broadcast address.
    const sockaddr* b = (p->ifa_flags & IFF_BROADCAST) ? p->ifa_broadaddr : nullptr;
    row.Set(4u, bytes_or_null(env, b, sockaddr_size(b)));
    rows.Set(i++, row);
  }
  return rows;
}

Napi::Value IfNameToIndex(const Napi::CallbackInfo& info) {
  if (!info[0].IsString()) type_error(info.Env(), "erlsock: expected a string");
  std::string name = info[0].As<Napi::String>().Utf8Value();
  // No interface has a name this long.
  if (name.size() >= IF_NAMESIZE) return num(info.Env(), -ENODEV);
  unsigned idx = if_nametoindex(name.c_str());
  return num(info.Env(), idx == 0 ? -(errno ? errno : ENODEV) : static_cast<int64_t>(idx));
}

Napi::Value IfIndexToName(const Napi::CallbackInfo& info) {
  uint32_t idx = get_uint(info, 0);
  char name[IF_NAMESIZE];
  if (!if_indextoname(idx, name)) return num(info.Env(), -errno);
  return Napi::String::New(info.Env(), name);
}

Napi::Value IfNameIndex(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  struct if_nameindex* list = if_nameindex();
  if (!list) return num(env, -errno);
  std::unique_ptr<struct if_nameindex, void (*)(struct if_nameindex*)> owner(list, if_freenameindex);
  Napi::Array rows = Napi::Array::New(env);
  uint32_t i = 0;
  for (struct if_nameindex* p = list; p->if_index != 0; p++) {
    Napi::Array row = Napi::Array::New(env, 2);
    row.Set(0u, num(env, p->if_index));
    row.Set(1u, Napi::String::New(env, p->if_name));
    rows.Set(i++, row);
  }
  return rows;
}

// A string argument, or absent for null/undefined.
bool opt_string(const Napi::CallbackInfo& info, size_t i, std::string* out) {
  napi_valuetype t = info[i].Type();
  if (t == napi_null || t == napi_undefined) return false;
  if (t != napi_string) type_error(info.Env(), "erlsock: expected a string or null");
  *out = info[i].As<Napi::String>().Utf8Value();
  return true;
}

// getaddrinfo(host|null, service|null, family, type, protocol, flags) →
// [[family, type, protocol, addr bytes, canonname|null], ...] or [eai code, errno].
Napi::Value GetAddrInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string host, service;
  bool has_host = opt_string(info, 0, &host);
  bool has_service = opt_string(info, 1, &service);
  addrinfo hints{};
  hints.ai_family = get_int(info, 2);
  hints.ai_socktype = get_int(info, 3);
  hints.ai_protocol = get_int(info, 4);
  hints.ai_flags = get_int(info, 5);
  addrinfo* res = nullptr;
  int rc = getaddrinfo(has_host ? host.c_str() : nullptr, has_service ? service.c_str() : nullptr, &hints, &res);
  if (rc != 0) {
    int err = errno;
    Napi::Array out = Napi::Array::New(env, 2);
    out.Set(0u, num(env, rc));
    out.Set(1u, num(env, rc == EAI_SYSTEM ? err : 0));
    return out;
  }
  std::unique_ptr<addrinfo, void (*)(addrinfo*)> owner(res, freeaddrinfo);
  Napi::Array out = Napi::Array::New(env);
  uint32_t i = 0;
  for (addrinfo* p = res; p; p = p->ai_next) {
    Napi::Array row = Napi::Array::New(env, 5);
    row.Set(0u, num(env, p->ai_family));
    row.Set(1u, num(env, p->ai_socktype));
    row.Set(2u, num(env, p->ai_protocol));
    row.Set(3u, bytes_or_null(env, p->ai_addr, p->ai_addrlen));
    row.Set(4u, p->ai_canonname ? Napi::Value(Napi::String::New(env, p->ai_canonname)) : env.Null());
    out.Set(i++, row);
  }
  return out;
}

}  // namespace

void register_netinfo(Napi::Env env, Napi::Object exports, EnvState* st) {
  def<GetHostName>(env, exports, "gethostname", st);
  def<GetIfAddrs>(env, exports, "getifaddrs", st);
  def<IfNameToIndex>(env, exports, "if_nametoindex", st);
  def<IfIndexToName>(env, exports, "if_indextoname", st);
  def<IfNameIndex>(env, exports, "if_nameindex", st);
  def<GetAddrInfo>(env, exports, "getaddrinfo", st);
}

}  // namespace erlsock
