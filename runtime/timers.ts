// Erlang timers: send_after, start_timer (delivers ['timeout', TRef, Msg]), cancel_timer
// (the milliseconds left, or false once fired or cancelled). A timer to a pid is cancelled
// when that process dies, so it neither fires nor keeps Node alive. Uses the global setTimeout at
// each call, so sinon fake timers drive them in tests.
import { Pid, Ref } from './terms';
import { error } from './exits';
import { send } from './send';
import { on_exit, ExitHandle } from './hooks';

interface Timer {
  handle: NodeJS.Timeout;
  deadline: number;
  /** For a pid destination: cancels the timer when that process dies, as Erlang does. */
  watch: ExitHandle | null;
}

const timers = new Map<Ref, Timer>();

function check(ms: number, dest: Pid | string): void {
  if (typeof ms !== 'number' || !Number.isInteger(ms) || ms < 0 || ms > 0xffffffff) error('badarg');
  if (!(dest instanceof Pid) && typeof dest !== 'string') error('badarg');
}

function fire(ref: Ref, dest: Pid | string, msg: unknown): void {
  timers.get(ref)?.watch?.cancel();
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
  const t: Timer = { handle, deadline: Date.now() + ms, watch: null };
  timers.set(ref, t);
  if (dest instanceof Pid) t.watch = on_exit(dest, () => drop(ref));
  return ref;
}

function drop(ref: Ref): void {
  const t = timers.get(ref);
  if (t === undefined) return;
  timers.delete(ref);
  clearTimeout(t.handle);
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
  t.watch?.cancel();
  return Math.max(0, t.deadline - Date.now());
}
