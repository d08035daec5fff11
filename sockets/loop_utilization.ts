// The event loop's utilisation with the time it sleeps in the poller counted as idle.
// Node's performance.eventLoopUtilization() counts as idle only the time libuv sleeps in
// its own epoll_pwait. While any socket is open, the loop sleeps in the poller's wait
// instead (native/src/poller.cc, "Where the loop sleeps"), and Node's figure counts that
// sleep as busy: an idle server would read as fully loaded. This moves that time back.
import { performance } from 'perf_hooks';
import * as prim from './prim_socket';

/** The shape of Node's EventLoopUtilization: ms idle, ms active, and active's share. */
export interface LoopUtilization {
  idle: number;
  active: number;
  utilization: number;
}

function of(idle: number, active: number): LoopUtilization {
  const total = idle + active;
  return { idle, active, utilization: total > 0 ? active / total : 0 };
}

/**
 * performance.eventLoopUtilization() with the poller's sleep as idle time, and its
 * arguments: none gives the totals since the loop started; one earlier reading, the change
 * since it; two readings, the change from the second to the first.
 */
export function loop_utilization(u1?: LoopUtilization, u2?: LoopUtilization): LoopUtilization {
  if (u1 !== undefined && u2 !== undefined) return of(u1.idle - u2.idle, u1.active - u2.active);
  const node = performance.eventLoopUtilization();
  const slept = prim.poll_wait_stats().ns / 1e6;
  const idle = node.idle + slept;
  const active = Math.max(0, node.active - slept);
  return u1 === undefined ? of(idle, active) : of(idle - u1.idle, active - u1.active);
}
