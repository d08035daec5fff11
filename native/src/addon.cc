// Module entry: one EnvState per environment that loads the addon (the main thread and
// each Worker), its functions bound to it as callback data. Teardown runs from an async
// cleanup hook when the environment exits: the fds it still owns are closed (a Worker
// that forgot its sockets leaks nothing into the process), and the poller's uv handles are
// closed on the loop before the epoll fd and the memory go. node-addon-api wraps neither the
// event loop lookup nor async cleanup hooks, so those two are C calls (as are send and
// recv, hot_io.cc, and the poller's one JS call per batch, poller.cc).
#include <sys/socket.h>
#include <unistd.h>
#include <cstdlib>
#include "args.h"
#include "wait_timer.h"

namespace erlsock {
namespace {

void free_state(uv_handle_t* h) {
  EnvState* st = static_cast<EnvState*>(h->data);
  wait_timer_close(st);
  if (st->epfd >= 0) close(st->epfd);
  for (void* b : st->blocks) std::free(b);
  std::free(st->scratch);
  delete st;
}

void on_poll_closed(uv_handle_t* h) {
  napi_async_cleanup_hook_handle hook = static_cast<EnvState*>(h->data)->cleanup;
  free_state(h);
  napi_remove_async_cleanup_hook(hook);
}

// The JS-side objects go while the environment can still take them back.
void release_js(EnvState* st) {
  st->handler.Reset();
  st->tokens_ref.Reset();
  st->events_ref.Reset();
  st->async_ctx.reset();
  if (st->slab != nullptr) {
    napi_delete_reference(st->env, st->slab);
    st->slab = nullptr;
  }
}

void teardown(napi_async_cleanup_hook_handle, void* arg) {
  EnvState* st = static_cast<EnvState*>(arg);
  for (size_t fd = 0; fd < st->fds.size(); fd++) {
    if (st->fds[fd] & kOwned) close(static_cast<int>(fd));  // close drops epoll membership too
  }
  st->fds.clear();
  st->owned = st->registered = 0;
  release_js(st);
  poller_teardown_begin(st, on_poll_closed);
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  uv_loop_t* loop = nullptr;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok || loop == nullptr)
    throw Napi::Error::New(env, "erlsock: no event loop");
  EnvState* st = new EnvState();
  st->env = env;
  st->scratch = static_cast<uint8_t*>(std::calloc(1, kScratchSize));
  int r = poller_init(st, loop);
  if (r < 0 || !st->scratch) {
    if (r == 0) {
      // The uv handle is initialised: it can only go through uv_close.
      poller_teardown_begin(st, free_state);
    } else {
      std::free(st->scratch);
      delete st;
    }
    throw Napi::Error::New(env, "erlsock: cannot create the epoll poller");
  }
  try {
    exports.Set("scratch", Napi::ArrayBuffer::New(env, st->scratch, kScratchSize));
    register_syscalls(env, exports, st);
    register_hot_io(env, exports, st);
    register_sockopt(env, exports, st);
    register_netinfo(env, exports, st);
    register_poller(env, exports, st);
    register_constants(env, exports);
    if (napi_add_async_cleanup_hook(env, teardown, st, &st->cleanup) != napi_ok)
      throw Napi::Error::New(env, "erlsock: addon initialisation failed");
  } catch (...) {
    release_js(st);
    poller_teardown_begin(st, free_state);
    throw;
  }
  return exports;
}

}  // namespace
}  // namespace erlsock

// NODE_API_MODULE pastes the name into an identifier, so it takes an unqualified one.
static Napi::Object InitErlsock(Napi::Env env, Napi::Object exports) { return erlsock::Init(env, exports); }
NODE_API_MODULE(NODE_GYP_MODULE_NAME, InitErlsock)
