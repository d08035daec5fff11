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

napi_value bytes_or_null(napi_env env, const void* p, size_t n) {
  napi_value v;
  if (!p || n == 0) {
    napi_get_null(env, &v);
    return v;
  }
  void* out;
  napi_create_buffer_copy(env, n, p, &out, &v);
  return v;
}

napi_value str(napi_env env, const char* s) {
  napi_value v;
  napi_create_string_utf8(env, s, NAPI_AUTO_LENGTH, &v);
  return v;
}

napi_value GetHostName(napi_env env, napi_callback_info) {
  char name[HOST_NAME_MAX + 1];
  if (gethostname(name, sizeof name) < 0) return num(env, -errno);
  name[HOST_NAME_MAX] = '\0';
  return str(env, name);
}

// [[name, flags, addr|null, netmask|null, broadaddr|null], ...]; families other than
// inet, inet6 and packet keep their row with null addresses.
napi_value GetIfAddrs(napi_env env, napi_callback_info) {
  ifaddrs* list;
  if (getifaddrs(&list) < 0) return num(env, -errno);
  napi_value rows;
  napi_create_array(env, &rows);
  uint32_t i = 0;
  for (ifaddrs* p = list; p; p = p->ifa_next) {
    napi_value row;
    napi_create_array_with_length(env, 5, &row);
    napi_set_element(env, row, 0, str(env, p->ifa_name));
    napi_set_element(env, row, 1, num(env, p->ifa_flags));
    napi_set_element(env, row, 2, bytes_or_null(env, p->ifa_addr, sockaddr_size(p->ifa_addr)));
    napi_set_element(env, row, 3, bytes_or_null(env, p->ifa_netmask, sockaddr_size(p->ifa_netmask)));
    // ifa_broadaddr shares a union with the point-to-point destination: only a broadcast
    // interface's is a broadcast address.
    const sockaddr* b = (p->ifa_flags & IFF_BROADCAST) ? p->ifa_broadaddr : nullptr;
    napi_set_element(env, row, 4, bytes_or_null(env, b, sockaddr_size(b)));
    napi_set_element(env, rows, i++, row);
  }
  freeifaddrs(list);
  return rows;
}

napi_value IfNameToIndex(napi_env env, napi_callback_info info) {
  Args<1> a(env, info);
  if (!a.ok) return nullptr;
  char name[IF_NAMESIZE + 1];
  size_t len;
  if (napi_get_value_string_utf8(env, a.argv[0], name, sizeof name, &len) != napi_ok) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "erlsock: expected a string");
    return nullptr;
  }
  // A name that filled the buffer was cut short: no interface has it.
  if (len >= IF_NAMESIZE) return num(env, -ENODEV);
  unsigned idx = if_nametoindex(name);
  return num(env, idx == 0 ? -(errno ? errno : ENODEV) : static_cast<int64_t>(idx));
}

napi_value IfIndexToName(napi_env env, napi_callback_info info) {
  Args<1> a(env, info);
  uint32_t idx;
  if (!a.ok || !get_uint(env, a.argv[0], &idx)) return nullptr;
  char name[IF_NAMESIZE];
  if (!if_indextoname(idx, name)) return num(env, -errno);
  return str(env, name);
}

napi_value IfNameIndex(napi_env env, napi_callback_info) {
  struct if_nameindex* list = if_nameindex();
  if (!list) return num(env, -errno);
  napi_value rows;
  napi_create_array(env, &rows);
  uint32_t i = 0;
  for (struct if_nameindex* p = list; p->if_index != 0; p++) {
    napi_value row;
    napi_create_array_with_length(env, 2, &row);
    napi_set_element(env, row, 0, num(env, p->if_index));
    napi_set_element(env, row, 1, str(env, p->if_name));
    napi_set_element(env, rows, i++, row);
  }
  if_freenameindex(list);
  return rows;
}

bool opt_string(napi_env env, napi_value v, std::string* out, bool* present) {
  napi_valuetype t;
  napi_typeof(env, v, &t);
  if (t == napi_null || t == napi_undefined) {
    *present = false;
    return true;
  }
  size_t len;
  if (t != napi_string || napi_get_value_string_utf8(env, v, nullptr, 0, &len) != napi_ok) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "erlsock: expected a string or null");
    return false;
  }
  out->resize(len + 1);
  napi_get_value_string_utf8(env, v, out->data(), len + 1, &len);
  out->resize(len);
  *present = true;
  return true;
}

// getaddrinfo(host|null, service|null, family, type, protocol, flags) →
// [[family, type, protocol, addr bytes, canonname|null], ...] or [eai code, errno].
napi_value GetAddrInfo(napi_env env, napi_callback_info info) {
  Args<6> a(env, info);
  std::string host, service;
  bool has_host, has_service;
  int32_t family, type, proto, flags;
  if (!a.ok || !opt_string(env, a.argv[0], &host, &has_host) || !opt_string(env, a.argv[1], &service, &has_service) ||
      !get_int(env, a.argv[2], &family) || !get_int(env, a.argv[3], &type) || !get_int(env, a.argv[4], &proto) ||
      !get_int(env, a.argv[5], &flags))
    return nullptr;
  addrinfo hints{};
  hints.ai_family = family;
  hints.ai_socktype = type;
  hints.ai_protocol = proto;
  hints.ai_flags = flags;
  addrinfo* res = nullptr;
  int rc = getaddrinfo(has_host ? host.c_str() : nullptr, has_service ? service.c_str() : nullptr, &hints, &res);
  napi_value out;
  if (rc != 0) {
    int err = errno;
    napi_create_array_with_length(env, 2, &out);
    napi_set_element(env, out, 0, num(env, rc));
    napi_set_element(env, out, 1, num(env, rc == EAI_SYSTEM ? err : 0));
    return out;
  }
  napi_create_array(env, &out);
  uint32_t i = 0;
  for (addrinfo* p = res; p; p = p->ai_next) {
    napi_value row, canon;
    napi_create_array_with_length(env, 5, &row);
    napi_set_element(env, row, 0, num(env, p->ai_family));
    napi_set_element(env, row, 1, num(env, p->ai_socktype));
    napi_set_element(env, row, 2, num(env, p->ai_protocol));
    napi_set_element(env, row, 3, bytes_or_null(env, p->ai_addr, p->ai_addrlen));
    if (p->ai_canonname) canon = str(env, p->ai_canonname);
    else napi_get_null(env, &canon);
    napi_set_element(env, row, 4, canon);
    napi_set_element(env, out, i++, row);
  }
  freeaddrinfo(res);
  return out;
}

}  // namespace

napi_value register_netinfo(napi_env env, napi_value exports, EnvState* st) {
  static const NamedCallback fns[] = {
      {"gethostname", GetHostName}, {"getifaddrs", GetIfAddrs}, {"if_nametoindex", IfNameToIndex},
      {"if_indextoname", IfIndexToName}, {"if_nameindex", IfNameIndex}, {"getaddrinfo", GetAddrInfo},
  };
  return export_functions(env, exports, st, fns);
}

}  // namespace erlsock
