// OTP's gen_server on the runtime: the client API (start, call, cast, reply, stop). The
// server process itself is in gen_server_loop.ts; the callback types in gen_server_types.ts.
import { isDeepStrictEqual } from 'util';
import {
  receive, on, after, _, send, self, exit, monitor, demonitor, whereis, Proc,
} from '../runtime';
import * as proc_lib from './proc_lib';
import { ErlangExit } from '../runtime/exits';
import { init_it } from './gen_server_loop';
import { resolve, send_if_exists, where } from './gen_name';
import type { From, GenServerModule, ServerName, ServerRef, StartResult } from './gen_server_types';

export type {
  From, GenServerModule, ServerName, ServerRef, StartResult, Timeout, Ret,
  InitResult, CallResult, NoreplyResult, ViaModule, ViaName,
} from './gen_server_types';

const TIMEOUT = Symbol('gen_server.timeout');

function* do_start<A, S>(
  link: boolean, name: ServerName | null, mod: GenServerModule<A, S>, args: A,
): Proc<StartResult> {
  if (name !== null) {
    const w = where(name);
    if (w !== 'undefined') return ['error', ['already_started', w]];
  }
  const starter = self();
  // Through proc_lib, so the server has '$ancestors' and '$initial_call' ({Mod, init, 1}).
  const mfa = proc_lib.behaviour_initial_call(mod);
  // init_it itself is the body (no wrapper generator between the scheduler and the loop).
  const parent = link ? starter : null;
  const pid = link
    ? proc_lib.spawn_link_mfa(mfa, init_it, starter, parent, name, mod, args)
    : proc_lib.spawn_mfa(mfa, init_it, starter, parent, name, mod, args);
  // As OTP 25's proc_lib:sync_wait: the ack, or (linked and trapping exits) the EXIT.
  return yield* receive(
    on(['ack', pid, _], (m) => m[2] as StartResult),
    on(['EXIT', pid, _], (m): StartResult => ['error', m[2]]),
  );
}

/** gen_server:start: ['ok', Pid] | ['error', Reason] | 'ignore'. With a name, {local: Name}. */
export function start<A, S>(mod: GenServerModule<A, S>, args: A): Proc<StartResult>;
export function start<A, S>(name: ServerName, mod: GenServerModule<A, S>, args: A): Proc<StartResult>;
export function start<A, S>(...a: [GenServerModule<A, S>, A] | [ServerName, GenServerModule<A, S>, A]): Proc<StartResult> {
  return a.length === 2 ? do_start(false, null, a[0], a[1]) : do_start(false, a[0], a[1], a[2]);
}

/** gen_server:start_link: as start, and the server is linked to the caller. */
export function start_link<A, S>(mod: GenServerModule<A, S>, args: A): Proc<StartResult>;
export function start_link<A, S>(name: ServerName, mod: GenServerModule<A, S>, args: A): Proc<StartResult>;
export function start_link<A, S>(
  ...a: [GenServerModule<A, S>, A] | [ServerName, GenServerModule<A, S>, A]
): Proc<StartResult> {
  return a.length === 2 ? do_start(true, null, a[0], a[1]) : do_start(true, a[0], a[1], a[2]);
}


/** OTP's gen:do_call: monitor, send, wait for the reply or the DOWN. */
function* do_call(server: ServerRef, request: unknown, timeout: number | 'infinity'): Proc<unknown> {
  const pid = resolve(server);
  if (pid === self()) exit('calling_self');
  const mref = monitor('process', pid);
  send(pid, ['$gen_call', [self(), mref], request]);
  const r = yield* receive(
    on([mref, _], ([, reply]) => ({ reply })),
    on(['DOWN', mref, _, _, _], (d) => exit(d[4])),
    after(timeout, () => TIMEOUT),
  );
  demonitor(mref, ['flush']);
  return typeof r === 'symbol' ? exit('timeout') : r.reply;
}

/**
 * gen_server:call. Exits the caller with [Reason, ['gen_server', 'call', Args]] where Args are
 * the call's own arguments ([Server, Request] or [Server, Request, Timeout]), as OTP does.
 */
export function call(server: ServerRef, request: unknown): Proc<unknown>;
export function call(server: ServerRef, request: unknown, timeout: number | 'infinity'): Proc<unknown>;
export function* call(server: ServerRef, request: unknown, ...t: [] | [number | 'infinity']): Proc<unknown> {
  try {
    return yield* do_call(server, request, t.length === 0 ? 5000 : t[0]);
  } catch (e) {
    if (e instanceof ErlangExit) exit([e.reason, ['gen_server', 'call', [server, request, ...t]]]);
    throw e;
  }
}

/** gen_server:cast: always 'ok', even for a name nobody has. */
export function cast(server: ServerRef, msg: unknown): 'ok' {
  send_if_exists(server, ['$gen_cast', msg]);
  return 'ok';
}

/** On one node: a list of one. */
const NODE = 'nonode@nohost';

/**
 * gen_server:multi_call(Name, Request[, Timeout]) on this one node: [[[Node, Reply]], []], or
 * [[], [Node]] when no server is registered as Name (or it dies or does not answer in time).
 */
export function* multi_call(name: string, request: unknown, timeout: number | 'infinity' = 'infinity'): Proc<[Array<[string, unknown]>, string[]]> {
  if (whereis(name) === 'undefined') return [[], [NODE]];
  try {
    return [[[NODE, yield* do_call(name, request, timeout)]], []];
  } catch (e) {
    if (e instanceof ErlangExit) return [[], [NODE]];
    throw e;
  }
}

/** gen_server:abcast(Name, Msg): casts to Name on every node (this one) → 'abcast'. */
export function abcast(name: string, msg: unknown): 'abcast' {
  send_if_exists(name, ['$gen_cast', msg]);
  return 'abcast';
}

export { enter_loop } from './gen_server_loop';

/** gen_server:reply: answers a call from handle_call's From, now or later. */
export function reply(from: From, r: unknown): 'ok' {
  send(from[0], [from[1], r]);
  return 'ok';
}

/**
 * gen_server:stop (proc_lib:stop): the server runs terminate(reason) and exits; 'ok' when it
 * died with that reason, else the caller exits with the reason it died with (noproc if none).
 */
export function* stop(server: ServerRef, reason: unknown = 'normal', timeout: number | 'infinity' = 'infinity'): Proc<'ok'> {
  const pid = resolve(server);
  const mref = monitor('process', pid);
  send(pid, ['system', [self(), mref], ['terminate', reason]]);
  const r = yield* receive(on(['DOWN', mref, _, _, _], (d) => d[4]), after(timeout, () => TIMEOUT));
  if (r === TIMEOUT) {
    demonitor(mref, ['flush']);
    exit('timeout');
  }
  return isDeepStrictEqual(r, reason) ? 'ok' : exit(r);
}

/** The module's name, as reports print a child's start {M, F, A}. */
export const name = 'gen_server';
