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

struct Addr {
  const sockaddr* sa;
  socklen_t len;
};

// Sockaddr argument: the first addrlen bytes of a Uint8Array.
Addr get_addr(const Napi::CallbackInfo& info, size_t ibuf, size_t ilen) {
  Bytes b = get_bytes(info, ibuf);
  int32_t len = get_int(info, ilen);
  if (len < 0 || static_cast<size_t>(len) > b.size || static_cast<size_t>(len) > sizeof(sockaddr_storage))
    range_error(info.Env(), "erlsock: sockaddr length outside the buffer");
  return Addr{reinterpret_cast<const sockaddr*>(b.data), static_cast<socklen_t>(len)};
}

Napi::Value Socket(const Napi::CallbackInfo& info) {
  int32_t domain = get_int(info, 0), type = get_int(info, 1), proto = get_int(info, 2);
  int fd = socket(domain, type | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
  int err = errno;
  if (fd >= 0) state(info)->own(fd);
  return result(info.Env(), fd, err);
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
Napi::Value Dup(const Napi::CallbackInfo& info) {
  int32_t fd = get_int(info, 0);
  int nfd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (nfd < 0) return num(info.Env(), -errno);
  int r = set_nonblock(nfd);
  if (r < 0) {
    close(nfd);
    return num(info.Env(), r);
  }
  state(info)->own(nfd);
  return num(info.Env(), nfd);
}

// For an fd used as is (open(FD, #{dup => false})): it stays the caller's, so it is not
// owned here, only made non-blocking.
Napi::Value SetNonblock(const Napi::CallbackInfo& info) {
  return num(info.Env(), set_nonblock(get_int(info, 0)));
}

Napi::Value Bind(const Napi::CallbackInfo& info) {
  int32_t fd = get_int(info, 0);
  Addr a = get_addr(info, 1, 2);
  int r = bind(fd, a.sa, a.len);
  return result(info.Env(), r, errno);
}

Napi::Value Listen(const Napi::CallbackInfo& info) {
  int32_t fd = get_int(info, 0), backlog = get_int(info, 1);
  int r = listen(fd, backlog);
  return result(info.Env(), r, errno);
}

// The peer's address lands in the scratch area.
Napi::Value Accept(const Napi::CallbackInfo& info) {
  int32_t fd = get_int(info, 0);
  EnvState* st = state(info);
  socklen_t len = sizeof(sockaddr_storage);
  int nfd;
  do nfd = accept4(fd, scratch_addr(st), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
  while (nfd < 0 && errno == EINTR);
  int err = errno;
  if (nfd >= 0) {
    st->own(nfd);
    *scratch_i32(st, kScratchAddrLen) = static_cast<int32_t>(len);
  }
  return result(info.Env(), nfd, err);
}

// On a non-blocking socket, -EINPROGRESS starts the handshake; EPOLLOUT then says it ended
// and SO_ERROR (connect_result) says how.
Napi::Value Connect(const Napi::CallbackInfo& info) {
  int32_t fd = get_int(info, 0);
  Addr a = get_addr(info, 1, 2);
  int r = connect(fd, a.sa, a.len);
  return result(info.Env(), r, errno);
}

// Reading SO_ERROR also clears it: 0 means connected, else the pending error as -errno.
Napi::Value ConnectResult(const Napi::CallbackInfo& info) {
  int32_t fd = get_int(info, 0);
  int err = 0;
  socklen_t len = sizeof err;
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) return num(info.Env(), -errno);
  return num(info.Env(), -err);
}

// recv and send are in hot_io.cc.

// The source address lands in the scratch area (length 0 for a connected stream).
Napi::Value RecvFrom(const Napi::CallbackInfo& info) {
  int32_t fd = get_int(info, 0);
  Bytes b = get_range(info, 1, 2, 3);
  int32_t flags = get_int(info, 4);
  EnvState* st = state(info);
  ssize_t r;
  socklen_t len;
  do {
    len = sizeof(sockaddr_storage);
    r = recvfrom(fd, b.data, b.size, flags, scratch_addr(st), &len);
  } while (r < 0 && errno == EINTR);
  int err = errno;
  if (r >= 0) *scratch_i32(st, kScratchAddrLen) = static_cast<int32_t>(len);
  return result(info.Env(), r, err);
}

// recvmsg(fd, buf, off, len, ctrl|null, flags): address, msg_flags and the control length
// land in the scratch area; control messages in ctrl. Received fds (SCM_RIGHTS) are
// close-on-exec (MSG_CMSG_CLOEXEC).
Napi::Value RecvMsg(const Napi::CallbackInfo& info) {
  int32_t fd = get_int(info, 0);
  Bytes b = get_range(info, 1, 2, 3);
  Bytes ctrl = get_bytes_or_null(info, 4);
  int32_t flags = get_int(info, 5);
  EnvState* st = state(info);
  iovec iov{b.data, b.size};
  msghdr msg{};
  ssize_t r;
  do {
    msg.msg_name = scratch_addr(st);
    msg.msg_namelen = sizeof(sockaddr_storage);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = ctrl.data;
    msg.msg_controllen = ctrl.size;
    msg.msg_flags = 0;
    r = recvmsg(fd, &msg, flags | MSG_CMSG_CLOEXEC);
  } while (r < 0 && errno == EINTR);
  int err = errno;
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
        st->own(rfd);
      }
    }
    *scratch_i32(st, kScratchAddrLen) = static_cast<int32_t>(msg.msg_namelen);
    *scratch_i32(st, kScratchMsgFlags) = msg.msg_flags;
    *scratch_i32(st, kScratchCtrlLen) = static_cast<int32_t>(msg.msg_controllen);
  }
  return result(info.Env(), r, err);
}

Napi::Value SendTo(const Napi::CallbackInfo& info) {
  int32_t fd = get_int(info, 0);
  Bytes b = get_range(info, 1, 2, 3);
  int32_t flags = get_int(info, 4);
  Addr a = get_addr(info, 5, 6);
  ssize_t r;
  do r = sendto(fd, b.data, b.size, flags | MSG_NOSIGNAL, a.sa, a.len);
  while (r < 0 && errno == EINTR);
  return result(info.Env(), r, errno);
}

// sendmsg(fd, iov: Uint8Array[], addr|null, addrlen, ctrl|null, flags): the iovecs point
// into the caller's Buffers, which stay alive (held by the arguments) for the call.
Napi::Value SendMsg(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t fd = get_int(info, 0);
  if (!info[1].IsArray()) type_error(env, "erlsock: sendmsg iov must be an array of Buffers");
  Bytes abuf = get_bytes_or_null(info, 2);
  int32_t alen = get_int(info, 3);
  Bytes ctrl = get_bytes_or_null(info, 4);
  int32_t flags = get_int(info, 5);
  if (alen < 0 || static_cast<size_t>(alen) > abuf.size) range_error(env, "erlsock: sockaddr length outside the buffer");
  Napi::Array arr = info[1].As<Napi::Array>();
  uint32_t count = arr.Length();
  // The kernel refuses more than UIO_MAXIOV (1024) iovecs with EMSGSIZE; say so without trying.
  if (count > 1024) return num(env, -EMSGSIZE);
  std::vector<iovec> iov(count);
  for (uint32_t i = 0; i < count; i++) {
    Bytes b = get_bytes(env, arr.Get(i));
    iov[i] = iovec{b.data, b.size};
  }
  msghdr msg{};
  msg.msg_name = alen > 0 ? abuf.data : nullptr;
  msg.msg_namelen = static_cast<socklen_t>(alen);
  msg.msg_iov = iov.data();
  msg.msg_iovlen = count;
  msg.msg_control = ctrl.size > 0 ? ctrl.data : nullptr;
  msg.msg_controllen = ctrl.size;
  ssize_t r;
  do r = sendmsg(fd, &msg, flags | MSG_NOSIGNAL);
  while (r < 0 && errno == EINTR);
  return result(env, r, errno);
}

Napi::Value Shutdown(const Napi::CallbackInfo& info) {
  int32_t fd = get_int(info, 0), how = get_int(info, 1);
  int r = shutdown(fd, how);
  return result(info.Env(), r, errno);
}

// Only fds this environment opened may be closed here (-EBADF otherwise), so a stray
// number can never close one of Node's own descriptors. Deregistration comes first: a
// closed fd left in the epoll set would keep reporting for its open file description.
// Linux frees the fd even when close(2) reports EINTR, so it is never retried.
Napi::Value Close(const Napi::CallbackInfo& info) {
  int32_t fd = get_int(info, 0);
  EnvState* st = state(info);
  uint8_t f = st->flags(fd);
  if (!(f & kOwned)) return num(info.Env(), -EBADF);
  if (f & kRegistered) poller_unregister(st, fd);
  st->clear_flag(fd, kOwned);
  st->owned--;
  int r = close(fd);
  if (r < 0 && errno == EINTR) r = 0;
  return result(info.Env(), r, errno);
}

Napi::Value Name(const Napi::CallbackInfo& info, bool peer) {
  int32_t fd = get_int(info, 0);
  EnvState* st = state(info);
  socklen_t len = sizeof(sockaddr_storage);
  int r = peer ? getpeername(fd, scratch_addr(st), &len) : getsockname(fd, scratch_addr(st), &len);
  int err = errno;
  if (r == 0) *scratch_i32(st, kScratchAddrLen) = static_cast<int32_t>(len);
  return result(info.Env(), r, err);
}
Napi::Value GetSockName(const Napi::CallbackInfo& info) { return Name(info, false); }
Napi::Value GetPeerName(const Napi::CallbackInfo& info) { return Name(info, true); }

Napi::Value OpenFds(const Napi::CallbackInfo& info) {
  return num(info.Env(), static_cast<int64_t>(state(info)->owned));
}

}  // namespace

void register_syscalls(Napi::Env env, Napi::Object exports, EnvState* st) {
  def<Socket>(env, exports, "socket", st);
  def<Dup>(env, exports, "dup", st);
  def<SetNonblock>(env, exports, "set_nonblock", st);
  def<Bind>(env, exports, "bind", st);
  def<Listen>(env, exports, "listen", st);
  def<Accept>(env, exports, "accept", st);
  def<Connect>(env, exports, "connect", st);
  def<ConnectResult>(env, exports, "connect_result", st);
  def<RecvFrom>(env, exports, "recvfrom", st);
  def<RecvMsg>(env, exports, "recvmsg", st);
  def<SendTo>(env, exports, "sendto", st);
  def<SendMsg>(env, exports, "sendmsg", st);
  def<Shutdown>(env, exports, "shutdown", st);
  def<Close>(env, exports, "close", st);
  def<GetSockName>(env, exports, "getsockname", st);
  def<GetPeerName>(env, exports, "getpeername", st);
  def<OpenFds>(env, exports, "open_fds", st);
}

}  // namespace erlsock
