// SPAWN_REQUEST from a peer (what rpc:call and erpc:call send since OTP 25): only the
// functions the user exported with export_module run; erpc's execute_call/execute_cast are
// emulated with exactly erpc's exit reasons. Nothing from the wire is evaluated as code.
import { Pid, Ref, spawn, send, self } from '../runtime';
import { ErlangError, ErlangExit } from '../runtime/exits';
import { RemotePid } from '../runtime/remote';
import { Conn, send_packet } from './connection';
import { List, list } from './terms';
import { lookup_function } from './exports';
import { OP, track_spawned } from './signals';
import { fast_exports } from '../runtime/fast_exports';

export { export_module, unexport_module, lookup_function } from './exports';
export type { Exported } from './exports';

function is_gen(v: unknown): v is Generator<unknown, unknown, unknown> {
  return typeof v === 'object' && v !== null && typeof (v as Generator).next === 'function' && typeof (v as Generator).throw === 'function';
}

/** Runs M:F(A) and gives erpc's outcome: [Class, Reason(, Stack)] or ['return', V]. */
function* apply(m: unknown, f: unknown, args: unknown[]): Generator<unknown, unknown[], unknown> {
  const fn = lookup_function(m, f, args.length);
  if (fn === null) return ['error', 'undef', list([m, f, new List(args), list()])];
  try {
    let v = (fn as (...a: unknown[]) => unknown)(...args);
    if (is_gen(v)) v = yield* v;
    return ['return', v === undefined ? 'ok' : v];
  } catch (e) {
    if (e instanceof ErlangExit) return ['exit', e.reason];
    if (e instanceof ErlangError) return ['error', e.reason, list()];
    if (e instanceof Error) return ['error', ['js_error', Buffer.from(e.message)], list()];
    return ['throw', e];
  }
}

/**
 * The exit reason the peer is told for a process that ends 'normal' here. erpc's
 * execute_call exits with {Ref, Class, ...}; exiting so here would log a crash report for
 * every rpc, so the process ends normally and the reason reaches the peer through this.
 */
export const told_reason = new WeakMap<Pid, unknown>();

/** erpc:execute_call/4 as a process: the peer sees it exit with {Ref, Class, ...}. */
function* execute_call(ref: unknown, m: unknown, f: unknown, args: unknown[]): Generator<unknown, void, unknown> {
  const outcome = yield* apply(m, f, args);
  told_reason.set(self(), [ref, ...outcome]);
}

function* execute_cast(m: unknown, f: unknown, args: unknown[]): Generator<unknown, void, unknown> {
  yield* apply(m, f, args);
}

function* undef_process(m: unknown, f: unknown, args: unknown[]): Generator<unknown, void, unknown> {
  throw new ErlangExit(['undef', list([m, f, new List(args), list()])]);
}

/** [29, ReqId, From, GroupLeader, {M, F, Arity}, Opts] + Args */
export function spawn_request_in(conn: Conn, ctrl: unknown[], args_term: unknown): void {
  const [, req_id, from, , mfa, opts] = ctrl as [number, Ref, RemotePid, unknown, unknown[], unknown];
  if (!(from instanceof RemotePid) || !Array.isArray(mfa) || !(args_term instanceof List) || !args_term.proper) {
    send_packet(conn, [OP.SPAWN_REPLY, req_id, from, 0, 'badarg']);
    return;
  }
  const args = args_term.items;
  const [m, f] = mfa;
  let pid: Pid;
  if (m === 'erpc' && f === 'execute_call' && args.length === 4 && args[3] instanceof List) {
    pid = spawn(execute_call, args[0], args[1], args[2], (args[3] as List).items);
  } else if (m === 'erpc' && f === 'execute_cast' && args.length === 3 && args[2] instanceof List) {
    pid = spawn(execute_cast, args[0], args[1], (args[2] as List).items);
  } else {
    // spawn(Node, M, F, A) from a BEAM node: an exported function becomes the process body.
    const fn = lookup_function(m, f, args.length);
    pid = fn === null ? spawn(undef_process, m, f, args) : spawn(fn as (...a: unknown[]) => unknown, ...args);
  }
  const o = opts instanceof List ? opts.items : [];
  const link = o.includes('link');
  const monitor = o.includes('monitor');
  send_packet(conn, [OP.SPAWN_REPLY, req_id, from, (link ? 1 : 0) | (monitor ? 2 : 0), pid]);
  track_spawned(conn, pid, from, req_id, link, monitor);
}

/** [31, ReqId, To, Flags, Result]: given to the requester as {spawn_reply, ReqId, ok | error, PidOrReason}. */
export function spawn_reply_in(_conn: Conn, ctrl: unknown[]): void {
  const [, req_id, to, , result] = ctrl as [number, Ref, Pid, number, unknown];
  if (!(to instanceof Pid) || to instanceof RemotePid) return;
  send(to, ['spawn_reply', req_id, result instanceof Pid ? 'ok' : 'error', result]);
}

// Re-exports leave this module's exports in V8's dictionary mode: see runtime/fast_exports.
fast_exports(module.exports as object);
