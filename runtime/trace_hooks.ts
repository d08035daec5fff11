// The slow path of message delivery, taken only while `tracing` (trace.ts) is true: the
// 'receive' trace event and the mailbox limit check.
import type { Process } from './process';
import { trace_receive, trace_exit, limits_active } from './trace';
import { check_queue_limit, forget_limit } from './mailbox_limit';

export function on_deliver(p: Process, msg: unknown): void {
  trace_receive(p, msg);
  if (limits_active()) check_queue_limit(p, msg);
}

export function on_terminate(p: Process, reason: unknown): void {
  trace_exit(p, reason);
  if (limits_active()) forget_limit(p);
}
