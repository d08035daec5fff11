// Opt-in mailbox limits, like Erlang's max_heap_size for message queues:
// process_flag('message_queue_limit', {size, action: 'kill' | 'report'}).
//
// - A user message arriving while the queue already holds `size` messages trips the limit.
//   System messages (['EXIT', ...], ['DOWN', ...], the socket layer's ['$socket', ...]) never
//   trip it and are always queued.
// - Nothing is ever dropped: the message is queued first. 'report' logs one error report
//   each time the queue crosses the limit (again only after it fell back under it);
//   'kill' logs the report and kills the process (reason 'killed', as max_heap_size does)
//   once the sender's step is over.
// - Cost: none while no process has a limit; with one, deliveries take the traced path
//   (one Map look-up each).
import { Process, Status } from './process';
import { error } from './exits';
import { defer } from './scheduler';
import { terminate } from './signals';
import { set_limits_active } from './trace';
import { report_text } from './mailbox_limit_report';

export interface QueueLimit {
  size: number;
  action: 'kill' | 'report';
}

interface Armed extends QueueLimit {
  /** true once reported, until the queue falls back under the limit. */
  tripped: boolean;
}

const limits = new Map<Process, Armed>();

let reporter: (text: string) => void = (text) => process.stderr.write(text);

/** Replaces where limit reports go (stderr by default); returns the previous one. */
export function set_limit_reporter(fn: ((text: string) => void) | null): (text: string) => void {
  const old = reporter;
  reporter = fn ?? ((text) => process.stderr.write(text));
  return old;
}

function valid(v: unknown): v is QueueLimit {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const l = v as Record<string, unknown>;
  return Number.isInteger(l.size) && (l.size as number) >= 1 && (l.action === 'kill' || l.action === 'report');
}

/** process_flag('message_queue_limit', ...) for p → the previous limit or 'infinity'. */
export function set_queue_limit(p: Process, v: unknown): QueueLimit | 'infinity' {
  if (v !== 'infinity' && !valid(v)) error('badarg');
  const old = limits.get(p);
  if (v === 'infinity') limits.delete(p);
  else limits.set(p, { size: v.size, action: v.action, tripped: false });
  set_limits_active(limits.size > 0);
  return old === undefined ? 'infinity' : { size: old.size, action: old.action };
}

/** p's limit, or 'infinity' (process_info). */
export function queue_limit_of(p: Process): QueueLimit | 'infinity' {
  const l = limits.get(p);
  return l === undefined ? 'infinity' : { size: l.size, action: l.action };
}

function is_system_message(msg: unknown): boolean {
  if (!Array.isArray(msg) || msg.length === 0) return false;
  const tag: unknown = msg[0];
  return tag === 'EXIT' || tag === 'DOWN' || tag === '$socket';
}

/** Before msg is queued for p (trace_hooks.on_deliver). */
export function check_queue_limit(p: Process, msg: unknown): void {
  const l = limits.get(p);
  if (l === undefined) return;
  if (p.status === Status.Dead) {
    limits.delete(p);
    set_limits_active(limits.size > 0);
    return;
  }
  if (p.mb_len < l.size) {
    l.tripped = false;
    return;
  }
  if (is_system_message(msg) || l.tripped) return;
  l.tripped = true;
  const len = p.mb_len + 1;
  try {
    reporter(report_text(p.pid, len, l.size, l.action));
  } catch {
    // a failing reporter must not stop the delivery
  }
  if (l.action === 'kill') {
    defer(() => {
      limits.delete(p);
      set_limits_active(limits.size > 0);
      terminate(p, 'killed');
    });
  }
}

/** Forgets a dead process's limit (called from the info walk; cheap). */
export function forget_limit(p: Process): void {
  if (limits.delete(p)) set_limits_active(limits.size > 0);
}
