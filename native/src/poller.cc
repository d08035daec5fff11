// The poller: one epoll set per Node environment, watched by one uv_poll_t on the epoll
// fd in that environment's own loop (napi_get_uv_event_loop, never uv_default_loop, so
// Workers each get theirs). An epoll fd is readable while any registered fd has a pending
// event, so libuv wakes us; epoll_wait(..., 0) then drains it without blocking.
//
// Each fd is registered once with EPOLLIN|EPOLLOUT|EPOLLRDHUP|EPOLLET: read and write
// interest live together in one registration, so no re-arm (and no EPOLLONESHOT, which
// would disarm both at once) is ever needed; an edge is reported once per change.
// epoll_data carries a JS-chosen 32-bit token that never repeats, so an event collected
// for a socket closed earlier in the same batch can't be mistaken for a new socket that
// got the same fd number.
//
// A batch is delivered with ONE JS call: handler(tokens, events, count) over two
// Uint32Arrays the addon owns. The uv_poll_t holds the loop open only while some fd is
// registered.
//
// Spin (busy-wait before sleeping): libuv blocks in epoll_pwait when nothing is due, and on
// an idle CPU the wake-up when the peer's reply arrives costs tens of microseconds. BEAM's
// schedulers spin a while before they sleep (`erl +sbwt`); this does the same for the loop.
// A uv_prepare_t runs just before libuv computes its timeout and blocks. If JS set a budget,
// a batch was delivered since the last spin (so an idle loop spins once and then sleeps),
// and the loop would block, it polls libuv's own epoll fd (which watches the poller's epoll
// fd and every other handle of the loop) with poll(2) and timeout 0 until something is
// ready or the budget, capped by the loop's next timer, runs out. poll(2) only looks:
// epoll_wait would consume the events libuv is about to collect. Then libuv's epoll_pwait
// finds the fd ready and returns without sleeping. A timer or another handle is delayed by
// at most the budget; the prepare handle is unref'd, so it never keeps the loop alive.
#include <poll.h>
#include <sys/epoll.h>
#include <unistd.h>
#include <cerrno>
#include <cstdlib>
#include <utility>
#include "args.h"

namespace erlsock {
namespace {

constexpr size_t kInitialCapacity = 256;

void update_ref(EnvState* st) {
  uv_handle_t* h = reinterpret_cast<uv_handle_t*>(&st->poll_handle);
  if (st->registered > 0) uv_ref(h);
  else uv_unref(h);
}

// New external Uint32Array over C++-owned memory (see EnvState::blocks).
uint32_t* make_array(Napi::Env env, EnvState* st, size_t n, Napi::Reference<Napi::Uint32Array>* ref) {
  void* mem = std::calloc(n, sizeof(uint32_t));
  if (!mem) throw Napi::Error::New(env, "erlsock: out of memory for the poller's arrays");
  st->blocks.push_back(mem);  // freed at teardown, also if the wrapping below throws
  Napi::ArrayBuffer ab = Napi::ArrayBuffer::New(env, mem, n * sizeof(uint32_t));
  *ref = Napi::Persistent(Napi::Uint32Array::New(env, n, ab, 0));
  return static_cast<uint32_t*>(mem);
}

// Grows the delivery arrays; the old blocks stay valid for any JS that kept a view.
// Entries already collected are carried over.
void grow(Napi::Env env, EnvState* st, size_t n) {
  uint32_t* old_tokens = st->tokens;
  uint32_t* old_events = st->events;
  size_t old = st->capacity;
  // Both arrays first: if the second cannot be made, the state still names the old pair.
  Napi::Reference<Napi::Uint32Array> tokens_ref, events_ref;
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

// Drains every ready event into the arrays; returns how many.
size_t drain(Napi::Env env, EnvState* st) {
  size_t count = 0;
  for (;;) {
    if (count == st->capacity) grow(env, st, st->capacity * 2);
    int n = epoll_wait(st->epfd, st->evbuf.data() + count, static_cast<int>(st->capacity - count), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    for (int i = 0; i < n; i++) {
      const epoll_event& e = st->evbuf[count + i];
      st->tokens[count + i] = static_cast<uint32_t>(e.data.u64 >> 32);
      st->events[count + i] = e.events;
    }
    count += static_cast<size_t>(n);
    if (count < st->capacity) break;  // short: the ready list is empty
  }
  return count;
}

// Runs in the loop: drain every ready event into the arrays, then call JS once.
void on_epoll_readable(uv_poll_t* handle, int status, int) {
  EnvState* st = static_cast<EnvState*>(handle->data);
  if (status < 0 || st->handler.IsEmpty()) return;
  // Start of the batch, on the clock process.hrtime reads: lets a benchmark see what
  // delivery costs before the handler runs.
  *reinterpret_cast<uint64_t*>(st->scratch + kScratchPollT0) = uv_hrtime();
  Napi::Env env(st->env);
  Napi::HandleScope scope(env);
  size_t count;
  try {
    count = drain(env, st);
  } catch (const Napi::Error& e) {  // no C++ exception may leave a libuv callback
    napi_fatal_exception(env, e.Value());
    return;
  }
  if (count == 0) return;
  st->delivered = count <= st->spin_max_batch && st->registered <= st->spin_max_registered;
  napi_value argv[3] = {st->tokens_ref.Value(), st->events_ref.Value(), num(env, static_cast<int64_t>(count))};
  // The one JS call per batch goes through the C API, as the old addon did: its status is
  // all the handling needs. An exception in the handler is the program's, as from any
  // event emitter: it goes to process 'uncaughtException'. While a Worker is being
  // terminated the call fails with no exception to wrap, which node-addon-api's
  // MakeCallback would turn into a fatal error. make_callback runs the microtask and
  // nextTick queues afterwards, as any I/O callback; its receiver must be an object.
  napi_value ret;
  napi_status s = napi_make_callback(env, *st->async_ctx, env.Global(), st->handler.Value(), 3, argv, &ret);
  if (s == napi_pending_exception) {
    napi_value err;
    napi_get_and_clear_last_exception(env, &err);
    napi_fatal_exception(env, err);
  }
}

void on_prepare(uv_prepare_t* handle) {
  EnvState* st = static_cast<EnvState*>(handle->data);
  if (st->spin_ns == 0 || !st->delivered) return;
  uv_loop_t* loop = handle->loop;
  int timeout_ms = uv_backend_timeout(loop);  // -1: no timer; 0: the loop will not block
  if (timeout_ms == 0) return;  // keeps `delivered` for the turn that would block
  st->delivered = false;
  uint64_t budget = st->spin_ns;
  if (timeout_ms > 0 && static_cast<uint64_t>(timeout_ms) * 1000000u < budget)
    budget = static_cast<uint64_t>(timeout_ms) * 1000000u;
  pollfd p{uv_backend_fd(loop), POLLIN, 0};
  uint64_t start = uv_hrtime();
  uint64_t now;
  int r;
  do {
    r = poll(&p, 1, 0);
    now = uv_hrtime();
  } while (r == 0 && now - start < budget);
  st->spins++;
  if (r > 0) st->spins_ready++;
  st->spin_total_ns += now - start;
}

Napi::Value PollStart(const Napi::CallbackInfo& info) {
  if (!info[0].IsFunction()) type_error(info.Env(), "erlsock: poll_start needs a function");
  EnvState* st = state(info);
  st->handler = Napi::Persistent(info[0].As<Napi::Function>());
  if (!st->poll_started) {
    int r = uv_poll_start(&st->poll_handle, UV_READABLE, on_epoll_readable);
    if (r < 0) return num(info.Env(), r);  // libuv errors are -errno on Unix
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
  uv_prepare_t* h = &st->spin_handle;
  if (st->spin_ns > 0 && !uv_is_active(reinterpret_cast<uv_handle_t*>(h))) {
    uv_prepare_start(h, on_prepare);
    uv_unref(reinterpret_cast<uv_handle_t*>(h));
  } else if (st->spin_ns == 0) {
    uv_prepare_stop(h);
  }
  return num(info.Env(), previous);
}

// poll_spin_stats(): [spins, spins that ended with the loop's fd ready, ns spent spinning].
Napi::Value PollSpinStats(const Napi::CallbackInfo& info) {
  EnvState* st = state(info);
  Napi::Env env = info.Env();
  Napi::Array a = Napi::Array::New(env, 3);
  a.Set(0u, num(env, static_cast<int64_t>(st->spins)));
  a.Set(1u, num(env, static_cast<int64_t>(st->spins_ready)));
  a.Set(2u, num(env, static_cast<int64_t>(st->spin_total_ns)));
  return a;
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
  int r = uv_poll_init(loop, &st->poll_handle, st->epfd);
  if (r < 0) {
    close(st->epfd);
    st->epfd = -1;
    return r;
  }
  st->poll_handle.data = st;
  uv_unref(reinterpret_cast<uv_handle_t*>(&st->poll_handle));
  uv_prepare_init(loop, &st->spin_handle);  // cannot fail; started by poll_spin
  st->spin_handle.data = st;
  st->open_handles = 2;
  return 0;
}

namespace {
void on_handle_closed(uv_handle_t* h) {
  EnvState* st = static_cast<EnvState*>(h->data);
  if (--st->open_handles == 0) st->teardown_done(h);
}
}  // namespace

// Stops the watcher and closes both handles; `done` runs from the loop once libuv has let
// go of the last of them, and only then may the epoll fd be closed and the state freed.
void poller_teardown_begin(EnvState* st, uv_close_cb done) {
  if (st->poll_started) uv_poll_stop(&st->poll_handle);
  st->teardown_done = done;
  uv_close(reinterpret_cast<uv_handle_t*>(&st->poll_handle), on_handle_closed);
  uv_close(reinterpret_cast<uv_handle_t*>(&st->spin_handle), on_handle_closed);
}

void register_poller(Napi::Env env, Napi::Object exports, EnvState* st) {
  st->async_ctx = std::make_unique<Napi::AsyncContext>(env, "erlsock.poller");
  grow(env, st, kInitialCapacity);
  def<PollStart>(env, exports, "poll_start", st);
  def<PollAdd>(env, exports, "poll_add", st);
  def<PollDel>(env, exports, "poll_del", st);
  def<PollSpin>(env, exports, "poll_spin", st);
  def<PollSpinStats>(env, exports, "poll_spin_stats", st);
}

}  // namespace erlsock
