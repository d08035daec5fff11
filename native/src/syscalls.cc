// Socket syscalls. Every socket is non-blocking and close-on-exec from birth
// (SOCK_NONBLOCK|SOCK_CLOEXEC on socket(2) and accept4(2)), so no other thread's fork+exec
// can inherit it and no call ever blocks the event loop. Every send adds MSG_NOSIGNAL:
// a write to a closed peer must give EPIPE, not kill the process with SIGPIPE.
// Data moves between the kernel and the caller's Buffer directly (no intermediate copy).
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>
#include <vector>
#include "args.h"

namespace erlsock {
namespace {

inline int32_t* scratch_i32(EnvState* st, size_t off) {
  return reinterpret_cast<int32_t*>(st->scratch + off);
}

inline sockaddr* scratch_addr(EnvState* st) { return reinterpret_cast<sockaddr*>(st->scratch + kScratchAddr); }

// Sockaddr argument: the first addrlen bytes of a Uint8Array.
bool get_addr(napi_env env, napi_value vbuf, napi_value vlen, const sockaddr** sa, socklen_t* salen) {
  uint8_t* data;
  size_t size;
  int32_t len;
  if (!get_bytes(env, vbuf, &data, &size) || !get_int(env, vlen, &len)) return false;
  if (len < 0 || static_cast<size_t>(len) > size || static_cast<size_t>(len) > sizeof(sockaddr_storage)) {
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE", "erlsock: sockaddr length outside the buffer");
    return false;
  }
  *sa = reinterpret_cast<const sockaddr*>(data);
  *salen = static_cast<socklen_t>(len);
  return true;
}

napi_value Socket(napi_env env, napi_callback_info info) {
  Args<3> a(env, info);
  int32_t domain, type, proto;
  if (!a.ok || !get_int(env, a.argv[0], &domain) || !get_int(env, a.argv[1], &type) ||
      !get_int(env, a.argv[2], &proto))
    return nullptr;
  int fd = socket(domain, type | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
  if (fd >= 0) a.st->own(fd);
  return result(env, fd, errno);
}

// O_NONBLOCK is a flag of the open file description, not of the fd: every dup of it, and
// the caller's original fd, sees the change too (fcntl(2), open(2)). OTP 25 also makes an
// fd given to open(FD) non-blocking; the socket layer needs it, or a read would block the
// event loop.
int set_nonblock(int fd) {
  int fl = fcntl(fd, F_GETFL);
  if (fl < 0) return -errno;
  if (!(fl & O_NONBLOCK) && fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) return -errno;
  return 0;
}

// dup(fd) → a new fd this environment owns: close-on-exec (F_DUPFD_CLOEXEC, atomic, so no
// other thread's fork+exec can inherit it) and non-blocking. The original stays the
// caller's: closing the new fd leaves it open (the socket lives on while any fd refers to
// its open file description).
napi_value Dup(napi_env env, napi_callback_info info) {
  Args<1> a(env, info);
  int32_t fd;
  if (!a.ok || !get_int(env, a.argv[0], &fd)) return nullptr;
  int nfd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (nfd < 0) return num(env, -errno);
  int r = set_nonblock(nfd);
  if (r < 0) {
    close(nfd);
    return num(env, r);
  }
  a.st->own(nfd);
  return num(env, nfd);
}

// For an fd used as is (open(FD, #{dup => false})): it stays the caller's, so it is not
// owned here, only made non-blocking.
napi_value SetNonblock(napi_env env, napi_callback_info info) {
  Args<1> a(env, info);
  int32_t fd;
  if (!a.ok || !get_int(env, a.argv[0], &fd)) return nullptr;
  return num(env, set_nonblock(fd));
}

napi_value Bind(napi_env env, napi_callback_info info) {
  Args<3> a(env, info);
  int32_t fd;
  const sockaddr* sa;
  socklen_t len;
  if (!a.ok || !get_int(env, a.argv[0], &fd) || !get_addr(env, a.argv[1], a.argv[2], &sa, &len)) return nullptr;
  int r = bind(fd, sa, len);
  return result(env, r, errno);
}

napi_value Listen(napi_env env, napi_callback_info info) {
  Args<2> a(env, info);
  int32_t fd, backlog;
  if (!a.ok || !get_int(env, a.argv[0], &fd) || !get_int(env, a.argv[1], &backlog)) return nullptr;
  int r = listen(fd, backlog);
  return result(env, r, errno);
}

// The peer's address lands in the scratch area.
napi_value Accept(napi_env env, napi_callback_info info) {
  Args<1> a(env, info);
  int32_t fd;
  if (!a.ok || !get_int(env, a.argv[0], &fd)) return nullptr;
  socklen_t len = sizeof(sockaddr_storage);
  int nfd;
  do nfd = accept4(fd, scratch_addr(a.st), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
  while (nfd < 0 && errno == EINTR);
  if (nfd >= 0) {
    a.st->own(nfd);
    *scratch_i32(a.st, kScratchAddrLen) = static_cast<int32_t>(len);
  }
  return result(env, nfd, errno);
}

// On a non-blocking socket, -EINPROGRESS starts the handshake; EPOLLOUT then says it ended
// and SO_ERROR (connect_result) says how.
napi_value Connect(napi_env env, napi_callback_info info) {
  Args<3> a(env, info);
  int32_t fd;
  const sockaddr* sa;
  socklen_t len;
  if (!a.ok || !get_int(env, a.argv[0], &fd) || !get_addr(env, a.argv[1], a.argv[2], &sa, &len)) return nullptr;
  int r = connect(fd, sa, len);
  return result(env, r, errno);
}

// Reading SO_ERROR also clears it: 0 means connected, else the pending error as -errno.
napi_value ConnectResult(napi_env env, napi_callback_info info) {
  Args<1> a(env, info);
  int32_t fd;
  if (!a.ok || !get_int(env, a.argv[0], &fd)) return nullptr;
  int err = 0;
  socklen_t len = sizeof err;
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) return num(env, -errno);
  return num(env, -err);
}

napi_value Recv(napi_env env, napi_callback_info info) {
  Args<5> a(env, info);
  int32_t fd, flags;
  uint8_t* p;
  size_t n;
  if (!a.ok || !get_int(env, a.argv[0], &fd) || !get_range(env, a.argv[1], a.argv[2], a.argv[3], &p, &n) ||
      !get_int(env, a.argv[4], &flags))
    return nullptr;
  ssize_t r;
  do r = recv(fd, p, n, flags);
  while (r < 0 && errno == EINTR);
  return result(env, r, errno);
}

// The source address lands in the scratch area (length 0 for a connected stream).
napi_value RecvFrom(napi_env env, napi_callback_info info) {
  Args<5> a(env, info);
  int32_t fd, flags;
  uint8_t* p;
  size_t n;
  if (!a.ok || !get_int(env, a.argv[0], &fd) || !get_range(env, a.argv[1], a.argv[2], a.argv[3], &p, &n) ||
      !get_int(env, a.argv[4], &flags))
    return nullptr;
  ssize_t r;
  socklen_t len;
  do {
    len = sizeof(sockaddr_storage);
    r = recvfrom(fd, p, n, flags, scratch_addr(a.st), &len);
  } while (r < 0 && errno == EINTR);
  if (r >= 0) *scratch_i32(a.st, kScratchAddrLen) = static_cast<int32_t>(len);
  return result(env, r, errno);
}

// recvmsg(fd, buf, off, len, ctrl|null, flags): address, msg_flags and the control length
// land in the scratch area; control messages in ctrl. Received fds (SCM_RIGHTS) are
// close-on-exec (MSG_CMSG_CLOEXEC).
napi_value RecvMsg(napi_env env, napi_callback_info info) {
  Args<6> a(env, info);
  int32_t fd, flags;
  uint8_t *p, *ctrl;
  size_t n, clen;
  if (!a.ok || !get_int(env, a.argv[0], &fd) || !get_range(env, a.argv[1], a.argv[2], a.argv[3], &p, &n) ||
      !get_bytes_or_null(env, a.argv[4], &ctrl, &clen) || !get_int(env, a.argv[5], &flags))
    return nullptr;
  iovec iov{p, n};
  msghdr msg{};
  ssize_t r;
  do {
    msg.msg_name = scratch_addr(a.st);
    msg.msg_namelen = sizeof(sockaddr_storage);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = ctrl;
    msg.msg_controllen = clen;
    msg.msg_flags = 0;
    r = recvmsg(fd, &msg, flags | MSG_CMSG_CLOEXEC);
  } while (r < 0 && errno == EINTR);
  if (r >= 0) {
    // Descriptors passed with SCM_RIGHTS are now this process's: own them, so they can be
    // closed through close() and are closed at environment teardown like any other.
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
      size_t nfds = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
      const unsigned char* d = CMSG_DATA(c);
      for (size_t i = 0; i < nfds; i++) {
        int rfd;
        std::memcpy(&rfd, d + i * sizeof(int), sizeof(int));
        a.st->own(rfd);
      }
    }
    *scratch_i32(a.st, kScratchAddrLen) = static_cast<int32_t>(msg.msg_namelen);
    *scratch_i32(a.st, kScratchMsgFlags) = msg.msg_flags;
    *scratch_i32(a.st, kScratchCtrlLen) = static_cast<int32_t>(msg.msg_controllen);
  }
  return result(env, r, errno);
}

napi_value Send(napi_env env, napi_callback_info info) {
  Args<5> a(env, info);
  int32_t fd, flags;
  uint8_t* p;
  size_t n;
  if (!a.ok || !get_int(env, a.argv[0], &fd) || !get_range(env, a.argv[1], a.argv[2], a.argv[3], &p, &n) ||
      !get_int(env, a.argv[4], &flags))
    return nullptr;
  ssize_t r;
  do r = send(fd, p, n, flags | MSG_NOSIGNAL);
  while (r < 0 && errno == EINTR);
  return result(env, r, errno);
}

napi_value SendTo(napi_env env, napi_callback_info info) {
  Args<7> a(env, info);
  int32_t fd, flags;
  uint8_t* p;
  size_t n;
  const sockaddr* sa;
  socklen_t salen;
  if (!a.ok || !get_int(env, a.argv[0], &fd) || !get_range(env, a.argv[1], a.argv[2], a.argv[3], &p, &n) ||
      !get_int(env, a.argv[4], &flags) || !get_addr(env, a.argv[5], a.argv[6], &sa, &salen))
    return nullptr;
  ssize_t r;
  do r = sendto(fd, p, n, flags | MSG_NOSIGNAL, sa, salen);
  while (r < 0 && errno == EINTR);
  return result(env, r, errno);
}

// sendmsg(fd, iov: Uint8Array[], addr|null, addrlen, ctrl|null, flags): the iovecs point
// into the caller's Buffers, which stay alive (held by argv) for the call.
napi_value SendMsg(napi_env env, napi_callback_info info) {
  Args<6> a(env, info);
  int32_t fd, flags, alen;
  uint8_t *abuf, *ctrl;
  size_t asize, clen;
  bool is_array = false;
  if (!a.ok || !get_int(env, a.argv[0], &fd)) return nullptr;
  if (napi_is_array(env, a.argv[1], &is_array) != napi_ok || !is_array) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "erlsock: sendmsg iov must be an array of Buffers");
    return nullptr;
  }
  if (!get_bytes_or_null(env, a.argv[2], &abuf, &asize) || !get_int(env, a.argv[3], &alen) ||
      !get_bytes_or_null(env, a.argv[4], &ctrl, &clen) || !get_int(env, a.argv[5], &flags))
    return nullptr;
  if (alen < 0 || static_cast<size_t>(alen) > asize) {
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE", "erlsock: sockaddr length outside the buffer");
    return nullptr;
  }
  uint32_t count;
  napi_get_array_length(env, a.argv[1], &count);
  // The kernel refuses more than UIO_MAXIOV (1024) iovecs with EMSGSIZE; say so without trying.
  if (count > 1024) return num(env, -EMSGSIZE);
  std::vector<iovec> iov(count);
  for (uint32_t i = 0; i < count; i++) {
    napi_value el;
    uint8_t* d;
    size_t l;
    if (napi_get_element(env, a.argv[1], i, &el) != napi_ok || !get_bytes(env, el, &d, &l)) return nullptr;
    iov[i] = iovec{d, l};
  }
  msghdr msg{};
  msg.msg_name = alen > 0 ? abuf : nullptr;
  msg.msg_namelen = static_cast<socklen_t>(alen);
  msg.msg_iov = iov.data();
  msg.msg_iovlen = count;
  msg.msg_control = clen > 0 ? ctrl : nullptr;
  msg.msg_controllen = clen;
  ssize_t r;
  do r = sendmsg(fd, &msg, flags | MSG_NOSIGNAL);
  while (r < 0 && errno == EINTR);
  return result(env, r, errno);
}

napi_value Shutdown(napi_env env, napi_callback_info info) {
  Args<2> a(env, info);
  int32_t fd, how;
  if (!a.ok || !get_int(env, a.argv[0], &fd) || !get_int(env, a.argv[1], &how)) return nullptr;
  int r = shutdown(fd, how);
  return result(env, r, errno);
}

// Only fds this environment opened may be closed here (-EBADF otherwise), so a stray
// number can never close one of Node's own descriptors. Deregistration comes first: a
// closed fd left in the epoll set would keep reporting for its open file description.
// Linux frees the fd even when close(2) reports EINTR, so it is never retried.
napi_value Close(napi_env env, napi_callback_info info) {
  Args<1> a(env, info);
  int32_t fd;
  if (!a.ok || !get_int(env, a.argv[0], &fd)) return nullptr;
  EnvState* st = a.st;
  uint8_t f = st->flags(fd);
  if (!(f & kOwned)) return num(env, -EBADF);
  if (f & kRegistered) poller_unregister(st, fd);
  st->clear_flag(fd, kOwned);
  st->owned--;
  int r = close(fd);
  if (r < 0 && errno == EINTR) r = 0;
  return result(env, r, errno);
}

napi_value Name(napi_env env, napi_callback_info info, bool peer) {
  Args<1> a(env, info);
  int32_t fd;
  if (!a.ok || !get_int(env, a.argv[0], &fd)) return nullptr;
  socklen_t len = sizeof(sockaddr_storage);
  int r = peer ? getpeername(fd, scratch_addr(a.st), &len) : getsockname(fd, scratch_addr(a.st), &len);
  if (r == 0) *scratch_i32(a.st, kScratchAddrLen) = static_cast<int32_t>(len);
  return result(env, r, errno);
}
napi_value GetSockName(napi_env env, napi_callback_info info) { return Name(env, info, false); }
napi_value GetPeerName(napi_env env, napi_callback_info info) { return Name(env, info, true); }

napi_value OpenFds(napi_env env, napi_callback_info info) {
  Args<0> a(env, info);
  return num(env, static_cast<int64_t>(a.st->owned));
}

}  // namespace

napi_value register_syscalls(napi_env env, napi_value exports, EnvState* st) {
  static const NamedCallback fns[] = {
      {"socket", Socket}, {"dup", Dup}, {"set_nonblock", SetNonblock}, {"bind", Bind}, {"listen", Listen}, {"accept", Accept},
      {"connect", Connect}, {"connect_result", ConnectResult}, {"recv", Recv},
      {"recvfrom", RecvFrom}, {"recvmsg", RecvMsg}, {"send", Send}, {"sendto", SendTo},
      {"sendmsg", SendMsg}, {"shutdown", Shutdown}, {"close", Close},
      {"getsockname", GetSockName}, {"getpeername", GetPeerName}, {"open_fds", OpenFds},
  };
  return export_functions(env, exports, st, fns);
}

}  // namespace erlsock
