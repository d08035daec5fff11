// erlsock as a node in an Erlang cluster: the public API (net_kernel, node(), nodes(),
// net_adm:ping, rpc:call, monitor_node) and the term classes of the wire format.
import { Pid, Proc, Ref, receive, on, after, _, self, send, monitor, demonitor, make_ref } from '../runtime';
import { ErlangExit, error } from '../runtime/exits';
import { RemotePid } from '../runtime/remote';
import * as node from './node';
import { me } from './identity';
import { list, List } from './terms';
import { OP, add_out_monitor, forget_out_monitor } from './signals';
import { send_packet } from './connection';
import { DFLAG } from './flags';
import './signals';
import { fast_exports } from '../runtime/fast_exports';

export { List, Float, BitString, ExtRef, ExtPort, Opaque, list, nil, charlist } from './terms';
export { encode as term_to_binary, decode as binary_to_term, EtfError } from './etf';
export { export_module, unexport_module } from './spawn';
export type { Exported } from './spawn';
export { set_dist_logger } from './log';
export type { DistLogger } from './log';
export type { StartOpts } from './node';
export { RemotePid };

export const net_kernel = {
  start: node.start,
  stop: node.stop,
};

/** node(): this node's name ('nonode@nohost' when the distribution is not started). */
export function node_name(): string {
  return me.name;
}

/** nodes(): the connected nodes. */
export function nodes(): string[] {
  return node.connected_nodes();
}

/** is_alive(). */
export function is_alive(): boolean {
  return node.is_alive();
}

/** Calls a gen_server-style process with a plain ref tag (what OTP 25 replies to without aliases). */
function* gen_call(dest: Pid | [string, string], request: unknown, timeout: number | 'infinity'): Proc<['ok', unknown] | ['error', unknown]> {
  const mref = monitor('process', dest);
  send(dest, ['$gen_call', [self(), mref], request]);
  const r = yield* receive(
    on([mref, _], (m) => ['ok', m[1]] as ['ok', unknown]),
    on(['DOWN', mref, _, _, _], (d) => ['error', d[4]] as ['error', unknown]),
    after(timeout, () => ['error', 'timeout'] as ['error', unknown]),
  );
  demonitor(mref, ['flush']);
  return r;
}

export const net_adm = {
  /** net_adm:ping(Node) → 'pong' | 'pang'. */
  *ping(to: string): Proc<'pong' | 'pang'> {
    if (to === me.name && node.is_alive()) return 'pong';
    if (!node.is_alive() || typeof to !== 'string') return 'pang';
    if (!(yield* node.await_connection(to, 8000))) return 'pang';
    const r = yield* gen_call(['net_kernel', to], ['is_auth', me.name], 8000);
    return r[0] === 'ok' && r[1] === 'yes' ? 'pong' : 'pang';
  },
};

/** How erpc reports an outcome: ['return', V] or an exception [Class, Reason, Stack]. */
function* erpc_call(to: string, m: string, f: string, args: unknown[], timeout: number | 'infinity'): Proc<['return', unknown] | [string, unknown, unknown]> {
  if (!node.is_alive()) return ['error', 'notsup', list()];
  if (!(yield* node.await_connection(to, 8000))) return ['error', 'noconnection', list()];
  const conn = node.connection(to);
  if (conn === undefined) return ['error', 'noconnection', list()];
  if ((conn.flags & DFLAG.SPAWN) === 0n) return ['error', 'notsup', list()];
  const req = make_ref();
  const res = make_ref();
  const me_proc = self().proc;
  if (me_proc === null) return ['error', 'noproc', list()];
  add_out_monitor(conn, req, me_proc, to, to);
  send_packet(conn, [OP.SPAWN_REQUEST, req, self(), self(), ['erpc', 'execute_call', 4], list('monitor')], list(res, m, f, new List(args)), true);
  const r = yield* receive(
    on(['spawn_reply', req, 'error', _], (x) => ['error', x[3], list()] as [string, unknown, unknown]),
    on(['DOWN', req, 'process', _, _], (d) => down_outcome(res, d[4])),
    after(timeout, () => ['error', 'timeout', list()] as [string, unknown, unknown]),
  );
  // Timed out: no DOWN for it may arrive later. The spawn reply is of no use once the outcome is known.
  if (r[0] === 'error' && r[1] === 'timeout') forget_out_monitor(conn, req);
  yield* receive(on(['spawn_reply', req, _, _]), after(0));
  return r as ['return', unknown] | [string, unknown, unknown];
}

function down_outcome(res: Ref, reason: unknown): ['return', unknown] | [string, unknown, unknown] {
  if (Array.isArray(reason) && reason[0] === res) {
    if (reason[1] === 'return') return ['return', reason[2]];
    if (reason[1] === 'error' && reason.length === 4) return ['error', reason[2], reason[3]];
    return [reason[1] as string, reason[2], list()];
  }
  if (reason === 'noconnection') return ['error', 'noconnection', list()];
  return ['exit', reason, list()];
}

export const rpc = {
  /** rpc:call(Node, M, F, A[, Timeout]) → the value, or ['badrpc', Reason] as OTP 25 gives it. */
  *call(to: string, m: string, f: string, args: unknown[], timeout: number | 'infinity' = 'infinity'): Proc<unknown> {
    const r = yield* erpc_call(to, m, f, args, timeout);
    switch (r[0]) {
      case 'return': return r[1];
      case 'throw': return r[1];
      case 'exit': return ['badrpc', ['EXIT', r[1]]];
      default:
        if (r[1] === 'noconnection') return ['badrpc', 'nodedown'];
        if (r[1] === 'timeout') return ['badrpc', 'timeout'];
        if (r[1] === 'notsup') return ['badrpc', 'notsup'];
        return ['badrpc', ['EXIT', [r[1], r[2]]]];
    }
  },
};

export const erpc = {
  /** erpc:call(Node, M, F, A[, Timeout]): the value, or raises as erpc does (error {exception, R, S}, exit, throw). */
  *call(to: string, m: string, f: string, args: unknown[], timeout: number | 'infinity' = 'infinity'): Proc<unknown> {
    const r = yield* erpc_call(to, m, f, args, timeout);
    switch (r[0]) {
      case 'return': return r[1];
      case 'throw': throw r[1];
      case 'exit': throw new ErlangExit(['exception', r[1]]);
      default: {
        if (r[1] === 'noconnection' || r[1] === 'timeout' || r[1] === 'notsup') return error(['erpc', r[1]]);
        return error(['exception', r[1], r[2]]);
      }
    }
  },
};

/** monitor_node(Node, true|false): ['nodedown', Node] arrives when the connection goes (at once if it cannot be made). */
export function* monitor_node(to: string, on_off: boolean): Proc<true> {
  const pid = self();
  if (!on_off) {
    const set = node_monitors.get(to);
    set?.delete(pid);
    return true;
  }
  if (!(yield* node.await_connection(to, 8000))) {
    send(pid, ['nodedown', to]);
    return true;
  }
  let set = node_monitors.get(to);
  if (set === undefined) node_monitors.set(to, (set = new Set()));
  set.add(pid);
  return true;
}

const node_monitors = new Map<string, Set<Pid>>();
node.on_connection_down((conn) => {
  const set = node_monitors.get(conn.node);
  if (set === undefined) return;
  node_monitors.delete(conn.node);
  for (const p of set) send(p, ['nodedown', conn.node]);
});

// Re-exports leave this module's exports in V8's dictionary mode: see runtime/fast_exports.
fast_exports(module.exports as object);
