/*
 * loadgen: the echo benchmarks' load generator. One thread, one epoll set, loopback only;
 * meant to be pinned to its own core (taskset -c 0) while the server runs on the other.
 *
 *   loadgen pingpong --port P [--addr A] [--conns N] [--size B] [--warmup MS] [--duration MS]
 *                    [--count N] [--nodelay] [--cpu-pid PID]
 *       N connections, each sending a B-byte message and waiting for all B bytes back before
 *       sending the next, for the duration (or until --count round trips in all). Prints
 *       round trips/s and median/p99 round-trip time; with --cpu-pid, also the CPU time that
 *       process (the server) used in the timed window (window_cpu_s, -1 if unread).
 *   loadgen churn --port P [--addr A] [--count N] [--concurrency C] [--size B] [--duration MS]
 *       connect / send B bytes / read them back / close, C cycles in flight, until N cycles or
 *       the duration is over. Prints connections/s.
 *   loadgen idle --port P [--addr A] [--conns N] [--hold MS]
 *       opens N connections, does one echo on each (so the server has accepted it and started
 *       its handler), prints "ready N", then holds them until stdin closes or the hold time
 *       ends. The harness reads the server's RSS meanwhile.
 *
 * Every mode is bounded in count and time and prints exactly one JSON result line.
 * Connections are set up a few at a time (SETUP_WINDOW), because the guide's server listens
 * with OTP's default backlog of 5: a burst of connects would overflow the accept queue and
 * stall on SYN retransmits, which measures the kernel rather than the server.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define SETUP_WINDOW 4
#define MAX_SAMPLES (8u * 1024u * 1024u)
#define MAX_EVENTS 256

enum conn_state { C_FREE, C_CONNECTING, C_SENDING, C_WAITING, C_IDLE };

struct conn {
  int fd;
  enum conn_state state;
  size_t sent;      /* bytes of the current message written */
  size_t received;  /* bytes of the current echo read back */
  uint64_t t_send;  /* when the current message started, ns */
  int setup_done;   /* first echo done (the server has a handler for it) */
};

static struct {
  const char *mode;
  const char *addr;
  int port;
  int conns;
  size_t size;
  long warmup_ms;
  long duration_ms;
  long count;
  int concurrency;
  long hold_ms;
  int nodelay;
  int count_given;
  int cpu_pid;
} opt = {NULL, "127.0.0.1", 0, 1, 64, 1000, 3000, 10000, 8, 30000, 0, 0, 0};

static int epfd;
static struct conn *conns;
static unsigned char *out_buf;
static unsigned char *in_bufs; /* one echo buffer per connection: partial reads interleave */
static struct sockaddr_storage server_addr;
static socklen_t server_addr_len;

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* CPU time of process PID in seconds, or -1 if it cannot be read: the sum over its threads of
 * the scheduler's run time (/proc/PID/task/TID/schedstat, first field, ns), else utime +
 * stime (/proc/PID/stat fields 14 and 15, in clock ticks of 10 ms). The same total (the
 * kernel scales utime and stime to the run time), but to the nanosecond: a window of a few
 * hundred ms (bench/echo_pair.ts) needs that. Read here, at the exact moments the timed
 * window opens and closes, so the server's CPU per echo leaves out the connection setup and
 * the warm-up (where a JIT compiles) as the round trips counted do. */
static double cpu_seconds_schedstat(int pid) {
  char path[96], buf[256];
  snprintf(path, sizeof path, "/proc/%d/task", pid);
  DIR *d = opendir(path);
  if (!d) return -1;
  unsigned long long total = 0;
  int threads = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    snprintf(path, sizeof path, "/proc/%d/task/%.20s/schedstat", pid, e->d_name);
    FILE *f = fopen(path, "r");
    if (!f) continue; /* a thread that just ended */
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    unsigned long long ns = 0;
    if (sscanf(buf, "%llu", &ns) == 1) {
      total += ns;
      threads++;
    }
  }
  closedir(d);
  return threads > 0 ? (double)total / 1e9 : -1;
}

static double cpu_seconds(int pid) {
  double s = cpu_seconds_schedstat(pid);
  if (s >= 0) return s;
  char path[64], buf[1024];
  snprintf(path, sizeof path, "/proc/%d/stat", pid);
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = 0;
  char *p = strrchr(buf, ')'); /* the command name may hold spaces and parentheses */
  if (!p) return -1;
  unsigned long long utime = 0, stime = 0;
  /* after ") ": state (3), then fields 4..13, then utime (14) and stime (15) */
  if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime) != 2) return -1;
  return (double)(utime + stime) / (double)sysconf(_SC_CLK_TCK);
}

static void die(const char *what) {
  fprintf(stderr, "loadgen: %s: %s\n", what, strerror(errno));
  exit(2);
}

static void usage(void) {
  fprintf(stderr,
          "usage: loadgen pingpong|churn|idle --port P [--addr A] [--conns N] [--size B]\n"
          "       [--warmup MS] [--duration MS] [--count N] [--concurrency C] [--hold MS] [--nodelay]\n"
          "       [--cpu-pid PID]\n");
  exit(2);
}

static long arg_long(const char *s, long lo, long hi, const char *name) {
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno || *end || v < lo || v > hi) {
    fprintf(stderr, "loadgen: bad %s: %s\n", name, s);
    exit(2);
  }
  return v;
}

static void parse_args(int argc, char **argv) {
  if (argc < 2) usage();
  opt.mode = argv[1];
  for (int i = 2; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--nodelay")) { opt.nodelay = 1; continue; }
    if (i + 1 >= argc) usage();
    const char *v = argv[++i];
    if (!strcmp(a, "--addr")) opt.addr = v;
    else if (!strcmp(a, "--port")) opt.port = (int)arg_long(v, 1, 65535, a);
    else if (!strcmp(a, "--conns")) opt.conns = (int)arg_long(v, 1, 100000, a);
    else if (!strcmp(a, "--size")) opt.size = (size_t)arg_long(v, 1, 1 << 20, a);
    else if (!strcmp(a, "--warmup")) opt.warmup_ms = arg_long(v, 0, 60000, a);
    else if (!strcmp(a, "--duration")) opt.duration_ms = arg_long(v, 1, 600000, a);
    else if (!strcmp(a, "--count")) { opt.count = arg_long(v, 1, 10000000, a); opt.count_given = 1; }
    else if (!strcmp(a, "--concurrency")) opt.concurrency = (int)arg_long(v, 1, 10000, a);
    else if (!strcmp(a, "--hold")) opt.hold_ms = arg_long(v, 0, 600000, a);
    else if (!strcmp(a, "--cpu-pid")) opt.cpu_pid = (int)arg_long(v, 1, 1 << 22, a);
    else usage();
  }
  if (opt.port == 0) usage();
}

/* Only loopback: this tool must never load anything but this machine. */
static void resolve_server(void) {
  memset(&server_addr, 0, sizeof server_addr);
  struct sockaddr_in *s4 = (struct sockaddr_in *)&server_addr;
  struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&server_addr;
  if (inet_pton(AF_INET, opt.addr, &s4->sin_addr) == 1) {
    if ((ntohl(s4->sin_addr.s_addr) >> 24) != 127) {
      fprintf(stderr, "loadgen: %s is not a loopback address\n", opt.addr);
      exit(2);
    }
    s4->sin_family = AF_INET;
    s4->sin_port = htons((uint16_t)opt.port);
    server_addr_len = sizeof *s4;
  } else if (inet_pton(AF_INET6, opt.addr, &s6->sin6_addr) == 1) {
    if (!IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr)) {
      fprintf(stderr, "loadgen: %s is not a loopback address\n", opt.addr);
      exit(2);
    }
    s6->sin6_family = AF_INET6;
    s6->sin6_port = htons((uint16_t)opt.port);
    server_addr_len = sizeof *s6;
  } else {
    fprintf(stderr, "loadgen: bad address %s\n", opt.addr);
    exit(2);
  }
}

static void raise_fd_limit(long need) {
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) die("getrlimit");
  if ((long)rl.rlim_cur >= need) return;
  rl.rlim_cur = (rlim_t)need;
  if ((long)rl.rlim_max < need) rl.rlim_max = (rlim_t)need;
  if (setrlimit(RLIMIT_NOFILE, &rl) != 0) die("setrlimit (need more fds)");
}

/* Churn spreads its connections over source addresses 127.0.x.y: each closed connection
 * leaves a TIME_WAIT entry behind, and with tens of thousands of them on one source address
 * connect() spends its time searching for a free port (the load generator's cost, not the
 * server's). Every 127/8 address is loopback. */
static int spread_sources;
static uint32_t next_source;

static void bind_spread_source(int fd) {
  int one = 1;
  setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
  struct sockaddr_in src = {.sin_family = AF_INET, .sin_port = 0};
  next_source = next_source % 65000 + 1;
  src.sin_addr.s_addr = htonl((127u << 24) | (next_source + 1));
  if (bind(fd, (struct sockaddr *)&src, sizeof src) != 0) die("bind source");
}

/* Starts a non-blocking connect for conns[i]; readiness for write says it finished. */
static void conn_open(int i) {
  struct conn *c = &conns[i];
  int fd = socket(server_addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) die("socket");
  if (spread_sources && server_addr.ss_family == AF_INET) bind_spread_source(fd);
  if (opt.nodelay) {
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  int r = connect(fd, (struct sockaddr *)&server_addr, server_addr_len);
  if (r != 0 && errno != EINPROGRESS) die("connect");
  c->fd = fd;
  c->state = C_CONNECTING;
  c->sent = c->received = 0;
  c->setup_done = 0;
  struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT, .data.u32 = (uint32_t)i};
  if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) != 0) die("epoll_ctl add");
}

static void conn_close(int i) {
  struct conn *c = &conns[i];
  epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
  close(c->fd);
  c->fd = -1;
  c->state = C_FREE;
}

static void want_write(int i, int on) {
  struct epoll_event ev = {.events = EPOLLIN | (on ? EPOLLOUT : 0), .data.u32 = (uint32_t)i};
  if (epoll_ctl(epfd, EPOLL_CTL_MOD, conns[i].fd, &ev) != 0) die("epoll_ctl mod");
}

/* Writes as much of the message as the socket takes. Returns 0 when all is written. */
static int conn_push(int i) {
  struct conn *c = &conns[i];
  while (c->sent < opt.size) {
    ssize_t n = send(c->fd, out_buf + c->sent, opt.size - c->sent, MSG_NOSIGNAL);
    if (n > 0) { c->sent += (size_t)n; continue; }
    if (n < 0 && errno == EAGAIN) { want_write(i, 1); return 1; }
    fprintf(stderr, "loadgen: send: %s\n", n < 0 ? strerror(errno) : "zero");
    exit(3);
  }
  c->state = C_WAITING;
  return 0;
}

static void conn_start_message(int i) {
  struct conn *c = &conns[i];
  c->sent = c->received = 0;
  c->state = C_SENDING;
  c->t_send = now_ns();
  if (conn_push(i) == 0) want_write(i, 0);
}

/* Reads the echo. Returns 1 when the whole message has come back, -1 on EOF/error. */
static int conn_pull(int i) {
  struct conn *c = &conns[i];
  unsigned char *in_buf = in_bufs + (size_t)i * opt.size;
  for (;;) {
    ssize_t n = recv(c->fd, in_buf + c->received, opt.size - c->received, 0);
    if (n > 0) {
      c->received += (size_t)n;
      if (c->received < opt.size) continue;
      /* An echo server that loses or reorders data must fail the benchmark, not win it. */
      if (memcmp(in_buf, out_buf, opt.size) != 0) {
        fprintf(stderr, "loadgen: echo differs from the message sent\n");
        exit(3);
      }
      return 1;
    }
    if (n < 0 && errno == EAGAIN) return 0;
    return -1;
  }
}

static int connect_finished(int i) {
  int err = 0;
  socklen_t len = sizeof err;
  getsockopt(conns[i].fd, SOL_SOCKET, SO_ERROR, &err, &len);
  if (err) {
    errno = err;
    return -1;
  }
  return 0;
}

/* ---- latency samples ---------------------------------------------------------------- */

static uint32_t *samples; /* round-trip times in ns, capped at ~4.29 s */
static size_t n_samples;

static void sample_add(uint64_t ns) {
  if (n_samples < MAX_SAMPLES) samples[n_samples++] = ns > UINT32_MAX ? UINT32_MAX : (uint32_t)ns;
}

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

static double percentile_us(double p) {
  if (n_samples == 0) return 0;
  size_t k = (size_t)(p * (double)(n_samples - 1));
  return samples[k] / 1000.0;
}

/* ---- setup: open every connection, a few at a time, one echo each ------------------- */

/* Returns after all opt.conns connections have done one echo; dies after 60 s. */
static void setup_connections(void) {
  int opened = 0, in_setup = 0, done = 0;
  struct epoll_event evs[MAX_EVENTS];
  uint64_t deadline = now_ns() + 60ull * 1000000000ull;
  while (done < opt.conns) {
    while (in_setup < SETUP_WINDOW && opened < opt.conns) {
      conn_open(opened++);
      in_setup++;
    }
    if (now_ns() > deadline) {
      fprintf(stderr, "loadgen: setup timed out with %d of %d connections\n", done, opt.conns);
      exit(3);
    }
    int n = epoll_wait(epfd, evs, MAX_EVENTS, 1000);
    if (n < 0 && errno != EINTR) die("epoll_wait");
    for (int k = 0; k < n; k++) {
      int i = (int)evs[k].data.u32;
      struct conn *c = &conns[i];
      if (c->state == C_CONNECTING) {
        if (!(evs[k].events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) continue;
        if (connect_finished(i) != 0) die("connect (setup)");
        conn_start_message(i);
        continue;
      }
      if (c->state == C_SENDING && (evs[k].events & EPOLLOUT)) {
        if (conn_push(i) == 0) want_write(i, 0);
      }
      if (evs[k].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
        int r = conn_pull(i);
        if (r < 0) {
          fprintf(stderr, "loadgen: connection %d closed during setup\n", i);
          exit(3);
        }
        if (r == 1 && c->sent == opt.size) {
          c->state = C_IDLE;
          c->setup_done = 1;
          in_setup--;
          done++;
        }
      }
    }
  }
}

/* Lets every message still in flight come back before the connections close: closing with
 * unread data would send a reset, and the guide's handler treats econnreset as a crash
 * (a crash report per connection on Erlang and on erlsock alike). Bounded at 2 s. */
static void drain_in_flight(void) {
  struct epoll_event evs[MAX_EVENTS];
  uint64_t deadline = now_ns() + 2000000000ull;
  for (;;) {
    int waiting = 0;
    for (int i = 0; i < opt.conns; i++)
      if (conns[i].state == C_SENDING || conns[i].state == C_WAITING) waiting++;
    if (waiting == 0 || now_ns() > deadline) return;
    int n = epoll_wait(epfd, evs, MAX_EVENTS, 100);
    if (n < 0 && errno != EINTR) die("epoll_wait");
    for (int k = 0; k < n; k++) {
      int i = (int)evs[k].data.u32;
      struct conn *c = &conns[i];
      if (c->state == C_SENDING && (evs[k].events & EPOLLOUT)) {
        if (conn_push(i) == 0) want_write(i, 0);
      }
      if (c->state != C_IDLE && (evs[k].events & (EPOLLIN | EPOLLHUP | EPOLLERR))) {
        int r = conn_pull(i);
        if (r < 0) { c->state = C_IDLE; continue; }
        if (r == 1 && c->sent == opt.size) c->state = C_IDLE;
      }
    }
  }
}

/* ---- modes --------------------------------------------------------------------------- */

static void run_pingpong(void) {
  samples = malloc(sizeof(uint32_t) * MAX_SAMPLES);
  if (!samples) die("malloc");
  setup_connections();
  for (int i = 0; i < opt.conns; i++) conn_start_message(i);

  struct epoll_event evs[MAX_EVENTS];
  uint64_t t0 = now_ns();
  uint64_t t_measure = t0 + (uint64_t)opt.warmup_ms * 1000000u;
  uint64_t t_end = t_measure + (uint64_t)opt.duration_ms * 1000000u;
  uint64_t round_trips = 0, all_round_trips = 0;
  int measuring = 0;
  double cpu0 = -1, cpu1 = -1;
  for (;;) {
    uint64_t t = now_ns();
    if (!measuring && t >= t_measure) {
      measuring = 1;
      round_trips = 0;
      n_samples = 0;
      if (opt.cpu_pid) cpu0 = cpu_seconds(opt.cpu_pid);
    }
    if (t >= t_end) break;
    if (opt.count_given && all_round_trips >= (uint64_t)opt.count) break;
    int n = epoll_wait(epfd, evs, MAX_EVENTS, 100);
    if (n < 0 && errno != EINTR) die("epoll_wait");
    for (int k = 0; k < n; k++) {
      int i = (int)evs[k].data.u32;
      struct conn *c = &conns[i];
      if (c->state == C_SENDING && (evs[k].events & EPOLLOUT)) {
        if (conn_push(i) == 0) want_write(i, 0);
      }
      if (evs[k].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
        int r = conn_pull(i);
        if (r < 0) {
          fprintf(stderr, "loadgen: connection %d closed by the server\n", i);
          exit(3);
        }
        if (r == 1 && c->sent == opt.size) {
          uint64_t t_done = now_ns();
          all_round_trips++;
          if (measuring) {
            round_trips++;
            sample_add(t_done - c->t_send);
          }
          conn_start_message(i);
        }
      }
    }
  }
  double secs = (double)(now_ns() - t_measure) / 1e9;
  if (opt.cpu_pid && cpu0 >= 0) cpu1 = cpu_seconds(opt.cpu_pid);
  drain_in_flight();
  qsort(samples, n_samples, sizeof(uint32_t), cmp_u32);
  /* all_round_trips also counts the warm-up and the setup echoes: the harness divides the
   * server's CPU time over the whole run by it. */
  printf("{\"mode\":\"pingpong\",\"conns\":%d,\"size\":%zu,\"nodelay\":%s,\"round_trips\":%llu,"
         "\"all_round_trips\":%llu,\"seconds\":%.3f,\"rtt_per_s\":%.0f,\"median_us\":%.2f,\"p99_us\":%.1f,"
         "\"window_cpu_s\":%.6f}\n",
         opt.conns, opt.size, opt.nodelay ? "true" : "false", (unsigned long long)round_trips,
         (unsigned long long)(all_round_trips + (uint64_t)opt.conns), secs,
         (double)round_trips / secs, percentile_us(0.5), percentile_us(0.99),
         cpu1 >= 0 ? cpu1 - cpu0 : -1.0);
  for (int i = 0; i < opt.conns; i++) conn_close(i);
}

static void run_churn(void) {
  struct epoll_event evs[MAX_EVENTS];
  spread_sources = 1;
  long started = 0, completed = 0;
  int in_flight = 0;
  uint64_t t0 = now_ns();
  uint64_t t_end = t0 + (uint64_t)opt.duration_ms * 1000000u;
  while (completed < opt.count && now_ns() < t_end) {
    for (int i = 0; i < opt.concurrency && started < opt.count; i++) {
      if (conns[i].state == C_FREE) {
        conn_open(i);
        started++;
        in_flight++;
      }
    }
    int n = epoll_wait(epfd, evs, MAX_EVENTS, 100);
    if (n < 0 && errno != EINTR) die("epoll_wait");
    for (int k = 0; k < n; k++) {
      int i = (int)evs[k].data.u32;
      struct conn *c = &conns[i];
      if (c->state == C_FREE) continue;
      if (c->state == C_CONNECTING) {
        if (!(evs[k].events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) continue;
        if (connect_finished(i) != 0) die("connect (churn)");
        conn_start_message(i);
        continue;
      }
      if (c->state == C_SENDING && (evs[k].events & EPOLLOUT)) {
        if (conn_push(i) == 0) want_write(i, 0);
      }
      if (evs[k].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
        int r = conn_pull(i);
        if (r < 0) {
          fprintf(stderr, "loadgen: connection closed by the server during churn\n");
          exit(3);
        }
        if (r == 1 && c->sent == opt.size) {
          conn_close(i);
          completed++;
          in_flight--;
        }
      }
    }
  }
  double secs = (double)(now_ns() - t0) / 1e9;
  for (int i = 0; i < opt.concurrency; i++)
    if (conns[i].state != C_FREE) conn_close(i);
  printf("{\"mode\":\"churn\",\"concurrency\":%d,\"connections\":%ld,\"seconds\":%.3f,\"conns_per_s\":%.0f}\n",
         opt.concurrency, completed, secs, (double)completed / secs);
}

static void run_idle(void) {
  uint64_t t0 = now_ns();
  setup_connections();
  double setup_secs = (double)(now_ns() - t0) / 1e9;
  printf("ready %d\n", opt.conns);
  fflush(stdout);
  /* Hold until the harness closes our stdin (it has read the RSS) or the hold time ends. */
  struct pollfd p = {.fd = 0, .events = POLLIN};
  uint64_t t_end = now_ns() + (uint64_t)opt.hold_ms * 1000000u;
  char buf[64];
  for (;;) {
    uint64_t t = now_ns();
    if (t >= t_end) break;
    int r = poll(&p, 1, (int)((t_end - t) / 1000000u) + 1);
    if (r < 0 && errno != EINTR) die("poll");
    if (r > 0) {
      ssize_t n = read(0, buf, sizeof buf);
      if (n <= 0) break;
    }
  }
  for (int i = 0; i < opt.conns; i++) conn_close(i);
  printf("{\"mode\":\"idle\",\"conns\":%d,\"setup_seconds\":%.3f}\n", opt.conns, setup_secs);
}

int main(int argc, char **argv) {
  parse_args(argc, argv);
  resolve_server();
  int nconns = !strcmp(opt.mode, "churn") ? opt.concurrency : opt.conns;
  raise_fd_limit(nconns + 64);
  epfd = epoll_create1(EPOLL_CLOEXEC);
  if (epfd < 0) die("epoll_create1");
  conns = calloc((size_t)nconns, sizeof *conns);
  out_buf = malloc(opt.size);
  in_bufs = malloc((size_t)nconns * opt.size);
  if (!conns || !out_buf || !in_bufs) die("malloc");
  for (size_t k = 0; k < opt.size; k++) out_buf[k] = (unsigned char)('a' + k % 26);
  for (int i = 0; i < nconns; i++) conns[i].fd = -1;

  if (!strcmp(opt.mode, "pingpong")) run_pingpong();
  else if (!strcmp(opt.mode, "churn")) run_churn();
  else if (!strcmp(opt.mode, "idle")) run_idle();
  else usage();
  return 0;
}
