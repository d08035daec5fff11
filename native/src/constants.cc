// The numeric constants the TypeScript side encodes with, taken from the C headers at
// build time so no number is typed by hand. A name the headers lack is simply absent.
#include <arpa/inet.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include "args.h"

#ifndef UDP_CORK
#define UDP_CORK 1  // linux/udp.h; glibc's netinet/udp.h has it only in newer versions
#endif

#ifndef IPV6_FLOWINFO
#define IPV6_FLOWINFO 11  // linux/in6.h, which clashes with glibc's netinet/in.h
#endif

namespace erlsock {

void register_constants(Napi::Env env, Napi::Object exports) {
  Napi::Object obj = Napi::Object::New(env);
  auto set = [&](const char* name, int64_t v) { obj.Set(name, num(env, v)); };
#define C(x) set(#x, x)
  // Families, types, protocols, levels.
  C(AF_UNSPEC); C(AF_INET); C(AF_INET6); C(AF_UNIX); C(AF_PACKET);
  C(SOCK_STREAM); C(SOCK_DGRAM); C(SOCK_RAW); C(SOCK_SEQPACKET); C(SOCK_RDM);
  C(IPPROTO_IP); C(IPPROTO_TCP); C(IPPROTO_UDP); C(IPPROTO_ICMP); C(IPPROTO_IGMP); C(IPPROTO_IPV6);
  C(IPPROTO_ICMPV6); C(IPPROTO_SCTP); C(IPPROTO_RAW); C(IPPROTO_UDPLITE);
  C(SOL_SOCKET);
  // socket level.
  C(SO_ACCEPTCONN); C(SO_BINDTODEVICE); C(SO_BROADCAST); C(SO_BUSY_POLL); C(SO_DEBUG); C(SO_DOMAIN);
  C(SO_DONTROUTE); C(SO_ERROR); C(SO_KEEPALIVE); C(SO_LINGER); C(SO_MARK); C(SO_OOBINLINE);
  C(SO_PASSCRED); C(SO_PEEK_OFF); C(SO_PEERCRED); C(SO_PRIORITY); C(SO_PROTOCOL); C(SO_RCVBUF);
  C(SO_RCVBUFFORCE); C(SO_RCVLOWAT); C(SO_RCVTIMEO); C(SO_REUSEADDR); C(SO_REUSEPORT); C(SO_RXQ_OVFL);
  C(SO_SNDBUF); C(SO_SNDBUFFORCE); C(SO_SNDLOWAT); C(SO_SNDTIMEO); C(SO_TIMESTAMP); C(SO_TYPE);
  C(SCM_RIGHTS); C(SCM_CREDENTIALS); C(SCM_TIMESTAMP);
  // ip level.
  C(IP_ADD_MEMBERSHIP); C(IP_ADD_SOURCE_MEMBERSHIP); C(IP_BLOCK_SOURCE); C(IP_DROP_MEMBERSHIP);
  C(IP_DROP_SOURCE_MEMBERSHIP); C(IP_FREEBIND); C(IP_HDRINCL); C(IP_MINTTL); C(IP_MSFILTER); C(IP_MTU);
  C(IP_MTU_DISCOVER); C(IP_MULTICAST_ALL); C(IP_MULTICAST_IF); C(IP_MULTICAST_LOOP); C(IP_MULTICAST_TTL);
  C(IP_NODEFRAG); C(IP_OPTIONS); C(IP_PKTINFO); C(IP_PKTOPTIONS); C(IP_RECVERR); C(IP_RECVOPTS);
  C(IP_RECVORIGDSTADDR); C(IP_RECVTOS); C(IP_RECVTTL); C(IP_RETOPTS); C(IP_ROUTER_ALERT); C(IP_TOS);
  C(IP_TRANSPARENT); C(IP_TTL); C(IP_UNBLOCK_SOURCE);
  // ipv6 level.
  C(IPV6_ADD_MEMBERSHIP); C(IPV6_ADDRFORM); C(IPV6_AUTHHDR); C(IPV6_DROP_MEMBERSHIP); C(IPV6_RECVDSTOPTS);
  C(IPV6_DSTOPTS); C(IPV6_FLOWINFO); C(IPV6_HOPLIMIT); C(IPV6_RECVHOPOPTS); C(IPV6_HOPOPTS); C(IPV6_MTU);
  C(IPV6_MTU_DISCOVER); C(IPV6_MULTICAST_HOPS); C(IPV6_MULTICAST_IF); C(IPV6_MULTICAST_LOOP);
  C(IPV6_RECVERR); C(IPV6_RECVHOPLIMIT); C(IPV6_RECVPKTINFO); C(IPV6_PKTINFO); C(IPV6_RECVTCLASS);
  C(IPV6_ROUTER_ALERT); C(IPV6_RECVRTHDR); C(IPV6_RTHDR); C(IPV6_TCLASS); C(IPV6_UNICAST_HOPS); C(IPV6_V6ONLY);
  // tcp and udp levels.
  C(TCP_CONGESTION); C(TCP_CORK); C(TCP_INFO); C(TCP_KEEPCNT); C(TCP_KEEPIDLE); C(TCP_KEEPINTVL);
  C(TCP_MAXSEG); C(TCP_MD5SIG); C(TCP_NODELAY); C(TCP_SYNCNT); C(TCP_USER_TIMEOUT);
  C(UDP_CORK);
  // Message flags, shutdown, interface flags.
  C(MSG_CMSG_CLOEXEC); C(MSG_CONFIRM); C(MSG_CTRUNC); C(MSG_DONTROUTE); C(MSG_DONTWAIT); C(MSG_EOR);
  C(MSG_ERRQUEUE); C(MSG_MORE); C(MSG_NOSIGNAL); C(MSG_OOB); C(MSG_PEEK); C(MSG_TRUNC); C(MSG_WAITALL);
  C(SHUT_RD); C(SHUT_WR); C(SHUT_RDWR);
  C(IFF_UP); C(IFF_BROADCAST); C(IFF_DEBUG); C(IFF_LOOPBACK); C(IFF_POINTOPOINT); C(IFF_NOTRAILERS);
  C(IFF_RUNNING); C(IFF_NOARP); C(IFF_PROMISC); C(IFF_ALLMULTI); C(IFF_MASTER); C(IFF_SLAVE);
  C(IFF_MULTICAST); C(IFF_PORTSEL); C(IFF_AUTOMEDIA); C(IFF_DYNAMIC);
  // getaddrinfo.
  C(AI_PASSIVE); C(AI_CANONNAME); C(AI_NUMERICHOST); C(AI_NUMERICSERV); C(AI_V4MAPPED); C(AI_ALL);
  C(AI_ADDRCONFIG);
  C(EAI_ADDRFAMILY); C(EAI_AGAIN); C(EAI_BADFLAGS); C(EAI_FAIL); C(EAI_FAMILY); C(EAI_MEMORY);
  C(EAI_NODATA); C(EAI_NONAME); C(EAI_SERVICE); C(EAI_SOCKTYPE); C(EAI_SYSTEM); C(EAI_OVERFLOW);
  // Poller event bits.
  C(EPOLLIN); C(EPOLLOUT); C(EPOLLERR); C(EPOLLHUP); C(EPOLLRDHUP); C(EPOLLPRI);
#undef C
  // Layout facts the TypeScript codecs need.
  set("CMSG_HDR", static_cast<int64_t>(CMSG_LEN(0)));
  set("CMSG_ALIGN", static_cast<int64_t>(sizeof(size_t)));
  set("SOCKADDR_STORAGE", sizeof(sockaddr_storage));
  set("SCRATCH_ADDR", kScratchAddr);
  set("SCRATCH_ADDRLEN", kScratchAddrLen);
  set("SCRATCH_MSGFLAGS", kScratchMsgFlags);
  set("SCRATCH_CTRLLEN", kScratchCtrlLen);
  set("SCRATCH_INT", kScratchInt);
  set("SCRATCH_POLL_T0", kScratchPollT0);
  exports.Set("constants", obj);
}

}  // namespace erlsock
