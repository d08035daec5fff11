// The loop's next timer as a timerfd in the poller's set, so that a wait for a deadline
// that stays put arms no kernel timer of its own.
//
// The poller's wait sleeps at most as long as libuv would (uv_backend_timeout: the loop's
// next timer). epoll_wait with a finite timeout arms an hrtimer when it sleeps and cancels
// it when a socket wakes it first, every time; with -1 it arms none. A server whose loop
// has any timer pending (a keep-alive interval, a receive ... after, or V8's memory
// reducer, a delayed task after garbage collections that Node runs from a libuv timer)
// paid that at every wake-up. Measured at one connection, alternating 400 ms slices
// against the same server sleeping with -1: 0.64 us more CPU per echo and a 0.7% slower
// median round trip (bench/RESULTS.md, "eighth session"); the C echo server shows the same
// with a 6 s timeout.
//
// So once two waits in a row ask for the same deadline (a libuv timer does not move while
// it is pending: Node's JS timers share one libuv timer for their earliest expiry), the
// timerfd is armed for it, absolute on CLOCK_MONOTONIC (libuv's clock), and the waits
// that follow sleep with -1 until the deadline changes. One timerfd_settime per deadline,
// then nothing per wait. It never makes the loop sleep longer than libuv would:
// - a deadline that moved earlier is not the armed one: that wait uses its own timeout;
// - an armed deadline whose timer was cancelled or moved later fires anyway: a wake-up
//   with nothing due, after which libuv's loop turns once and the wait goes on;
// - when it fires, it is forgotten: libuv's clock (the coarse one, a tick behind the
//   kernel's) may not have reached the deadline yet, and the short wait for the rest then
//   uses its own timeout, as libuv's would.
// Short timeouts (under kMinArmMs) are left to epoll_wait: they end soon anyway, and a
// timerfd_settime, a syscall of its own, would cost what it saves.
#include "wait_timer.h"
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>
#include <cerrno>

namespace erlsock {
namespace {
constexpr int kMinArmMs = 20;
}  // namespace

void wait_timer_init(EnvState* st) {
  int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (fd < 0) return;  // no timerfd (EMFILE): every wait passes its timeout, as before
  epoll_event ev{};
  // Edge-triggered: each expiry is reported once, and the timerfd is never read.
  ev.events = EPOLLIN | EPOLLET;
  ev.data.u64 = kTimerData;
  if (epoll_ctl(st->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
    close(fd);
    return;
  }
  st->timer_fd = fd;
}

void wait_timer_close(EnvState* st) {
  if (st->timer_fd >= 0) close(st->timer_fd);
  st->timer_fd = -1;
}

int wait_timeout(EnvState* st, uv_loop_t* loop, int timeout_ms) {
  if (timeout_ms < kMinArmMs || st->timer_fd < 0) return timeout_ms;  // -1 and 0 included
  // libuv's due times are its clock (uv_now, ms) plus the timeout; the poller updated that
  // clock after its last wait.
  uint64_t deadline = uv_now(loop) + static_cast<uint64_t>(timeout_ms);
  if (deadline == st->timer_armed) return -1;
  if (deadline != st->timer_seen) {
    st->timer_seen = deadline;
    return timeout_ms;
  }
  itimerspec at{};
  at.it_value.tv_sec = static_cast<time_t>(deadline / 1000u);
  at.it_value.tv_nsec = static_cast<long>((deadline % 1000u) * 1000000u);
  if (timerfd_settime(st->timer_fd, TFD_TIMER_ABSTIME, &at, nullptr) < 0) return timeout_ms;
  st->timer_armed = deadline;
  st->timer_arms++;
  return -1;
}

void wait_timer_fired(EnvState* st) {
  st->timer_armed = 0;
  st->timer_seen = 0;
}

}  // namespace erlsock
