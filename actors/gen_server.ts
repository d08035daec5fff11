// OTP's gen_server on the runtime: the client API (start, call, cast, reply, stop). The
// server process itself is in gen_server_loop.ts; the callback types in gen_server_types.ts.
import { send, whereis, Proc } from '../runtime';
import { ErlangExit } from '../runtime/exits';
import * as gen from './gen';
import { init_it } from './gen_server_loop';
import { send_if_exists } from './gen_name';
import type { From, GenServerModule, ServerName, ServerRef, StartResult } from './gen_server_types';
import { fast_exports } from '../runtime/fast_exports';

export type {
  From, GenServerModule, ServerName, ServerRef, StartResult, Timeout, Ret,
  InitResult, CallResult, NoreplyResult, ViaModule, ViaName,
} from './gen_server_types';

/** gen_server:start: ['ok', Pid] | ['error', Reason] | 'ignore'. With a name, {local: Name}. */
export function start<A, S>(mod: GenServerModule<A, S>, args: A): Proc<StartResult>;
export function start<A, S>(name: ServerName, mod: GenServerModule<A, S>, args: A): Proc<StartResult>;
export function start<A, S>(...a: [GenServerModule<A, S>, A] | [ServerName, GenServerModule<A, S>, A]): Proc<StartResult> {
  return a.length === 2 ? gen.start(init_it, false, null, a[0], a[1]) : gen.start(init_it, false, a[0], a[1], a[2]);
}

/** gen_server:start_link: as start, and the server is linked to the caller. */
export function start_link<A, S>(mod: GenServerModule<A, S>, args: A): Proc<StartResult>;
export function start_link<A, S>(name: ServerName, mod: GenServerModule<A, S>, args: A): Proc<StartResult>;
export function start_link<A, S>(
  ...a: [GenServerModule<A, S>, A] | [ServerName, GenServerModule<A, S>, A]
): Proc<StartResult> {
  return a.length === 2 ? gen.start(init_it, true, null, a[0], a[1]) : gen.start(init_it, true, a[0], a[1], a[2]);
}


/**
 * gen_server:call. Exits the caller with [Reason, ['gen_server', 'call', Args]] where Args are
 * the call's own arguments ([Server, Request] or [Server, Request, Timeout]), as OTP does.
 */
export function call(server: ServerRef, request: unknown): Proc<unknown>;
export function call(server: ServerRef, request: unknown, timeout: number | 'infinity'): Proc<unknown>;
export function call(server: ServerRef, request: unknown, ...t: [] | [number | 'infinity']): Proc<unknown> {
  return gen.call(server, request, t.length === 0 ? 5000 : t[0], 'gen_server', t);
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
    return [[[NODE, yield* gen.call(name, request, timeout)]], []];
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
export function stop(server: ServerRef, reason: unknown = 'normal', timeout: number | 'infinity' = 'infinity'): Proc<'ok'> {
  return gen.stop(server, reason, timeout);
}

/** The module's name, as reports print a child's start {M, F, A}. */
export const name = 'gen_server';

// Re-exports leave this module's exports in V8's dictionary mode: see runtime/fast_exports.
fast_exports(module.exports as object);
