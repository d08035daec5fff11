// Erlang timers: send_after, start_timer (delivers ['timeout', TRef, Msg]), cancel_timer
// (the milliseconds left, or false once fired or cancelled). Uses the global setTimeout at
// each call, so sinon fake timers drive them in tests.
import { Pid, Ref } from './terms';
import { error } from './exits';
import { send } from './send';

interface Timer {
  handle: NodeJS.Timeout;
  deadline: number;
}

const timers = new Map<Ref, Timer>();

function check(ms: number, dest: Pid | string): void {
  if (typeof ms !== 'number' || !Number.isInteger(ms) || ms < 0 || ms > 0xffffffff) error('badarg');
  if (!(dest instanceof Pid) && typeof dest !== 'string') error('badarg');
}

function fire(ref: Ref, dest: Pid | string, msg: unknown): void {
  timers.delete(ref);
  try {
    send(dest, msg);
  } catch {
    // Erlang drops a timer message for a name no longer registered.
  }
}

function arm(ms: number, dest: Pid | string, make_msg: (ref: Ref) => unknown): Ref {
  check(ms, dest);
  const ref = new Ref();
  const msg = make_msg(ref);
  const handle = setTimeout(fire, ms, ref, dest, msg);
  timers.set(ref, { handle, deadline: Date.now() + ms });
  return ref;
}

/** Sends msg to dest after ms milliseconds → a timer Ref. */
export function send_after(ms: number, dest: Pid | string, msg: unknown): Ref {
  return arm(ms, dest, () => msg);
}

/** Sends ['timeout', TRef, msg] to dest after ms milliseconds → TRef. */
export function start_timer(ms: number, dest: Pid | string, msg: unknown): Ref {
  return arm(ms, dest, (ref) => ['timeout', ref, msg]);
}

/** Cancels a timer → the milliseconds that were left, or false if it already fired or was cancelled. */
export function cancel_timer(ref: Ref): number | false {
  if (!(ref instanceof Ref)) error('badarg');
  const t = timers.get(ref);
  if (t === undefined) return false;
  timers.delete(ref);
  clearTimeout(t.handle);
  return Math.max(0, t.deadline - Date.now());
}
