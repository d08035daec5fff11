// Per-Node-environment state (main thread or one Worker): the scratch out-area, which fds
// this environment owns, and its poller. One is created per module load in an environment
// and reaches every native function as its callback data, so no global state is shared
// between Workers.
#pragma once
#include <napi.h>
#include <uv.h>
#include <sys/epoll.h>
#include <cstdint>
#include <memory>
#include <vector>

namespace erlsock {

// Scratch layout (mirrored in the exported constants SCRATCH_*).
constexpr size_t kScratchAddr = 0;        // struct sockaddr_storage
constexpr size_t kScratchAddrLen = 128;   // int32: its length
constexpr size_t kScratchMsgFlags = 132;  // int32: recvmsg msg_flags
constexpr size_t kScratchCtrlLen = 136;   // int32: recvmsg msg_controllen
constexpr size_t kScratchInt = 140;       // int32: getsockopt int value
constexpr size_t kScratchPollT0 = 144;    // uint64: uv_hrtime() when the current batch began
constexpr size_t kScratchSize = 152;

enum FdFlag : uint8_t { kOwned = 1, kRegistered = 2 };

struct EnvState {
  napi_env env = nullptr;
  napi_async_cleanup_hook_handle cleanup = nullptr;

  // C++-owned memory exposed as external ArrayBuffers without finalizers: if JS detaches
  // one, V8 only drops its view, so the native side never writes through a dangling pointer.
  // Freed at environment teardown, after which no JS runs.
  uint8_t* scratch = nullptr;
  std::vector<void*> blocks;  // every external block handed to JS (poll arrays grow)

  std::vector<uint8_t> fds;  // FdFlag bits by fd number
  size_t owned = 0;
  size_t registered = 0;

  // Poller. The JS-side objects are held by node-addon-api references, released in the
  // teardown hook (addon.cc) while the environment can still take them back.
  int epfd = -1;
  uv_prepare_t wait_handle;  // the loop's wait while sockets are registered (poller.cc)
  uv_idle_t nowait_handle;   // started after that wait: libuv's own poll then does not sleep
  bool poll_started = false;
  Napi::FunctionReference handler;
  std::unique_ptr<Napi::AsyncContext> async_ctx;
  // The delivery arrays (Uint32Arrays), held as plain values: a Reference<Uint32Array>'s
  // Value() re-checks the array's type through napi_get_typedarray_info, two of them per
  // batch, which was an eighth of a one-connection echo's instructions (bench/RESULTS.md).
  Napi::Reference<Napi::Value> tokens_ref, events_ref;
  uint32_t* tokens = nullptr;
  uint32_t* events = nullptr;
  size_t capacity = 0;
  std::vector<epoll_event> evbuf;
  int open_handles = 0;  // uv handles not yet closed: the state is freed when the last goes
  uv_close_cb teardown_done = nullptr;

  // Busy-wait before the loop sleeps (poller.cc, "spin"): the budget JS set (0 = none), set
  // when a batch was delivered since the last spin, and counters a test or benchmark reads;
  // and how often, and how long, the loop slept in the poller's wait.
  uint64_t spin_ns = 0;
  size_t spin_max_batch = 0;
  size_t spin_max_registered = 0;
  bool delivered = false;
  uint64_t spins = 0, spins_ready = 0, spin_total_ns = 0;
  uint64_t waits = 0, wait_total_ns = 0;

  // The loop's next timer as a timerfd in the poller's set (wait_timer.cc): its fd (-1: none),
  // the deadline it is armed for and the one the last wait asked for (libuv ms, 0: none),
  // and how often it was armed.
  int timer_fd = -1;
  uint64_t timer_armed = 0, timer_seen = 0;
  uint64_t timer_arms = 0;

  // Hot I/O (hot_io.cc): the io_args slots (in a JS ArrayBuffer the exports keep), and the
  // read slab JS registered (a strong reference, released with the other JS objects).
  int32_t* io_slots = nullptr;
  napi_ref slab = nullptr;

  uint8_t flags(int fd) const { return fd >= 0 && static_cast<size_t>(fd) < fds.size() ? fds[fd] : 0; }
  void set_flag(int fd, uint8_t f) {
    if (static_cast<size_t>(fd) >= fds.size()) fds.resize(static_cast<size_t>(fd) * 2 + 64, 0);
    fds[fd] |= f;
  }
  void clear_flag(int fd, uint8_t f) {
    if (fd >= 0 && static_cast<size_t>(fd) < fds.size()) fds[fd] &= static_cast<uint8_t>(~f);
  }
  void own(int fd) { set_flag(fd, kOwned); owned++; }
};

// Defined in poller.cc.
int poller_init(EnvState* st, uv_loop_t* loop);
void poller_teardown_begin(EnvState* st, uv_close_cb done);
int poller_unregister(EnvState* st, int fd);
void register_poller(Napi::Env env, Napi::Object exports, EnvState* st);
// Defined in the other files: each adds its functions to exports (and throws a
// Napi::Error if it cannot).
void register_syscalls(Napi::Env env, Napi::Object exports, EnvState* st);
void register_hot_io(Napi::Env env, Napi::Object exports, EnvState* st);
void register_sockopt(Napi::Env env, Napi::Object exports, EnvState* st);
void register_netinfo(Napi::Env env, Napi::Object exports, EnvState* st);
void register_constants(Napi::Env env, Napi::Object exports);

}  // namespace erlsock
