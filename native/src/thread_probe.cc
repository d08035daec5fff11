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
#include <algorithm>
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>
#include "args.h"

namespace erlsock {
namespace {

struct Batch {
  uint64_t t0;
  std::vector<uint32_t> tokens;
};

void stop_probe();

struct Probe {
  int epfd = -1;
  int kick = -1;
  Napi::ThreadSafeFunction tsfn;
  std::thread thread;
  Napi::Env env;
  Napi::Env::CleanupHook<void (*)()> hook;
  explicit Probe(Napi::Env e) : env(e) {}
};

Probe* g_probe = nullptr;  // one per process is enough for a benchmark; guarded in Start

// On the JS thread: the batch as (Uint32Array tokens, count, t0 bigint).
void call_js(Napi::Env env, Napi::Function fn, Batch* batch) {
  std::unique_ptr<Batch> b(batch);
  if (env == nullptr || fn == nullptr) return;  // the function is being torn down
  size_t n = b->tokens.size();
  Napi::ArrayBuffer ab = Napi::ArrayBuffer::New(env, n * sizeof(uint32_t));
  std::copy(b->tokens.begin(), b->tokens.end(), static_cast<uint32_t*>(ab.Data()));
  fn.Call({Napi::Uint32Array::New(env, n, ab, 0), num(env, static_cast<int64_t>(n)), Napi::BigInt::New(env, b->t0)});
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
    if (pr->tsfn.BlockingCall(b, call_js) != napi_ok) delete b;
  }
}

Napi::Value Start(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsFunction()) type_error(env, "erlsock: thread_probe_start needs a function");
  if (g_probe) return num(env, -EBUSY);
  auto pr = std::make_unique<Probe>(env);
  pr->epfd = epoll_create1(EPOLL_CLOEXEC);
  pr->kick = eventfd(0, EFD_CLOEXEC);
  if (pr->epfd < 0 || pr->kick < 0) {
    if (pr->epfd >= 0) close(pr->epfd);
    if (pr->kick >= 0) close(pr->kick);
    return num(env, -EIO);
  }
  pr->tsfn = Napi::ThreadSafeFunction::New(env, info[0].As<Napi::Function>(), "erlsock.thread_probe", 0, 1);
  pr->thread = std::thread(run, pr.get());
  pr->hook = env.AddCleanupHook(stop_probe);  // if the environment exits first
  g_probe = pr.release();
  return num(env, 0);
}

Napi::Value Add(const Napi::CallbackInfo& info) {
  int32_t fd = get_int(info, 0);
  uint32_t token = get_uint(info, 1);
  if (!g_probe) return num(info.Env(), -EINVAL);
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
  ev.data.u64 = (static_cast<uint64_t>(token) << 32) | static_cast<uint32_t>(fd);
  return num(info.Env(), epoll_ctl(g_probe->epfd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0);
}

Napi::Value Kick(const Napi::CallbackInfo& info) {
  if (!g_probe) return num(info.Env(), -EINVAL);
  uint64_t one = 1;
  return num(info.Env(), write(g_probe->kick, &one, sizeof one) < 0 ? -errno : 0);
}

// Joins the thread and frees everything.
void stop_probe() {
  if (!g_probe) return;
  std::unique_ptr<Probe> pr(g_probe);
  g_probe = nullptr;
  uint64_t stop = 1ull << 40;
  if (write(pr->kick, &stop, sizeof stop) < 0) { /* the thread then ends on read error at close */ }
  pr->thread.join();
  pr->tsfn.Release();
  close(pr->epfd);
  close(pr->kick);
}

Napi::Value Stop(const Napi::CallbackInfo& info) {
  if (!g_probe) return num(info.Env(), -EINVAL);
  g_probe->hook.Remove(g_probe->env);
  stop_probe();
  return num(info.Env(), 0);
}

}  // namespace

void register_thread_probe(Napi::Env env, Napi::Object exports) {
  def<Start>(env, exports, "thread_probe_start", nullptr);
  def<Add>(env, exports, "thread_probe_add", nullptr);
  def<Kick>(env, exports, "thread_probe_kick", nullptr);
  def<Stop>(env, exports, "thread_probe_stop", nullptr);
}

}  // namespace erlsock
