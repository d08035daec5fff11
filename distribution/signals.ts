// Signals between nodes: the router the runtime hands remote pids to (send, link, monitor,
// exit), and the dispatcher of control messages from peers. Links and monitors across a
// connection are kept per connection, so that a connection going down turns each into
// `noconnection` on this side.
import { Pid, Ref, send, whereis } from '../runtime';
import { on_exit, ExitHandle } from '../runtime/hooks';
import { RemotePid, Router, set_router } from '../runtime/remote';
import { remote_exit_signal } from '../runtime/signals';
import { remote_down } from '../runtime/monitors';
import type { Process } from '../runtime/process';
import { me } from './identity';
import { ExtRef } from './terms';
import { Conn, send_packet } from './connection';
import { DFLAG } from './flags';
import { ensure_connection, on_connection_down, set_dispatch, set_router_installer, connection, all_connections } from './node';
import { spawn_request_in, spawn_reply_in, told_reason } from './spawn';

// Control message ops (erl_dist_protocol).
export const OP = {
  LINK: 1, SEND: 2, EXIT: 3, UNLINK: 4, REG_SEND: 6, EXIT2: 8, MONITOR_P: 19, DEMONITOR_P: 20,
  MONITOR_P_EXIT: 21, SEND_SENDER: 22, PAYLOAD_EXIT: 24, PAYLOAD_EXIT2: 26, PAYLOAD_MONITOR_P_EXIT: 28,
  SPAWN_REQUEST: 29, SPAWN_REPLY: 31, ALIAS_SEND: 33, ALIAS_SEND_TT: 34, UNLINK_ID: 35, UNLINK_ID_ACK: 36,
} as const;

/** A monitor this node's process holds on a remote one. */
interface OutMonitor {
  watcher: Process;
  /** what the DOWN names: the pid, or [Name, Node] */
  tag: unknown;
  /** what MONITOR_P named: the pid or the name */
  target: unknown;
  /** the hook that demonitors when the watcher dies */
  gone: ExitHandle;
}

/** What a connection keeps of signals. */
interface SigState {
  out_monitors: Map<Ref, OutMonitor>;
  /** monitors the peer holds on our processes, by the peer's ref */
  in_monitors: Map<Ref, ExitHandle>;
  /** links between our processes and the peer's: local pid → remote pids */
  links: Map<Pid, Set<RemotePid>>;
  /** one exit hook per linked local process */
  link_hooks: Map<Pid, ExitHandle>;
  unlink_id: number;
}

function sig(conn: Conn): SigState {
  let s = conn.state.get('sig') as SigState | undefined;
  if (s === undefined) {
    s = { out_monitors: new Map(), in_monitors: new Map(), links: new Map(), link_hooks: new Map(), unlink_id: 0 };
    conn.state.set('sig', s);
  }
  return s;
}

/** The pid stamped as sender when a message is sent from outside any process. */
function sender(from: Process | null): Pid {
  if (from !== null) return from.pid;
  const k = whereis('net_kernel');
  return k === 'undefined' ? new Pid(0) : k;
}

function payload_exit(conn: Conn, from: Pid, to: Pid, reason: unknown): void {
  if ((conn.flags & DFLAG.EXIT_PAYLOAD) !== 0n) send_packet(conn, [OP.PAYLOAD_EXIT, from, to], reason, true);
  else send_packet(conn, [OP.EXIT, from, to, reason]);
}

// ---- links ----

function add_link(conn: Conn, local: Pid, remote: RemotePid): void {
  const s = sig(conn);
  let set = s.links.get(local);
  if (set === undefined) {
    set = new Set();
    s.links.set(local, set);
    s.link_hooks.set(local, on_exit(local, local_linked_died, [conn, local] as [Conn, Pid]));
  }
  set.add(remote);
}

function remove_link(conn: Conn, local: Pid, remote: RemotePid): boolean {
  const s = sig(conn);
  const set = s.links.get(local);
  if (set === undefined || !set.delete(remote)) return false;
  if (set.size === 0) {
    s.links.delete(local);
    s.link_hooks.get(local)?.cancel();
    s.link_hooks.delete(local);
  }
  return true;
}

function local_linked_died(reason: unknown, [conn, local]: [Conn, Pid]): void {
  const s = sig(conn);
  const set = s.links.get(local);
  s.links.delete(local);
  s.link_hooks.delete(local);
  if (set === undefined || !conn.up && conn.sock === null && conn.reader === null) return;
  const told = reason === 'normal' ? (told_reason.get(local) ?? reason) : reason;
  for (const r of set) payload_exit(conn, local, r, told);
}

/** The peer's process `from` monitors our `target` (named `named`, as the peer named it) with ref. */
function watch(conn: Conn, target: Pid, named: unknown, from: RemotePid, ref: Ref): void {
  const s = sig(conn);
  s.in_monitors.set(ref, on_exit(target, (own_reason: unknown) => {
    s.in_monitors.delete(ref);
    const reason = own_reason === 'normal' ? (told_reason.get(target) ?? own_reason) : own_reason;
    if (!conn.up && conn.reader === null) return;
    if ((conn.flags & DFLAG.EXIT_PAYLOAD) !== 0n) send_packet(conn, [OP.PAYLOAD_MONITOR_P_EXIT, named, from, ref], reason, true);
    else send_packet(conn, [OP.MONITOR_P_EXIT, named, from, ref, reason]);
  }));
}

/** A process spawned for the peer's SPAWN_REQUEST, linked and/or monitored as it asked. */
export function track_spawned(conn: Conn, pid: Pid, from: RemotePid, req_id: Ref, link: boolean, monitor: boolean): void {
  if (link) add_link(conn, pid, from);
  if (monitor) watch(conn, pid, pid, from, req_id);
}

/** Our process watcher monitors the peer's process (for our own spawn requests: ref is the request id). */
export function add_out_monitor(conn: Conn, ref: Ref, watcher: Process, tag: unknown, target: unknown): void {
  const s = sig(conn);
  // A watcher that dies first takes its monitor down on the peer too (as a BEAM does).
  const gone = on_exit(watcher.pid, () => {
    const m = s.out_monitors.get(ref);
    if (m === undefined) return;
    s.out_monitors.delete(ref);
    if (conn.up) send_packet(conn, [OP.DEMONITOR_P, watcher.pid, m.target, ref]);
  });
  s.out_monitors.set(ref, { watcher, tag, target, gone });
}

/** Drops our monitor ref on the peer's process (a spawn request we stopped waiting for). */
export function forget_out_monitor(conn: Conn, ref: Ref): void {
  const m = drop_out_monitor(sig(conn), ref);
  if (m !== undefined && conn.up) send_packet(conn, [OP.DEMONITOR_P, m.watcher.pid, m.target, ref]);
}

function drop_out_monitor(s: SigState, ref: Ref): OutMonitor | undefined {
  const m = s.out_monitors.get(ref);
  if (m === undefined) return undefined;
  s.out_monitors.delete(ref);
  m.gone.cancel();
  return m;
}

// ---- the router: signals from our processes to remote ones ----

const router: Router = {
  node: () => me.name,
  send(to, msg, from) {
    const conn = ensure_connection(to.node);
    if (conn === null) return;
    void from;
    send_packet(conn, [OP.SEND, '', to], msg, true);
  },
  reg_send(name, node, msg, from) {
    if (node === me.name) return false;
    const conn = ensure_connection(node);
    if (conn !== null) send_packet(conn, [OP.REG_SEND, sender(from), '', name], msg, true);
    return true;
  },
  link(from, to) {
    const conn = ensure_connection(to.node);
    if (conn === null) {
      deliver_link_exit(from.pid, to, 'noconnection');
      return;
    }
    add_link(conn, from.pid, to);
    send_packet(conn, [OP.LINK, from.pid, to]);
  },
  unlink(from, to) {
    const conn = connection(to.node);
    if (conn === undefined || !remove_link(conn, from.pid, to)) return;
    const s = sig(conn);
    send_packet(conn, [OP.UNLINK_ID, ++s.unlink_id, from.pid, to]);
  },
  exit(from, to, reason) {
    const conn = ensure_connection(to.node);
    if (conn === null) return;
    if ((conn.flags & DFLAG.EXIT_PAYLOAD) !== 0n) send_packet(conn, [OP.PAYLOAD_EXIT2, from, to], reason, true);
    else send_packet(conn, [OP.EXIT2, from, to, reason]);
  },
  monitor(from, to, ref) {
    const node = to instanceof RemotePid ? to.node : to[1];
    const tag: RemotePid | [string, string] = to instanceof RemotePid ? to : [to[0], to[1]];
    const conn = ensure_connection(node);
    if (conn === null) {
      remote_down(from.pid, ref, tag, 'noconnection');
      return;
    }
    const target = to instanceof RemotePid ? to : to[0];
    add_out_monitor(conn, ref, from, tag, target);
    send_packet(conn, [OP.MONITOR_P, from.pid, target, ref]);
  },
  demonitor(from, ref) {
    for (const conn of all_connections()) {
      const s = sig(conn);
      const m = s.out_monitors.get(ref);
      if (m !== undefined && m.watcher === from) {
        drop_out_monitor(s, ref);
        send_packet(conn, [OP.DEMONITOR_P, from.pid, m.target, ref]);
        return true;
      }
    }
    return false;
  },
  alias_send(to, msg, from) {
    // Only another node's ref can be an alias there; a peer without DFLAG_ALIAS cannot take
    // ALIAS_SEND, and a BEAM drops such a send too.
    if (!(to instanceof ExtRef) || to.node === me.name) return;
    const conn = ensure_connection(to.node);
    if (conn === null || (conn.flags & DFLAG.ALIAS) === 0n) return;
    send_packet(conn, [OP.ALIAS_SEND, sender(from), to], msg, true);
  },
};

function deliver_link_exit(local: Pid, from: Pid, reason: unknown): void {
  remote_exit_signal(local, from, reason, true);
}

// ---- the dispatcher: control messages from a peer ----

function local_target(t: unknown): Pid | null {
  if (t instanceof Pid && !(t instanceof RemotePid)) return t;
  if (typeof t === 'string') {
    const p = whereis(t);
    return p === 'undefined' ? null : p;
  }
  return null;
}

function dispatch(conn: Conn, ctrl: unknown, msg: unknown, has_msg: boolean): void {
  if (!Array.isArray(ctrl) || typeof ctrl[0] !== 'number') return;
  switch (ctrl[0]) {
    case OP.SEND: // [2, Cookie, ToPid]
    case OP.SEND_SENDER: { // [22, From, ToPid]
      const to = local_target(ctrl[2]);
      if (to !== null && has_msg) send(to, msg);
      return;
    }
    case OP.ALIAS_SEND: // [33, From, Alias]
    case OP.ALIAS_SEND_TT: { // [34, From, Alias, Token]: erlsock keeps no seq_trace token
      // The runtime delivers to a local alias while it is active and drops it otherwise.
      const alias: unknown = ctrl[2];
      if (has_msg && alias instanceof Ref && !(alias instanceof ExtRef)) send(alias, msg);
      return;
    }
    case OP.REG_SEND: { // [6, From, Cookie, ToName]
      const to = typeof ctrl[3] === 'string' ? local_target(ctrl[3]) : null;
      if (to !== null && has_msg) send(to, msg);
      return;
    }
    case OP.MONITOR_P: { // [19, FromPid, ToProc, Ref]
      const [, from, to_proc, ref] = ctrl as [number, RemotePid, unknown, Ref];
      const target = local_target(to_proc);
      if (target === null || target.proc === null) {
        send_packet(conn, [OP.MONITOR_P_EXIT, to_proc, from, ref, 'noproc']);
        return;
      }
      watch(conn, target, to_proc, from, ref);
      return;
    }
    case OP.DEMONITOR_P: { // [20, FromPid, ToProc, Ref]
      const s = sig(conn);
      const ref = ctrl[3] as Ref;
      s.in_monitors.get(ref)?.cancel();
      s.in_monitors.delete(ref);
      return;
    }
    case OP.MONITOR_P_EXIT: // [21, FromProc, ToPid, Ref, Reason]
    case OP.PAYLOAD_MONITOR_P_EXIT: { // [28, FromProc, ToPid, Ref] + Reason
      const reason: unknown = ctrl[0] === OP.MONITOR_P_EXIT ? ctrl[4] : msg;
      const ref = ctrl[3] as Ref;
      const s = sig(conn);
      const m = drop_out_monitor(s, ref);
      if (m === undefined) return;
      remote_down(m.watcher.pid, ref, m.tag, reason);
      return;
    }
    case OP.LINK: { // [1, From, To]
      const [, from, to] = ctrl as [number, RemotePid, unknown];
      const local = local_target(to);
      if (!(from instanceof RemotePid) || !(to instanceof Pid)) return;
      if (local === null || local.proc === null) {
        payload_exit(conn, to, from, 'noproc');
        return;
      }
      add_link(conn, local, from);
      return;
    }
    case OP.UNLINK_ID: { // [35, Id, From, To]
      const [, id, from, to] = ctrl as [number, number, RemotePid, Pid];
      if (to instanceof Pid && from instanceof RemotePid) remove_link(conn, to, from);
      send_packet(conn, [OP.UNLINK_ID_ACK, id, to, from]);
      return;
    }
    case OP.UNLINK: { // [4, From, To] (old protocol)
      const [, from, to] = ctrl as [number, RemotePid, Pid];
      if (to instanceof Pid && from instanceof RemotePid) remove_link(conn, to, from);
      return;
    }
    case OP.UNLINK_ID_ACK:
      return;
    case OP.EXIT: // [3, From, To, Reason]
    case OP.PAYLOAD_EXIT: { // [24, From, To] + Reason
      const [, from, to] = ctrl as [number, RemotePid, Pid];
      const reason: unknown = ctrl[0] === OP.EXIT ? ctrl[3] : msg;
      if (!(to instanceof Pid) || !(from instanceof RemotePid)) return;
      if (remove_link(conn, to, from)) deliver_link_exit(to, from, reason);
      return;
    }
    case OP.EXIT2: // [8, From, To, Reason]
    case OP.PAYLOAD_EXIT2: { // [26, From, To] + Reason
      const [, from, to] = ctrl as [number, Pid, Pid];
      const reason: unknown = ctrl[0] === OP.EXIT2 ? ctrl[3] : msg;
      if (to instanceof Pid && !(to instanceof RemotePid)) remote_exit_signal(to, from, reason, false);
      return;
    }
    case OP.SPAWN_REQUEST:
      spawn_request_in(conn, ctrl, msg);
      return;
    case OP.SPAWN_REPLY:
      spawn_reply_in(conn, ctrl);
      return;
    default:
      return; // ops we did not negotiate (seq_trace tokens): ignored, as the BEAM ignores unknown ones
  }
}

/** The connection went: links give noconnection exits, monitors noconnection DOWNs. */
function connection_down(conn: Conn): void {
  const s = sig(conn);
  for (const [ref, m] of s.out_monitors) {
    m.gone.cancel();
    remote_down(m.watcher.pid, ref, m.tag, 'noconnection');
  }
  s.out_monitors.clear();
  for (const h of s.in_monitors.values()) h.cancel();
  s.in_monitors.clear();
  const links = [...s.links];
  for (const h of s.link_hooks.values()) h.cancel();
  s.links.clear();
  s.link_hooks.clear();
  for (const [local, remotes] of links) for (const r of remotes) deliver_link_exit(local, r, 'noconnection');
}

set_dispatch(dispatch);
on_connection_down(connection_down);
set_router_installer(() => set_router(router));
