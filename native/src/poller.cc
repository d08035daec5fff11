// The poller: one epoll set per Node environment, in that environment's own loop
// (napi_get_uv_event_loop, never uv_default_loop, so Workers each get theirs).
//
// Each fd is registered once with EPOLLIN|EPOLLOUT|EPOLLRDHUP|EPOLLET: read and write
// interest live together in one registration, so no re-arm (and no EPOLLONESHOT, which
// would disarm both at once) is ever needed; an edge is reported once per change.
// epoll_data carries a JS-chosen 32-bit token that never repeats, so an event collected
// for a socket closed earlier in the same batch can't be mistaken for a new socket that
// got the same fd number.
//
// A batch is delivered with ONE JS call: handler(tokens, events, count) over two
// Uint32Arrays the addon owns.
//
// Where the loop sleeps. The poller's set also holds libuv's own epoll fd (the loop's
// "backend", which watches every other handle of the loop), level-triggered, with token 0,
// which JS never issues: an epoll fd is readable while any fd in it has a pending event.
// While any socket is registered, the loop sleeps in the poller's set instead of libuv's:
// a uv_prepare_t, which libuv runs just before it computes its timeout and polls, waits in
// epoll_wait for as long as libuv would have slept (uv_backend_timeout), delivers the
// sockets' events, and leaves a uv_idle_t started, which makes the poll that libuv then
// does take no time: with timeout 0 it collects whatever woke the backend (a due timer
// needs nothing: libuv runs it next). So a wake-up is one epoll_wait, and an echo at one
// connection makes the syscalls Node's own streams make: the wait, the read, the write and
// libuv's zero-timeout epoll_pwait (libuv polls once with timeout 0 before it sleeps, to
// measure idle time). Watching the poller's fd from libuv's set instead, as erlsock once
// did, costs a second epoll_wait per wake-up: libuv's wait only says the poller's fd is
// ready, and the poller's own epoll_wait then says which socket (bench/RESULTS.md). The
// prepare handle holds the loop open while some fd is registered; with none, it does
// nothing and libuv sleeps in its own set. libuv counts as idle only the time it sleeps
// itself, so performance.eventLoopUtilization() counts time asleep in the poller as busy;
// poll_wait_stats() reports that time, for a reader that corrects it. The wait's timeout,
// when libuv has a timer pending, is usually a timerfd in the set (wait_timer.cc).
//
// Spin (busy-wait before sleeping): on an idle CPU the wake-up when the peer's reply
// arrives costs tens of microseconds. BEAM's schedulers spin a while before they sleep
// (`erl +sbwt`); the wait does the same if JS set a budget, a batch was delivered since the
// last spin (so an idle loop spins once and then sleeps), and the loop would block: it
// polls the poller's set with timeout 0 until a socket or the backend is ready or the
// budget, capped by the loop's next timer, runs out, and only then sleeps. A timer or
// another handle is delayed by at most the budget.
#include <sys/epoll.h>
#include <unistd.h>
#include <cerrno>
#include <cstdlib>
#include <initializer_list>
#include <utility>
#include "args.h"
#include "wait_timer.h"

namespace erlsock {
namespace {

constexpr size_t kInitialCapacity = 256;

// epoll_data of libuv's backend fd in the poller's set: token 0, fd 0.
constexpr uint64_t kBackendData = 0;

void update_ref(EnvState* st) {
  uv_handle_t* h = reinterpret_cast<uv_handle_t*>(&st->wait_handle);
  if (st->registered > 0) uv_ref(h);
  else uv_unref(h);
}

// New external Uint32Array over C++-owned memory (see EnvState::blocks).
uint32_t* make_array(Napi::Env env, EnvState* st, size_t n, Napi::Reference<Napi::Value>* ref) {
  void* mem = std::calloc(n, sizeof(uint32_t));
  if (!mem) throw Napi::Error::New(env, "erlsock: out of memory for the poller's arrays");
  st->blocks.push_back(mem);  // freed at teardown, also if the wrapping below throws
  Napi::ArrayBuffer ab = Napi::ArrayBuffer::New(env, mem, n * sizeof(uint32_t));
  *ref = Napi::Persistent(Napi::Value(Napi::Uint32Array::New(env, n, ab, 0)));
  return static_cast<uint32_t*>(mem);
}

// Grows the delivery arrays; the old blocks stay valid for any JS that kept a view.
// Entries already collected are carried over.
void grow(Napi::Env env, EnvState* st, size_t n) {
  uint32_t* old_tokens = st->tokens;
  uint32_t* old_events = st->events;
  size_t old = st->capacity;
  // Both arrays first: if the second cannot be made, the state still names the old pair.
  Napi::Reference<Napi::Value> tokens_ref, events_ref;
  uint32_t* tokens = make_array(env, st, n, &tokens_ref);
  uint32_t* events = make_array(env, st, n, &events_ref);
  for (size_t i = 0; i < old; i++) {
    tokens[i] = old_tokens[i];
    events[i] = old_events[i];
  }
  st->tokens_ref = std::move(tokens_ref);
  st->events_ref = std::move(events_ref);
  st->tokens = tokens;
  st->events = events;
  st->capacity = n;
  st->evbuf.resize(n);
}

// Collects ready socket events into the arrays and returns how many. The first epoll_wait
// waits up to timeout_ms (-1: no limit), any further one (after a full batch) does not.
// The backend's readiness is no event for JS: it sets *backend and ends the wait. Notes
// when the batch began, on the clock process.hrtime reads (the scratch's POLL_T0: before
// the epoll_wait that collected it, lets a benchmark see what delivery costs before the
// handler runs; a wait that slept includes its sleep), and the time slept.
size_t collect(Napi::Env env, EnvState* st, int timeout_ms, bool* backend) {
  size_t count = 0;
  for (;;) {
    if (count == st->capacity) grow(env, st, st->capacity * 2);
    size_t room = st->capacity - count;
    // EINTR: a signal came, and libuv's handler has made the backend readable; the poll
    // that follows this wait collects it.
    uint64_t start = count == 0 ? uv_hrtime() : 0;
    int n = epoll_wait(st->epfd, st->evbuf.data() + count, static_cast<int>(room), timeout_ms);
    if (count == 0) {
      *reinterpret_cast<uint64_t*>(st->scratch + kScratchPollT0) = start;
      if (timeout_ms != 0) {
        st->waits++;
        st->wait_total_ns += uv_hrtime() - start;
      }
    }
    if (n <= 0) break;
    timeout_ms = 0;
    size_t kept = count;
    for (int i = 0; i < n; i++) {
      const epoll_event& e = st->evbuf[count + i];
      if (e.data.u64 == kBackendData) {
        *backend = true;
        continue;
      }
      if (e.data.u64 == kTimerData) {  // libuv's deadline: its loop turn runs the timer
        wait_timer_fired(st);
        *backend = true;
        continue;
      }
      st->tokens[kept] = static_cast<uint32_t>(e.data.u64 >> 32);
      st->events[kept] = e.events;
      kept++;
    }
    count = kept;
    if (static_cast<size_t>(n) < room) break;  // short: the ready list is empty
  }
  return count;
}

// Polls the poller's set without sleeping until something is ready or budget_ns has
// passed; returns the socket events collected.
size_t spin(Napi::Env env, EnvState* st, uint64_t budget_ns, bool* backend) {
  uint64_t start = uv_hrtime();
  uint64_t now;
  size_t count;
  do {
    count = collect(env, st, 0, backend);
    now = uv_hrtime();
  } while (count == 0 && !*backend && now - start < budget_ns);
  st->spins++;
  if (count > 0 || *backend) st->spins_ready++;
  st->spin_total_ns += now - start;
  return count;
}

// Waits as long as the loop would have slept (spinning first if asked), then collects;
// *backend: libuv's set has something ready too.
size_t wait(Napi::Env env, EnvState* st, uv_loop_t* loop, bool* backend) {
  int timeout_ms = uv_backend_timeout(loop);  // -1: no timer; 0: the loop will not block
  if (timeout_ms == 0) return collect(env, st, 0, backend);
  if (st->spin_ns > 0 && st->delivered) {
    st->delivered = false;
    uint64_t budget = st->spin_ns;
    if (timeout_ms > 0 && static_cast<uint64_t>(timeout_ms) * 1000000u < budget)
      budget = static_cast<uint64_t>(timeout_ms) * 1000000u;
    size_t count = spin(env, st, budget, backend);
    if (count > 0 || *backend) return count;
    // A timer's ms are counted from before the spin: the sleep ends no later than libuv's.
    uv_update_time(loop);
    timeout_ms = uv_backend_timeout(loop);
    if (timeout_ms == 0) return 0;
  }
  return collect(env, st, wait_timeout(st, loop, timeout_ms), backend);
}

// One wait and its batch's JS call; false when nothing was delivered, or the call failed.
// Its handles live in on_prepare's scope, for the turn.
bool wait_and_deliver(EnvState* st, uv_loop_t* loop, bool* backend) {
  Napi::Env env(st->env);
  size_t count;
  try {
    count = wait(env, st, loop, backend);
  } catch (const Napi::Error& e) {  // no C++ exception may leave a libuv callback
    napi_fatal_exception(env, e.Value());
    return false;
  }
  // libuv's clock stood still while the loop waited here: timers count from now, and
  // uv_backend_timeout reads the clock when the next round asks it.
  uv_update_time(loop);
  if (count == 0) return false;
  st->delivered = count <= st->spin_max_batch && st->registered <= st->spin_max_registered;
  napi_value fn = st->handler.Value();
  napi_value argv[3] = {st->tokens_ref.Value(), st->events_ref.Value(), num(env, static_cast<int64_t>(count))};
  // The one JS call per batch goes through the C API, as the old addon did: its status is
  // all the handling needs. An exception in the handler is the program's, as from any
  // event emitter: it goes to process 'uncaughtException'. While a Worker is being
  // terminated the call fails with no exception to wrap, which node-addon-api's
  // MakeCallback would turn into a fatal error. make_callback runs the microtask and
  // nextTick queues afterwards, as any I/O callback. Its receiver must be an object: the
  // handler itself, which ignores `this` (napi_get_global, V8's Context::Global, cost 92
  // instructions per batch: bench/RESULTS.md, echo_instructions).
  napi_value ret;
  napi_status s = napi_make_callback(env, *st->async_ctx, fn, fn, 3, argv, &ret);
  if (s == napi_pending_exception) {
    napi_value err;
    napi_get_and_clear_last_exception(env, &err);
    napi_fatal_exception(env, err);
  }
  return s == napi_ok;
}

void on_nowait(uv_idle_t*) {}

// Runs just before libuv computes its timeout and polls: the loop's wait, while any socket
// is registered, and a JS call per batch. Batches follow each other here, without a turn
// of libuv's loop between them, while libuv has nothing to do: nothing ready in its set
// (the wait would have ended for it), no timer due, no immediate, pending callback or
// closing handle (uv_backend_timeout is not 0). Each turn of libuv's loop costs a
// zero-timeout epoll_pwait; an unref'd immediate, which does not stop libuv from
// sleeping either, waits at most kBatchesPerTurn batches.
constexpr int kBatchesPerTurn = 16;

void on_prepare(uv_prepare_t* handle) {
  EnvState* st = static_cast<EnvState*>(handle->data);
  uv_loop_t* loop = handle->loop;
  // Stopped first, so that uv_backend_timeout says how long libuv itself would sleep.
  uv_idle_stop(&st->nowait_handle);
  if (st->registered == 0 || st->handler.IsEmpty()) return;  // libuv sleeps in its own set
  // One handle scope for all of this turn's batches (at most kBatchesPerTurn, a few handles
  // each). A scope per batch cost every one-connection echo 307 instructions (prim_echo's
  // 3,941 -> 3,634, bench/RESULTS.md): N-API allocates each scope's wrapper with new and
  // frees it at the close, and V8, with no handle block outside any scope, took one for the
  // first handle and gave it back.
  Napi::HandleScope turn(Napi::Env(st->env));
  for (int i = 0; i < kBatchesPerTurn; i++) {
    if (i > 0 && (st->registered == 0 || uv_backend_timeout(loop) == 0)) break;
    bool backend = false;
    if (!wait_and_deliver(st, loop, &backend) || backend) break;
  }
  // libuv's poll must not sleep now: the sockets are not in its set.
  uv_idle_start(&st->nowait_handle, on_nowait);
}

Napi::Value PollStart(const Napi::CallbackInfo& info) {
  if (!info[0].IsFunction()) type_error(info.Env(), "erlsock: poll_start needs a function");
  EnvState* st = state(info);
  st->handler = Napi::Persistent(info[0].As<Napi::Function>());
  if (!st->poll_started) {
    uv_prepare_start(&st->wait_handle, on_prepare);  // cannot fail on an initialised handle
    st->poll_started = true;
    update_ref(st);
  }
  return num(info.Env(), 0);
}

Napi::Value PollAdd(const Napi::CallbackInfo& info) {
  int32_t fd = get_int(info, 0);
  uint32_t token = get_uint(info, 1);
  EnvState* st = state(info);
  if (fd < 0) return num(info.Env(), -EBADF);
  if (st->flags(fd) & kRegistered) return num(info.Env(), -EEXIST);
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
  ev.data.u64 = (static_cast<uint64_t>(token) << 32) | static_cast<uint32_t>(fd);
  if (epoll_ctl(st->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) return num(info.Env(), -errno);
  st->set_flag(fd, kRegistered);
  st->registered++;
  update_ref(st);
  return num(info.Env(), 0);
}

// poll_spin(us, max_batch, max_registered): the budget in microseconds (0 turns spinning
// off); the loop spins only after a batch of at most max_batch events while at most
// max_registered fds are registered (JS's policy, sockets/busy_wait.ts); returns the
// previous budget.
Napi::Value PollSpin(const Napi::CallbackInfo& info) {
  Napi::Value v = info[0];
  if (!v.IsNumber()) type_error(info.Env(), "erlsock: poll_spin needs a number of microseconds");
  double us = v.As<Napi::Number>().DoubleValue();
  if (!(us >= 0 && us <= 1e6) || us != static_cast<double>(static_cast<int64_t>(us)))
    range_error(info.Env(), "erlsock: poll_spin takes an integer from 0 to 1000000 microseconds");
  uint32_t max_batch = get_uint(info, 1);
  uint32_t max_registered = get_uint(info, 2);
  EnvState* st = state(info);
  int64_t previous = static_cast<int64_t>(st->spin_ns / 1000u);
  st->spin_max_batch = max_batch;
  st->spin_max_registered = max_registered;
  st->spin_ns = static_cast<uint64_t>(us) * 1000u;
  return num(info.Env(), previous);
}

// A JS array of counters.
Napi::Array counters(Napi::Env env, std::initializer_list<uint64_t> values) {
  Napi::Array a = Napi::Array::New(env, values.size());
  uint32_t i = 0;
  for (uint64_t v : values) a.Set(i++, num(env, static_cast<int64_t>(v)));
  return a;
}

// poll_spin_stats(): [spins, spins that ended with something ready, ns spent spinning].
Napi::Value PollSpinStats(const Napi::CallbackInfo& info) {
  EnvState* st = state(info);
  return counters(info.Env(), {st->spins, st->spins_ready, st->spin_total_ns});
}

// poll_wait_stats(): [times the loop slept in the poller's wait, ns it slept there, times
// the timerfd was armed for libuv's next timer (wait_timer.cc)].
Napi::Value PollWaitStats(const Napi::CallbackInfo& info) {
  EnvState* st = state(info);
  return counters(info.Env(), {st->waits, st->wait_total_ns, st->timer_arms});
}

Napi::Value PollDel(const Napi::CallbackInfo& info) {
  int32_t fd = get_int(info, 0);
  EnvState* st = state(info);
  if (!(st->flags(fd) & kRegistered)) return num(info.Env(), -ENOENT);
  return num(info.Env(), poller_unregister(st, fd));
}

}  // namespace

int poller_unregister(EnvState* st, int fd) {
  int r = epoll_ctl(st->epfd, EPOLL_CTL_DEL, fd, nullptr) < 0 ? -errno : 0;
  st->clear_flag(fd, kRegistered);
  st->registered--;
  update_ref(st);
  return r;
}

int poller_init(EnvState* st, uv_loop_t* loop) {
  st->epfd = epoll_create1(EPOLL_CLOEXEC);
  if (st->epfd < 0) return -errno;
  epoll_event ev{};
  ev.events = EPOLLIN;  // level-triggered: ready while libuv has anything to collect
  ev.data.u64 = kBackendData;
  if (epoll_ctl(st->epfd, EPOLL_CTL_ADD, uv_backend_fd(loop), &ev) < 0) {
    int err = errno;
    close(st->epfd);
    st->epfd = -1;
    return -err;
  }
  wait_timer_init(st);
  uv_prepare_init(loop, &st->wait_handle);  // neither init can fail
  st->wait_handle.data = st;
  uv_unref(reinterpret_cast<uv_handle_t*>(&st->wait_handle));
  uv_idle_init(loop, &st->nowait_handle);
  st->nowait_handle.data = st;
  uv_unref(reinterpret_cast<uv_handle_t*>(&st->nowait_handle));
  st->open_handles = 2;
  return 0;
}

namespace {
void on_handle_closed(uv_handle_t* h) {
  EnvState* st = static_cast<EnvState*>(h->data);
  if (--st->open_handles == 0) st->teardown_done(h);
}
}  // namespace

// Stops the wait and closes both handles; `done` runs from the loop once libuv has let
// go of the last of them, and only then may the epoll fd be closed and the state freed.
void poller_teardown_begin(EnvState* st, uv_close_cb done) {
  uv_prepare_stop(&st->wait_handle);
  uv_idle_stop(&st->nowait_handle);
  st->teardown_done = done;
  uv_close(reinterpret_cast<uv_handle_t*>(&st->wait_handle), on_handle_closed);
  uv_close(reinterpret_cast<uv_handle_t*>(&st->nowait_handle), on_handle_closed);
}

void register_poller(Napi::Env env, Napi::Object exports, EnvState* st) {
  st->async_ctx = std::make_unique<Napi::AsyncContext>(env, "erlsock.poller");
  grow(env, st, kInitialCapacity);
  def<PollStart>(env, exports, "poll_start", st);
  def<PollAdd>(env, exports, "poll_add", st);
  def<PollDel>(env, exports, "poll_del", st);
  def<PollSpin>(env, exports, "poll_spin", st);
  def<PollSpinStats>(env, exports, "poll_spin_stats", st);
  def<PollWaitStats>(env, exports, "poll_wait_stats", st);
}

}  // namespace erlsock
