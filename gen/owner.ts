// controlling_process's checks, the same for gen_tcp and gen_udp sockets (inet's): only the
// owner may hand a socket on, a closed one stays where it is. What moves (which messages, how
// delivery resumes) is each protocol's own.
import { self, exit, Pid } from '../runtime';
import type { Proc } from '../runtime';
import { done } from '../runtime/done';
import type { GenSocket } from './gen_socket';

type Moved = 'ok' | ['error', unknown];

/** 'badarg' for a non-pid; closed / already its owner / not_owner at once; else move(g, pid). */
export function change_owner(g: GenSocket, pid: unknown, move: (g: GenSocket, to: Pid) => Proc<Moved>): Proc<Moved> {
  if (!(pid instanceof Pid)) return exit('badarg');
  // A socket closed (also by exit_on_close after {tcp_closed, S}): nothing moves
  // (test/otp/26_ctrl_proc.escript).
  if (g.closed) return done(['error', 'closed']);
  if (g.owner === pid) return done('ok');
  if (g.owner !== self()) return done(['error', 'not_owner']);
  return move(g, pid);
}
