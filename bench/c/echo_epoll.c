/*
 * echo_epoll: a bare C epoll echo server, the limit the echo benchmarks compare against.
 * One thread, edge-triggered, no allocation per message: what any runtime would cost minus
 * the runtime.
 *
 *   echo_epoll [--addr A] [--port P] [--nodelay] [--nested | --spin] [--timeout MS]
 *
 * --nested waits as erlsock's loop does: the sockets' epoll set is itself watched by an outer
 * epoll set (libuv's, there), so each wake-up is an epoll_wait on the outer set that blocks,
 * then one with timeout 0 on the inner set that says which sockets are ready. It measures what
 * that arrangement costs by itself, without any runtime.
 *
 * --spin never sleeps: it polls the set with timeout 0 over and over, as a busy-waiting loop
 * does while it waits (erlsock's busy-wait, `erl +sbwt`). Its CPU per echo is then its round
 * trip: the least a server that spins through the whole wait can cost per echo.
 *
 * --timeout MS sleeps with that timeout instead of -1, as an event loop with a timer pending
 * does (libuv passes the time to its next timer): the kernel then arms a timer at each wait
 * and cancels it when a socket ends the wait first. It measures what that costs by itself
 * (erlsock's wait keeps a timerfd for it instead: native/src/wait_timer.cc).
 *
 * Prints "listening <addr> <port>" when ready; runs until SIGINT/SIGTERM, then exits 0.
 * Loopback only: it refuses to bind anything else.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#define BUF_SIZE 65536
#define MAX_EVENTS 256

/* Per connection: bytes read but not yet written back (the peer stopped reading). */
struct pending {
  unsigned char *data;
  size_t off, len;
};

static volatile sig_atomic_t stopping;
static int epfd;
static int nodelay;
static int nested;
static int spin;
static int timeout_ms = -1;
static struct pending *pend; /* indexed by fd */
static size_t pend_cap;

static void on_signal(int sig) {
  (void)sig;
  stopping = 1;
}

static void die(const char *what) {
  fprintf(stderr, "echo_epoll: %s: %s\n", what, strerror(errno));
  exit(2);
}

static struct pending *pending_for(int fd) {
  if ((size_t)fd >= pend_cap) {
    size_t cap = pend_cap ? pend_cap : 1024;
    while (cap <= (size_t)fd) cap *= 2;
    pend = realloc(pend, cap * sizeof *pend);
    if (!pend) die("realloc");
    memset(pend + pend_cap, 0, (cap - pend_cap) * sizeof *pend);
    pend_cap = cap;
  }
  return &pend[fd];
}

static void drop(int fd) {
  struct pending *p = pending_for(fd);
  free(p->data);
  memset(p, 0, sizeof *p);
  close(fd); /* also removes it from the epoll set */
}

/* Writes what is pending. Returns 0 when nothing is left, 1 on EAGAIN, -1 on error. */
static int flush_pending(int fd) {
  struct pending *p = pending_for(fd);
  while (p->off < p->len) {
    ssize_t n = send(fd, p->data + p->off, p->len - p->off, MSG_NOSIGNAL);
    if (n > 0) { p->off += (size_t)n; continue; }
    if (n < 0 && errno == EAGAIN) return 1;
    return -1;
  }
  free(p->data);
  memset(p, 0, sizeof *p);
  return 0;
}

static int queue_rest(int fd, const unsigned char *data, size_t len) {
  struct pending *p = pending_for(fd);
  unsigned char *d = realloc(p->data, p->len - p->off + len);
  if (!d) return -1;
  memmove(d, d + p->off, p->len - p->off);
  memcpy(d + (p->len - p->off), data, len);
  p->data = d;
  p->len = p->len - p->off + len;
  p->off = 0;
  return 0;
}

static void on_readable(int fd, unsigned char *buf) {
  for (;;) {
    ssize_t n = recv(fd, buf, BUF_SIZE, 0);
    if (n == 0) { drop(fd); return; }
    if (n < 0) {
      if (errno == EAGAIN) return;
      drop(fd);
      return;
    }
    size_t len = (size_t)n, off = 0;
    if (pending_for(fd)->len == 0) {
      while (off < len) {
        ssize_t w = send(fd, buf + off, len - off, MSG_NOSIGNAL);
        if (w > 0) { off += (size_t)w; continue; }
        if (w < 0 && errno == EAGAIN) break;
        drop(fd);
        return;
      }
    }
    if (off < len && queue_rest(fd, buf + off, len - off) != 0) { drop(fd); return; }
  }
}

static void accept_all(int lfd) {
  for (;;) {
    int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EAGAIN || errno == ECONNABORTED || errno == EINTR) return;
      if (errno == EMFILE || errno == ENFILE) return; /* the backlog keeps it; retry later */
      die("accept4");
    }
    if (nodelay) {
      int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, .data.fd = fd};
    if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) != 0) die("epoll_ctl add");
  }
}

int main(int argc, char **argv) {
  const char *addr = "127.0.0.1";
  int port = 0;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--nodelay")) nodelay = 1;
    else if (!strcmp(argv[i], "--nested")) nested = 1;
    else if (!strcmp(argv[i], "--spin")) spin = 1;
    else if (!strcmp(argv[i], "--timeout") && i + 1 < argc) timeout_ms = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--addr") && i + 1 < argc) addr = argv[++i];
    else if (!strcmp(argv[i], "--port") && i + 1 < argc) port = atoi(argv[++i]);
    else {
      fprintf(stderr, "usage: echo_epoll [--addr A] [--port P] [--nodelay] [--nested | --spin] [--timeout MS]\n");
      return 2;
    }
  }

  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 65536) {
    rl.rlim_cur = rl.rlim_max = 65536;
    setrlimit(RLIMIT_NOFILE, &rl); /* best effort: not root just means fewer connections */
  }

  struct sockaddr_storage ss;
  socklen_t sslen;
  memset(&ss, 0, sizeof ss);
  struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
  struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
  if (inet_pton(AF_INET, addr, &s4->sin_addr) == 1 && (ntohl(s4->sin_addr.s_addr) >> 24) == 127) {
    s4->sin_family = AF_INET;
    s4->sin_port = htons((uint16_t)port);
    sslen = sizeof *s4;
  } else if (inet_pton(AF_INET6, addr, &s6->sin6_addr) == 1 && IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr)) {
    s6->sin6_family = AF_INET6;
    s6->sin6_port = htons((uint16_t)port);
    sslen = sizeof *s6;
  } else {
    fprintf(stderr, "echo_epoll: %s is not a loopback address\n", addr);
    return 2;
  }

  int lfd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (lfd < 0) die("socket");
  int one = 1;
  setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(lfd, (struct sockaddr *)&ss, sslen) != 0) die("bind");
  if (listen(lfd, 4096) != 0) die("listen");
  if (getsockname(lfd, (struct sockaddr *)&ss, &sslen) != 0) die("getsockname");
  int bound_port = ntohs(ss.ss_family == AF_INET ? s4->sin_port : s6->sin6_port);

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal; /* no SA_RESTART: epoll_wait returns EINTR and we stop */
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);

  epfd = epoll_create1(EPOLL_CLOEXEC);
  if (epfd < 0) die("epoll_create1");
  struct epoll_event lev = {.events = EPOLLIN, .data.fd = lfd};
  if (epoll_ctl(epfd, EPOLL_CTL_ADD, lfd, &lev) != 0) die("epoll_ctl listen");

  int outer = -1;
  if (nested) {
    outer = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event oev = {.events = EPOLLIN, .data.fd = epfd};
    if (outer < 0 || epoll_ctl(outer, EPOLL_CTL_ADD, epfd, &oev) != 0) die("epoll nested");
  }

  printf("listening %s %d\n", addr, bound_port);
  fflush(stdout);

  static unsigned char buf[BUF_SIZE];
  struct epoll_event evs[MAX_EVENTS];
  while (!stopping) {
    int n;
    if (nested) {
      struct epoll_event oev;
      n = epoll_wait(outer, &oev, 1, -1);
      if (n > 0) n = epoll_wait(epfd, evs, MAX_EVENTS, 0);
    } else {
      n = epoll_wait(epfd, evs, MAX_EVENTS, spin ? 0 : timeout_ms);
    }
    if (n < 0) {
      if (errno == EINTR) continue;
      die("epoll_wait");
    }
    for (int k = 0; k < n; k++) {
      int fd = evs[k].data.fd;
      if (fd == lfd) { accept_all(lfd); continue; }
      uint32_t e = evs[k].events;
      if ((e & EPOLLOUT) && pending_for(fd)->len) {
        int r = flush_pending(fd);
        if (r < 0) { drop(fd); continue; }
      }
      if (e & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) on_readable(fd, buf);
    }
  }
  return 0;
}
