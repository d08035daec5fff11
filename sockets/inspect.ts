// Inspection of the open sockets for tools (the observer): every socket in the registry
// with what socket:i() shows, its owner, and the processes waiting on it (select waiters,
// in queue order, per operation). Read-only; nothing here changes a socket.
import * as registry from './registry';
import { cell } from './info';
import type { Sock } from './core';
import type { Socket } from './socket_term';
import type { Pid } from '../runtime/terms';
import { monitoring_pids } from './core';

export type WaitOp = 'accept' | 'recv' | 'send' | 'connect';

export interface SocketSummary {
  socket: Socket;
  /** The printed form, '#Socket<N>'. */
  id: string;
  owner: Pid | null;
  fd: number;
  domain: string;
  type: string;
  protocol: string;
  local_address: string;
  remote_address: string;
  /** socket:i()'s State column. */
  state: string;
  recv: number;
  sent: number;
  /** Processes with an operation pending, current first, then the queued ones. */
  waiters: Array<{ pid: Pid; op: WaitOp; signalled: boolean }>;
  /** Processes holding a socket monitor on it. */
  monitored_by: Pid[];
}

/** The open sockets in the registry, in opening order. */
export function open_sockets(): Socket[] {
  return registry.all();
}

export function summary(s: Socket): SocketSummary {
  const sock = s as Sock;
  const st = sock.state;
  const waiters: SocketSummary['waiters'] = [];
  const add = (q: { current: { pid: Pid; signalled: boolean } | null; waiters: Array<{ pid: Pid; signalled: boolean }> } | null, op: WaitOp): void => {
    if (q === null) return;
    if (q.current !== null) waiters.push({ pid: q.current.pid, op, signalled: q.current.signalled });
    for (const w of q.waiters) waiters.push({ pid: w.pid, op, signalled: w.signalled });
  };
  add(st.acc_queue, 'accept');
  add(st.readq, 'recv');
  add(st.write_queue, 'send');
  add(st.conn_queue, 'connect');
  return {
    socket: s,
    id: s.toString(),
    owner: st.owner,
    fd: st.closed ? -1 : st.fd,
    domain: st.domain,
    type: st.type,
    protocol: st.protocol,
    local_address: cell(sock, 'local_address'),
    remote_address: cell(sock, 'remote_address'),
    state: cell(sock, 'state'),
    recv: st.read_byte,
    sent: st.write_byte,
    waiters,
    monitored_by: monitoring_pids(sock),
  };
}
