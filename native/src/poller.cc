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
#include <sys/epoll.h>
#include <unistd.h>
#include <cerrno>
#include <cstdlib>
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
bool make_array(napi_env env, EnvState* st, size_t n, uint32_t** data, napi_ref* ref) {
  void* mem = std::calloc(n, sizeof(uint32_t));
  if (!mem) return false;
  napi_value ab, arr;
  if (napi_create_external_arraybuffer(env, mem, n * sizeof(uint32_t), nullptr, nullptr, &ab) != napi_ok ||
      napi_create_typedarray(env, napi_uint32_array, n, ab, 0, &arr) != napi_ok) {
    std::free(mem);
    return false;
  }
  st->blocks.push_back(mem);
  if (*ref) napi_delete_reference(env, *ref);
  napi_create_reference(env, arr, 1, ref);
  *data = static_cast<uint32_t*>(mem);
  return true;
}

// Grows the delivery arrays; the old blocks stay valid for any JS that kept a view.
// Entries already collected are carried over.
bool grow(napi_env env, EnvState* st, size_t n) {
  uint32_t* old_tokens = st->tokens;
  uint32_t* old_events = st->events;
  size_t old = st->capacity;
  if (!make_array(env, st, n, &st->tokens, &st->tokens_ref) || !make_array(env, st, n, &st->events, &st->events_ref))
    return false;
  for (size_t i = 0; i < old; i++) {
    st->tokens[i] = old_tokens[i];
    st->events[i] = old_events[i];
  }
  st->capacity = n;
  st->evbuf.resize(n);
  return true;
}

// Runs in the loop: drain every ready event into the arrays, then call JS once.
void on_epoll_readable(uv_poll_t* handle, int status, int) {
  EnvState* st = static_cast<EnvState*>(handle->data);
  if (status < 0 || st->handler == nullptr) return;
  // Start of the batch, on the clock process.hrtime reads: lets a benchmark see what
  // delivery costs before the handler runs.
  *reinterpret_cast<uint64_t*>(st->scratch + kScratchPollT0) = uv_hrtime();
  napi_env env = st->env;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  size_t count = 0;
  for (;;) {
    if (count == st->capacity && !grow(env, st, st->capacity * 2)) break;
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
  if (count > 0) {
    napi_value fn, recv, argv[3], ret;
    napi_get_reference_value(env, st->handler, &fn);
    napi_get_reference_value(env, st->tokens_ref, &argv[0]);
    napi_get_reference_value(env, st->events_ref, &argv[1]);
    argv[2] = num(env, static_cast<int64_t>(count));
    napi_get_global(env, &recv);  // make_callback needs an object receiver
    // make_callback runs the microtask and nextTick queues afterwards, as any I/O callback.
    napi_status s = napi_make_callback(env, st->async_ctx, recv, fn, 3, argv, &ret);
    if (s == napi_pending_exception) {
      // An exception in the handler is the program's, as from any event emitter:
      // report it through process 'uncaughtException'.
      napi_value err;
      napi_get_and_clear_last_exception(env, &err);
      napi_fatal_exception(env, err);
    }
  }
  napi_close_handle_scope(env, scope);
}

napi_value PollStart(napi_env env, napi_callback_info info) {
  Args<1> a(env, info);
  if (!a.ok) return nullptr;
  napi_valuetype t;
  napi_typeof(env, a.argv[0], &t);
  if (t != napi_function) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "erlsock: poll_start needs a function");
    return nullptr;
  }
  EnvState* st = a.st;
  if (st->handler) napi_delete_reference(env, st->handler);
  napi_create_reference(env, a.argv[0], 1, &st->handler);
  if (!st->poll_started) {
    int r = uv_poll_start(&st->poll_handle, UV_READABLE, on_epoll_readable);
    if (r < 0) return num(env, r);  // libuv errors are -errno on Unix
    st->poll_started = true;
    update_ref(st);
  }
  return num(env, 0);
}

napi_value PollAdd(napi_env env, napi_callback_info info) {
  Args<2> a(env, info);
  int32_t fd;
  uint32_t token;
  if (!a.ok || !get_int(env, a.argv[0], &fd) || !get_uint(env, a.argv[1], &token)) return nullptr;
  EnvState* st = a.st;
  if (fd < 0) return num(env, -EBADF);
  if (st->flags(fd) & kRegistered) return num(env, -EEXIST);
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
  ev.data.u64 = (static_cast<uint64_t>(token) << 32) | static_cast<uint32_t>(fd);
  if (epoll_ctl(st->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) return num(env, -errno);
  st->set_flag(fd, kRegistered);
  st->registered++;
  update_ref(st);
  return num(env, 0);
}

napi_value PollDel(napi_env env, napi_callback_info info) {
  Args<1> a(env, info);
  int32_t fd;
  if (!a.ok || !get_int(env, a.argv[0], &fd)) return nullptr;
  if (!(a.st->flags(fd) & kRegistered)) return num(env, -ENOENT);
  return num(env, poller_unregister(a.st, fd));
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
  return 0;
}

// Stops the watcher and closes its handle; `done` runs from the loop once libuv has let
// go of it, and only then may the epoll fd be closed and the state freed.
void poller_teardown_begin(EnvState* st, uv_close_cb done) {
  if (st->poll_started) uv_poll_stop(&st->poll_handle);
  uv_close(reinterpret_cast<uv_handle_t*>(&st->poll_handle), done);
}

napi_value register_poller(napi_env env, napi_value exports, EnvState* st) {
  napi_value name;
  napi_create_string_utf8(env, "erlsock.poller", NAPI_AUTO_LENGTH, &name);
  if (napi_async_init(env, nullptr, name, &st->async_ctx) != napi_ok) return nullptr;
  if (!grow(env, st, kInitialCapacity)) return nullptr;
  static const NamedCallback fns[] = {
      {"poll_start", PollStart}, {"poll_add", PollAdd}, {"poll_del", PollDel},
  };
  return export_functions(env, exports, st, fns);
}

}  // namespace erlsock
