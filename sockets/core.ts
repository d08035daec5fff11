// The socket machinery under the public API: creating a socket record, the poller's
// readiness edges turned into select messages, the operation queues' waiter bookkeeping,
// ownership, monitors, and the one close path every way of closing goes through.
import * as prim from './prim_socket';
import * as registry from './registry';
import { Socket } from './socket_term';
import { SockState } from './state';
import type { Hook } from './state';
import type { OpQueue, Waiter } from './op_queue';
import type { CType } from './types';
import { socket_message, down_message } from './messages';
import { ReadyRef } from './ready_ref';
import { TokenTable } from './token_table';
import { Pid, Ref } from '../runtime/terms';
import { send, self } from '../runtime/send';
import { on_exit, deliver_then_run } from '../runtime/hooks';
import { tracing, sock_event, wants } from './trace_events';
import './busy_wait'; // applies ERLSOCK_SBWT before the first socket

export type State = SockState<Pid, Ref>;
export type Sock = Socket<State>;
export type Q = OpQueue<Pid, Ref>;

/** Poller token → socket. The only lookup per readiness event. */
const by_token = new TokenTable<Sock>();
registry.set_source(() => by_token.values().filter((s) => s.state.registered));
let poller_started = false;

const EV_READ = prim.EV_IN | prim.EV_ERR | prim.EV_HUP | prim.EV_RDHUP;
const EV_WRITE = prim.EV_OUT | prim.EV_ERR | prim.EV_HUP;
// The peer's FIN or a reset. Not EV_HUP alone: a fresh unconnected TCP socket reports it
// at registration, and believing it would cost that socket an extra read per message.
const EV_END = prim.EV_RDHUP | prim.EV_ERR;

/**
 * One readiness batch from the poller: each edge marks the socket ready and sends the one
 * select message to the current operation of that direction, if it has not had it yet.
 * Then the woken processes run in this same loop turn.
 */
function on_ready(tokens: Uint32Array, events: Uint32Array, count: number): void {
  deliver_then_run(mark_ready, tokens, events, count);
}

function mark_ready(tokens: Uint32Array, events: Uint32Array, count: number): void {
  for (let i = 0; i < count; i++) {
    const sock = by_token.get(tokens[i]!);
    if (sock === undefined) continue; // closed earlier in this batch, or before
    const st = sock.state;
    const ev = events[i]!;
    if ((ev & EV_READ) !== 0) {
      // readable; hup on the peer's FIN or an error; erred on an error (EV_ERR is in EV_END)
      st.saw_readable(ev & EV_END, ev & prim.EV_ERR);
      signal(sock, st.readq);
      if (st.acc_queue !== null) signal(sock, st.acc_queue);
    }
    if ((ev & EV_WRITE) !== 0) {
      st.writable = true;
      if (st.write_queue !== null) signal(sock, st.write_queue);
      if (st.conn_queue !== null) signal(sock, st.conn_queue);
    }
  }
}

/** Sends the select message to q's current waiter unless it already has it. */
export function signal(sock: Sock, q: Q): void {
  const w = q.signal();
  if (w === null) return;
  const h = w.handle;
  if (tracing && wants('socket_select')) sock_event(w.pid, ['socket_select', sock, h]);
  // A callback handle (sockets/readiness.ts): it leaves the queue, then runs.
  if (h instanceof ReadyRef) {
    finish(sock, q, w.pid);
    h.fire();
  } else send(w.pid, socket_message(sock, 'select', h));
}

/**
 * After a waiter was promoted to current (the one before it finished, cancelled or died):
 * tell it if the socket is ready. For writes the belief will do. For reads and accepts it
 * will not: an edge said "ready", not "how much", and the operation before may have taken
 * the last connection or byte. OTP 25 tells the next waiter only when there is something
 * for it; so the poller is asked: re-registering the fd makes epoll report it in the next
 * batch if it is readable, and that edge sends the select. Two syscalls, only when a
 * queued reader or acceptor is promoted while the socket is believed readable.
 */
export function promoted(sock: Sock, q: Q, w: Waiter<Pid, Ref> | null): void {
  if (w === null) return;
  const st = sock.state;
  if (q === st.write_queue) {
    if (st.writable) signal(sock, q);
  } else if ((q === st.readq || q === st.acc_queue) && st.readable) {
    st.readable = false;
    // Should the fd fail to re-register (ENOMEM), believe it readable and tell the waiter
    // now: it then asks the kernel itself.
    if (prim.poll_del(st.fd) < 0 || prim.poll_add(st.fd, st.token) < 0) {
      st.readable = true;
      signal(sock, q);
    }
  }
}

/** The caller's operation completed: it leaves the queue, the next waiter may be told. */
export function finish(sock: Sock, q: Q, pid: Pid): void {
  if (q.current !== null) promoted(sock, q, q.done(pid));
}

/**
 * A waiter that is not the owner needs a death hook (the owner's death closes the socket,
 * which empties the queues anyway).
 */
export function watch_waiter(sock: Sock, w: Waiter<Pid, Ref>): void {
  if (w.hook === null && w.pid !== sock.state.owner) {
    const pid = w.pid;
    w.hook = on_exit(pid, () => waiter_died(sock, pid));
  }
}

function waiter_died(sock: Sock, pid: Pid): void {
  const st = sock.state;
  if (st.closed) return;
  for (const q of st.queues()) promoted(sock, q, q.remove_pid(pid));
}

/** Makes the record and the term for an open fd, registers it with the poller. */
export function make_socket(
  fd: number,
  domain: string,
  type: string,
  protocol: string,
  owner: Pid,
  use_registry: boolean,
  ctype: CType = 'normal',
): Sock | number {
  if (!poller_started) {
    prim.poll_start(on_ready);
    poller_started = true;
  }
  const st: State = new SockState<Pid, Ref>(fd, domain, type, protocol, owner, use_registry, ctype);
  const token = prim.new_token();
  const r = prim.poll_add(fd, token);
  if (r < 0) return r;
  st.token = token;
  const sock = new Socket(st);
  by_token.add(sock);
  if (use_registry) registry.add(sock);
  registry.count_open(domain, type, protocol, 1);
  st.owner_hook = on_exit(owner, owner_died, sock);
  if (tracing) sock_event(owner, ['socket_open', sock, domain, type, protocol]);
  return sock;
}

/**
 * Moves ownership. The old owner's parked operations get death hooks (they had none while
 * it was the owner); the new owner's death closes the socket (at once if already dead).
 */
export function transfer(sock: Sock, to: Pid): void {
  const st = sock.state;
  const from = st.owner;
  if (tracing) sock_event(from, ['socket_owner', sock, from ?? 'undefined', to]);
  st.owner_hook?.cancel();
  st.owner = to;
  for (const q of st.queues()) {
    if (q.current !== null && q.current.pid === from) watch_waiter(sock, q.current);
    for (const w of q.waiters) if (w.pid === from) watch_waiter(sock, w);
  }
  st.owner_hook = on_exit(to, owner_died, sock);
}

// The owner's death closes its socket. A module-level function with the socket as the
// hook's argument: no closure per socket.
function owner_died(_reason: unknown, sock: Sock): void {
  close_socket(sock);
}

/**
 * The close path (close/1, owner death, transfer to a dead pid): pending nowait waiters get
 * the abort message (blocking callers turn it into {error, closed}); a waiter already sent
 * its select message gets none, as OTP 25 does, and learns of the close when it calls
 * again. Monitors fire, the registry forgets the socket, the fd is closed.
 */
export function close_socket(sock: Sock): void {
  const st = sock.state;
  if (st.closed) return;
  st.closed = true;
  if (tracing) sock_event(st.owner, ['socket_close', sock]);
  st.owner_hook?.cancel();
  st.owner_hook = null;
  st.owner = null;
  for (const q of st.queues()) {
    for (const w of q.drain()) {
      if (!w.signalled && !(w.handle instanceof ReadyRef)) {
        if (tracing) sock_event(w.pid, ['socket_abort', sock, w.handle, 'closed']);
        send(w.pid, socket_message(sock, 'abort', [w.handle, 'closed']));
      }
    }
  }
  if (st.monitors !== null) {
    for (const [ref, m] of st.monitors) {
      m.hook.cancel();
      monitored.delete(ref);
      if (tracing) sock_event(m.pid, ['socket_down', sock, ref]);
      send(m.pid, down_message(ref, sock));
    }
    st.monitors = null;
  }
  if (st.registered) registry.remove(sock);
  registry.count_open(st.domain, st.type, st.protocol, -1);
  by_token.delete(st.token);
  // An fd used as is (open(FD, #{dup => false})) stays the caller's: OTP 25 leaves it open
  // on close. Only leave the epoll set, or it would keep reporting to a closed socket.
  if (st.ctype === 'fromfd') prim.poll_del(st.fd);
  else prim.close(st.fd);
}

/** socket:monitor/1 refs → their socket, for cancel_monitor/1. */
const monitored = new Map<Ref, Sock>();

export function add_monitor(sock: Sock, ref: Ref, pid: Pid): void {
  const st = sock.state;
  if (st.closed) {
    send(pid, down_message(ref, sock));
    return;
  }
  const hook: Hook = on_exit(pid, () => {
    st.monitors?.delete(ref);
    monitored.delete(ref);
  });
  (st.monitors ??= new Map()).set(ref, { pid, hook });
  monitored.set(ref, sock);
}

/** True when the caller's monitor was active and is now gone. */
export function remove_monitor(ref: Ref): boolean {
  const sock = monitored.get(ref);
  if (sock === undefined) return false;
  const m = sock.state.monitors?.get(ref);
  if (m === undefined || m.pid !== self()) return false;
  m.hook.cancel();
  sock.state.monitors!.delete(ref);
  monitored.delete(ref);
  return true;
}

export function number_of_monitors(): number {
  return monitored.size;
}

/** The refs of the monitors on sock, or held by pid; newest first, as OTP lists them. */
export function monitors_of(target: Sock | Pid): Ref[] {
  const out: Ref[] = [];
  for (const [ref, sock] of monitored) {
    if (target instanceof Pid ? sock.state.monitors?.get(ref)?.pid === target : sock === target) out.push(ref);
  }
  return out.reverse();
}

/** The pids monitoring sock (each once). */
export function monitoring_pids(sock: Sock): Pid[] {
  const out: Pid[] = [];
  for (const m of sock.state.monitors?.values() ?? []) if (!out.includes(m.pid)) out.push(m.pid);
  return out;
}
