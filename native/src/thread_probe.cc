// Benchmark probe in the probe addon (see probes.cc), not in the shipped one: the other way to drive a poller, a
// thread blocked in epoll_wait that hands each batch to JS through a thread-safe function.
// bench/poller.ts times both designs on the same ready sockets. The thread drains only
// when kicked (an eventfd), so both see the same N-ready-at-once batch.
//
//   thread_probe_start(handler(tokens, count, t0_ns)) → 0 | -errno
//   thread_probe_add(fd, token) → 0 | -errno
//   thread_probe_kick() → 0        (the thread drains the ready list once)
//   thread_probe_stop() → 0        (joins the thread, frees everything)
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <cerrno>
#include <cstdint>
#include <thread>
#include <vector>
#include "args.h"

namespace erlsock {
namespace {

struct Probe {
  napi_env env = nullptr;
  int epfd = -1;
  int kick = -1;
  napi_threadsafe_function tsfn = nullptr;
  std::thread thread;
};

struct Batch {
  uint64_t t0;
  std::vector<uint32_t> tokens;
};

Probe* g_probe = nullptr;
void* const kFromHook = reinterpret_cast<void*>(1);
void stop_probe(void* from_hook);  // one per process is enough for a benchmark; guarded in start

void call_js(napi_env env, napi_value fn, void*, void* data) {
  Batch* b = static_cast<Batch*>(data);
  if (env != nullptr) {
    napi_value ab, arr, argv[3], global, ret;
    void* mem;
    napi_create_arraybuffer(env, b->tokens.size() * 4, &mem, &ab);
    std::copy(b->tokens.begin(), b->tokens.end(), static_cast<uint32_t*>(mem));
    napi_create_typedarray(env, napi_uint32_array, b->tokens.size(), ab, 0, &arr);
    argv[0] = arr;
    argv[1] = num(env, static_cast<int64_t>(b->tokens.size()));
    napi_create_bigint_uint64(env, b->t0, &argv[2]);
    napi_get_global(env, &global);
    napi_call_function(env, global, fn, 3, argv, &ret);
  }
  delete b;
}

void run(Probe* pr) {
  std::vector<epoll_event> ev(4096);
  for (;;) {
    uint64_t v;
    if (read(pr->kick, &v, sizeof v) != sizeof v) {
      if (errno == EINTR) continue;
      return;
    }
    if (v >= (1ull << 40)) return;  // stop request
    Batch* b = new Batch();
    b->t0 = uv_hrtime();
    int n;
    while ((n = epoll_wait(pr->epfd, ev.data(), static_cast<int>(ev.size()), 0)) > 0) {
      for (int i = 0; i < n; i++) b->tokens.push_back(static_cast<uint32_t>(ev[i].data.u64 >> 32));
      if (n < static_cast<int>(ev.size())) break;
    }
    if (napi_call_threadsafe_function(pr->tsfn, b, napi_tsfn_blocking) != napi_ok) delete b;
  }
}

napi_value Start(napi_env env, napi_callback_info info) {
  Args<1> a(env, info);
  if (!a.ok) return nullptr;
  if (g_probe) return num(env, -EBUSY);
  Probe* pr = new Probe();
  pr->epfd = epoll_create1(EPOLL_CLOEXEC);
  pr->kick = eventfd(0, EFD_CLOEXEC);
  napi_value name;
  napi_create_string_utf8(env, "erlsock.thread_probe", NAPI_AUTO_LENGTH, &name);
  if (pr->epfd < 0 || pr->kick < 0 ||
      napi_create_threadsafe_function(env, a.argv[0], nullptr, name, 0, 1, nullptr, nullptr, nullptr, call_js,
                                      &pr->tsfn) != napi_ok) {
    if (pr->epfd >= 0) close(pr->epfd);
    if (pr->kick >= 0) close(pr->kick);
    delete pr;
    return num(env, -EIO);
  }
  pr->env = env;
  pr->thread = std::thread(run, pr);
  g_probe = pr;
  napi_add_env_cleanup_hook(env, stop_probe, kFromHook);
  return num(env, 0);
}

napi_value Add(napi_env env, napi_callback_info info) {
  Args<2> a(env, info);
  int32_t fd;
  uint32_t token;
  if (!a.ok || !get_int(env, a.argv[0], &fd) || !get_uint(env, a.argv[1], &token)) return nullptr;
  if (!g_probe) return num(env, -EINVAL);
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
  ev.data.u64 = (static_cast<uint64_t>(token) << 32) | static_cast<uint32_t>(fd);
  return num(env, epoll_ctl(g_probe->epfd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0);
}

napi_value Kick(napi_env env, napi_callback_info) {
  if (!g_probe) return num(env, -EINVAL);
  uint64_t one = 1;
  return num(env, write(g_probe->kick, &one, sizeof one) < 0 ? -errno : 0);
}

// Joins the thread and frees everything; also run if the environment exits first.
void stop_probe(void* from_hook) {
  if (!g_probe) return;
  Probe* pr = g_probe;
  g_probe = nullptr;
  uint64_t stop = 1ull << 40;
  if (write(pr->kick, &stop, sizeof stop) < 0) { /* the thread then ends on read error at close */ }
  pr->thread.join();
  napi_release_threadsafe_function(pr->tsfn, napi_tsfn_release);
  close(pr->epfd);
  close(pr->kick);
  if (from_hook != kFromHook) napi_remove_env_cleanup_hook(pr->env, stop_probe, kFromHook);
  delete pr;
}

napi_value Stop(napi_env env, napi_callback_info) {
  if (!g_probe) return num(env, -EINVAL);
  stop_probe(nullptr);
  return num(env, 0);
}

}  // namespace

napi_value register_thread_probe(napi_env env, napi_value exports) {
  static const NamedCallback fns[] = {
      {"thread_probe_start", Start}, {"thread_probe_add", Add},
      {"thread_probe_kick", Kick}, {"thread_probe_stop", Stop},
  };
  return export_functions(env, exports, nullptr, fns);
}

}  // namespace erlsock
