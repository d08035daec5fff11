// inet:monitor/1 and inet:cancel_monitor/1 on gen_tcp / gen_udp sockets, with OTP 25's
// inet-backend messages: ['DOWN', Ref, 'port', S, Reason], Reason 'normal' when the socket
// is closed (close/1, exit_on_close), the owner's exit reason when its owner dies, and
// 'noproc' at once for a socket already closed.
//
// The owner's death is learnt from the runtime's exit hook (runtime/hooks, the same hook
// the socket layer uses), registered only while a socket has monitors.
import { on_exit } from '../runtime/hooks';
import type { ExitHandle } from '../runtime/hooks';
import { self, send, make_ref, exit, Ref, Pid } from '../runtime';
import { GenSocket } from './gen_socket';

export interface Monitors {
  refs: Map<Ref, Pid>;
  hook: ExitHandle | null;
}

/** Monitor ref → its socket, for cancel_monitor. */
const by_ref = new Map<Ref, GenSocket>();

/** inet:monitor(S) → Ref. */
export function monitor(s: GenSocket): Ref {
  if (!(s instanceof GenSocket)) return exit('badarg');
  const ref = make_ref();
  const me = self();
  if (s.closed) {
    send(me, ['DOWN', ref, 'port', s, 'noproc']);
    return ref;
  }
  const m = (s.mon ??= { refs: new Map(), hook: null });
  m.refs.set(ref, me);
  by_ref.set(ref, s);
  if (m.hook === null) m.hook = on_exit(s.owner, owner_died, s);
  return ref;
}

/** inet:cancel_monitor(Ref) → true if the monitor was active. */
export function cancel_monitor(ref: Ref): boolean {
  if (!(ref instanceof Ref)) return exit('badarg');
  const s = by_ref.get(ref);
  if (s === undefined || s.mon === null) return false;
  by_ref.delete(ref);
  s.mon.refs.delete(ref);
  if (s.mon.refs.size === 0) {
    s.mon.hook?.cancel();
    s.mon = null;
  }
  return true;
}

function owner_died(reason: unknown, s: GenSocket): void {
  if (s.mon !== null) s.mon.hook = null;
  fire_down(s, reason);
}

/** The socket closed (or its owner died): every monitor gets its DOWN, once. */
export function fire_down(s: GenSocket, reason: unknown): void {
  const m = s.mon;
  if (m === null) return;
  s.mon = null;
  m.hook?.cancel();
  for (const [ref, pid] of m.refs) {
    by_ref.delete(ref);
    send(pid, ['DOWN', ref, 'port', s, reason]);
  }
}

/** controlling_process: the new owner's death is the one that closes the socket now. */
export function moved(s: GenSocket): void {
  const m = s.mon;
  if (m === null) return;
  m.hook?.cancel();
  m.hook = on_exit(s.owner, owner_died, s);
}
