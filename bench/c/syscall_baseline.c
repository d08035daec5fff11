/* The physical limit for bench/syscall.ts and bench/poller.ts: the same syscalls from a
 * plain C loop, no JavaScript. Prints one JSON line of nanoseconds per operation (median
 * over rounds):
 *   send64       send(2) of 64 bytes on a loopback TCP connection
 *   recv64       recv(2) of 64 bytes with data ready
 *   recv_eagain  recv(2) on an empty non-blocking socket (EAGAIN)
 *   epoll_event  epoll_wait(2) cost per ready socket, with N ready UDP sockets
 *   getppid      the cheapest syscall: what entering and leaving the kernel costs here (a
 *                few hundred ns on bare metal; more under some hypervisors, which makes every
 *                syscall an echo makes count more)
 *   epoll_empty  epoll_wait(2) with timeout 0 on a set with nothing ready
 *   poll_zero    poll(2) with timeout 0 on one fd with nothing ready (one busy-wait probe)
 * usage: syscall_baseline <rounds> <ops per round> <ready sockets> */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void die(const char *what) {
  perror(what);
  exit(1);
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double median(double *v, int n) {
  qsort(v, n, sizeof *v, cmp);
  return v[n / 2];
}

static void tcp_pair(int *c, int *a) {
  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t len = sizeof sa;
  int l = socket(AF_INET, SOCK_STREAM, 0);
  if (l < 0 || bind(l, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(l, 1) < 0) die("listen");
  getsockname(l, (struct sockaddr *)&sa, &len);
  *c = socket(AF_INET, SOCK_STREAM, 0);
  if (connect(*c, (struct sockaddr *)&sa, sizeof sa) < 0) die("connect");
  *a = accept4(l, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (*a < 0) die("accept");
  close(l);
  int one = 1, big = 8 << 20;
  (void)one; /* Nagle stays on, as a default socket has it */
  setsockopt(*c, SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
  setsockopt(*a, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
  fcntl(*c, F_SETFL, fcntl(*c, F_GETFL) | O_NONBLOCK); /* as the addon's sockets */
}

int main(int argc, char **argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 20;
  int ops = argc > 2 ? atoi(argv[2]) : 2000;
  int nready = argc > 3 ? atoi(argv[3]) : 1000;
  double *send_t = calloc(rounds, sizeof(double)), *recv_t = calloc(rounds, sizeof(double));
  double *eagain_t = calloc(rounds, sizeof(double)), *ep_t = calloc(rounds, sizeof(double));
  double *ppid_t = calloc(rounds, sizeof(double)), *empty_t = calloc(rounds, sizeof(double));
  double *poll_t = calloc(rounds, sizeof(double));
  char buf[64];
  memset(buf, 'x', sizeof buf);

  int c, a;
  tcp_pair(&c, &a);
  for (int r = 0; r < rounds; r++) {
    double t0 = now_ns();
    for (int i = 0; i < ops; i++)
      if (send(c, buf, 64, MSG_NOSIGNAL) != 64) die("send");
    double t1 = now_ns();
    /* Under load loopback delivery can lag the sends (ksoftirqd): wait for all of it. */
    /* MSG_PEEK|MSG_TRUNC on TCP reports what is queued without copying it (tcp(7)). */
    while (recv(a, NULL, 64 * ops, MSG_PEEK | MSG_TRUNC) < 64 * ops) usleep(100);
    double t1r = now_ns();
    for (int i = 0; i < ops; i++)
      if (recv(a, buf, 64, 0) != 64) die("recv");
    double t2 = now_ns();
    for (int i = 0; i < ops; i++)
      if (recv(a, buf, 64, 0) != -1 || errno != EAGAIN) die("recv eagain");
    double t3 = now_ns();
    send_t[r] = (t1 - t0) / ops;
    recv_t[r] = (t2 - t1r) / ops;
    eagain_t[r] = (t3 - t2) / ops;
  }

  int ep = epoll_create1(EPOLL_CLOEXEC);
  int *fds = calloc(nready, sizeof(int));
  struct sockaddr_in *addrs = calloc(nready, sizeof *addrs);
  struct epoll_event *evs = calloc(nready, sizeof *evs);
  int tx = socket(AF_INET, SOCK_DGRAM, 0);
  for (int i = 0; i < nready; i++) {
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof sa;
    fds[i] = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fds[i] < 0 || bind(fds[i], (struct sockaddr *)&sa, sizeof sa) < 0) die("udp");
    getsockname(fds[i], (struct sockaddr *)&addrs[i], &len);
    struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, .data.u64 = (uint64_t)i << 32 | fds[i]};
    epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev);
  }
  epoll_wait(ep, evs, nready, 0); /* the registration edges */
  for (int r = 0; r < rounds; r++) {
    for (int i = 0; i < nready; i++) sendto(tx, buf, 1, 0, (struct sockaddr *)&addrs[i], sizeof addrs[i]);
    double t0 = now_ns();
    int got = 0;
    while (got < nready) {
      int n = epoll_wait(ep, evs + got, nready - got, 0);
      if (n <= 0) break;
      got += n;
    }
    double t1 = now_ns();
    if (got != nready) die("epoll_wait: not all ready");
    ep_t[r] = (t1 - t0) / nready;
    for (int i = 0; i < nready; i++) recv(fds[i], buf, sizeof buf, 0);
  }

  int empty = epoll_create1(EPOLL_CLOEXEC);
  struct pollfd pfd = {.fd = empty, .events = POLLIN};
  for (int r = 0; r < rounds; r++) {
    double t0 = now_ns();
    for (int i = 0; i < ops; i++) syscall(SYS_getppid); /* glibc's getppid is not cached, but be sure */
    double t1 = now_ns();
    for (int i = 0; i < ops; i++)
      if (epoll_wait(empty, evs, 1, 0) != 0) die("epoll_wait empty");
    double t2 = now_ns();
    for (int i = 0; i < ops; i++)
      if (poll(&pfd, 1, 0) != 0) die("poll");
    double t3 = now_ns();
    ppid_t[r] = (t1 - t0) / ops;
    empty_t[r] = (t2 - t1) / ops;
    poll_t[r] = (t3 - t2) / ops;
  }
  printf("{\"send64\":%.1f,\"recv64\":%.1f,\"recv_eagain\":%.1f,\"epoll_event\":%.1f,\"getppid\":%.1f,"
         "\"epoll_empty\":%.1f,\"poll_zero\":%.1f}\n",
         median(send_t, rounds), median(recv_t, rounds), median(eagain_t, rounds), median(ep_t, rounds),
         median(ppid_t, rounds), median(empty_t, rounds), median(poll_t, rounds));
  return 0;
}
