// Module entry: one EnvState per environment that loads the addon (the main thread and
// each Worker), its functions bound to it as callback data. Teardown runs from an async
// cleanup hook when the environment exits: the fds it still owns are closed (a Worker
// that forgot its sockets leaks nothing into the process), and the uv_poll_t is closed
// on the loop before the epoll fd and the memory go.
#include <sys/socket.h>
#include <unistd.h>
#include <cstdlib>
#include "args.h"

namespace erlsock {
namespace {

void on_poll_closed(uv_handle_t* h) {
  EnvState* st = static_cast<EnvState*>(h->data);
  if (st->epfd >= 0) close(st->epfd);
  for (void* b : st->blocks) std::free(b);
  std::free(st->scratch);
  napi_async_cleanup_hook_handle hook = st->cleanup;
  delete st;
  napi_remove_async_cleanup_hook(hook);
}

void teardown(napi_async_cleanup_hook_handle, void* arg) {
  EnvState* st = static_cast<EnvState*>(arg);
  napi_env env = st->env;
  for (size_t fd = 0; fd < st->fds.size(); fd++) {
    if (st->fds[fd] & kOwned) close(static_cast<int>(fd));  // close drops epoll membership too
  }
  st->fds.clear();
  st->owned = st->registered = 0;
  if (st->handler) napi_delete_reference(env, st->handler);
  if (st->tokens_ref) napi_delete_reference(env, st->tokens_ref);
  if (st->events_ref) napi_delete_reference(env, st->events_ref);
  if (st->async_ctx) napi_async_destroy(env, st->async_ctx);
  st->handler = st->tokens_ref = st->events_ref = nullptr;
  st->async_ctx = nullptr;
  poller_teardown_begin(st, on_poll_closed);
}

napi_value Init(napi_env env, napi_value exports) {
  uv_loop_t* loop = nullptr;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok || loop == nullptr) {
    napi_throw_error(env, nullptr, "erlsock: no event loop");
    return nullptr;
  }
  EnvState* st = new EnvState();
  st->env = env;
  st->scratch = static_cast<uint8_t*>(std::calloc(1, kScratchSize));
  int r = poller_init(st, loop);
  if (r < 0 || !st->scratch) {
    std::free(st->scratch);
    delete st;
    napi_throw_error(env, nullptr, "erlsock: cannot create the epoll poller");
    return nullptr;
  }
  napi_value scratch;
  if (napi_create_external_arraybuffer(env, st->scratch, kScratchSize, nullptr, nullptr, &scratch) != napi_ok ||
      napi_set_named_property(env, exports, "scratch", scratch) != napi_ok ||
      !register_syscalls(env, exports, st) || !register_sockopt(env, exports, st) ||
      !register_netinfo(env, exports, st) || !register_poller(env, exports, st) ||
      !register_constants(env, exports) ||
      napi_add_async_cleanup_hook(env, teardown, st, &st->cleanup) != napi_ok) {
    // The uv handle is initialised: it can only go through uv_close.
    bool pending;
    if (napi_is_exception_pending(env, &pending) == napi_ok && !pending)
      napi_throw_error(env, nullptr, "erlsock: addon initialisation failed");
    st->cleanup = nullptr;
    poller_teardown_begin(st, [](uv_handle_t* h) {
      EnvState* s = static_cast<EnvState*>(h->data);
      if (s->epfd >= 0) close(s->epfd);
      for (void* b : s->blocks) std::free(b);
      std::free(s->scratch);
      delete s;
    });
    return nullptr;
  }
  return exports;
}

}  // namespace
}  // namespace erlsock

NAPI_MODULE(NODE_GYP_MODULE_NAME, erlsock::Init)
