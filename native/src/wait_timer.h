// The loop's next timer as a timerfd in the poller's set (wait_timer.cc).
#pragma once
#include "env_state.h"

namespace erlsock {

// epoll_data of the timerfd in the poller's set: token 0, which JS never issues, as the
// backend's (kBackendData, 0) is.
constexpr uint64_t kTimerData = 1;

// Creates the timerfd and adds it to st->epfd; without one, waits pass their timeouts.
void wait_timer_init(EnvState* st);
void wait_timer_close(EnvState* st);
// The timeout for the poller's epoll_wait when libuv would sleep timeout_ms (-1: no timer):
// -1 when the armed timerfd ends the wait at libuv's deadline, otherwise timeout_ms.
int wait_timeout(EnvState* st, uv_loop_t* loop, int timeout_ms);
// The timerfd's expiry came in a batch.
void wait_timer_fired(EnvState* st);

}  // namespace erlsock
