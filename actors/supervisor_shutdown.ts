// Stopping children as OTP 25's supervisor does: monitor, exit(Child, shutdown), wait up to
// the shutdown time for the DOWN, then kill; brutal_kill kills at once; 'infinity' waits.
// After the DOWN, unlink and take the EXIT (its reason wins over the DOWN's). Dynamic
// (simple_one_for_one) children are stopped all at once, with one timer.
import {
  receive, on, after, _, exit, unlink, monitor, self, start_timer, cancel_timer, Pid, Proc, Ref,
} from '../runtime';
import { report_error } from './supervisor_report';
import type { Child } from './supervisor_spec';

const TIMEOUT = Symbol('shutdown.timeout');

function* unlink_flush(pid: Pid, down_reason: unknown): Proc<unknown> {
  unlink(pid);
  return yield* receive(on(['EXIT', pid, _], (m) => m[2]), after(0, () => down_reason));
}

/** Whether reason is a clean end of a child being shut down. */
function clean(c: Child, reason: unknown, brutal: boolean): boolean {
  if (reason === (brutal ? 'killed' : 'shutdown')) return true;
  if (c.restart_type === 'permanent') return false;
  return reason === 'normal' || reason === 'shutdown' || (Array.isArray(reason) && reason.length === 2 && reason[0] === 'shutdown');
}

function wait_down(mon: Ref, pid: Pid, ms: number | 'infinity'): Proc<unknown> {
  return receive(on(['DOWN', mon, 'process', pid, _], (m) => m[4]), after(ms, () => TIMEOUT));
}

/** shutdown/1: 'ok' or ['error', Reason] for an unexpected exit reason. */
export function* shutdown(c: Child): Proc<'ok' | ['error', unknown]> {
  const pid = c.pid as Pid;
  const mon = monitor('process', pid);
  let reason: unknown;
  if (c.shutdown === 'brutal_kill') {
    exit(pid, 'kill');
    reason = yield* unlink_flush(pid, yield* wait_down(mon, pid, 'infinity'));
    return clean(c, reason, true) ? 'ok' : ['error', reason];
  }
  exit(pid, 'shutdown');
  let down = yield* wait_down(mon, pid, c.shutdown);
  if (down === TIMEOUT) {
    exit(pid, 'kill');
    down = yield* wait_down(mon, pid, 'infinity');
  }
  reason = yield* unlink_flush(pid, down);
  return clean(c, reason, false) ? 'ok' : ['error', reason];
}

/** do_terminate: stops a running child, reporting a shutdown_error. */
export function* do_terminate(c: Child, supname: unknown): Proc<void> {
  if (!(c.pid instanceof Pid)) return;
  const r = yield* shutdown(c);
  if (r !== 'ok') report_error(supname, 'shutdown_error', r[1], c);
}

/** terminate_dynamic_children: every pid at once, one timer, kill the rest when it fires. */
export function* terminate_dynamic(c: Child, pids: Pid[], supname: unknown): Proc<void> {
  const waiting = new Map<Ref, Pid>();
  for (const p of pids) {
    waiting.set(monitor('process', p), p);
    exit(p, c.shutdown === 'brutal_kill' ? 'kill' : 'shutdown');
  }
  let tref: Ref | null =
    typeof c.shutdown === 'number' && waiting.size > 0 ? start_timer(c.shutdown, self(), 'kill') : null;
  const errors = new Map<string, { reason: unknown; pids: Pid[] }>();
  const known = (m: unknown[]): boolean => waiting.get(m[1] as Ref) === m[3];
  while (waiting.size > 0) {
    const t = tref;
    const m = yield* receive(
      on(['DOWN', _, 'process', _, _]).when(known),
      on(['timeout', t, 'kill']),
    );
    if (m[0] === 'timeout') {
      for (const p of waiting.values()) exit(p, 'kill');
      tref = null;
      continue;
    }
    const pid = m[3] as Pid;
    waiting.delete(m[1] as Ref);
    const reason = yield* unlink_flush(pid, m[4]);
    if (!clean(c, reason, c.shutdown === 'brutal_kill')) {
      // Grouped by reason, as OTP's maps_prepend: one report per reason with every pid.
      const k = String(reason) + '\u0000' + JSON.stringify(reason, (_k, v: unknown) => (v instanceof Pid ? String(v) : v));
      const e = errors.get(k) ?? { reason, pids: [] };
      e.pids.unshift(pid);
      errors.set(k, e);
    }
  }
  if (tref !== null) {
    cancel_timer(tref);
    const r = tref;
    yield* receive(on(['timeout', r, 'kill']), after(0));
  }
  for (const e of errors.values()) report_error(supname, 'shutdown_error', e.reason, c.with_pid('undefined'), e.pids.length);
}
