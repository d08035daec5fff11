// OTP 25's gen_statem: the client API (start, call, cast, reply, stop). The process is in
// gen_statem_loop.ts; the callback types in gen_statem_types.ts.
import { send, exit, Pid, Proc } from '../runtime';
import { ErlangExit } from '../runtime/exits';
import * as gen from './gen';
import { send_if_exists } from './gen_name';
import { init_it } from './gen_statem_loop';
import type { From, ServerName, ServerRef, StartResult } from './gen_server_types';
import type { GenStatemModule } from './gen_statem_types';
import { fast_exports } from '../runtime/fast_exports';

export type * from './gen_statem_types';
export type { From, ServerName, ServerRef, StartResult };

/** gen_statem:start([Name,] Module, Args): ['ok', Pid] | 'ignore' | ['error', Reason]. */
export function start<A, D>(mod: GenStatemModule<A, D>, args: A): Proc<StartResult>;
export function start<A, D>(name: ServerName, mod: GenStatemModule<A, D>, args: A): Proc<StartResult>;
export function start<A, D>(...a: [GenStatemModule<A, D>, A] | [ServerName, GenStatemModule<A, D>, A]): Proc<StartResult> {
  return a.length === 2 ? gen.start(init_it, false, null, a[0], a[1]) : gen.start(init_it, false, a[0], a[1], a[2]);
}

/** gen_statem:start_link: as start, linked to the caller (a supervisor child's start). */
export function start_link<A, D>(mod: GenStatemModule<A, D>, args: A): Proc<StartResult>;
export function start_link<A, D>(name: ServerName, mod: GenStatemModule<A, D>, args: A): Proc<StartResult>;
export function start_link<A, D>(...a: [GenStatemModule<A, D>, A] | [ServerName, GenStatemModule<A, D>, A]): Proc<StartResult> {
  return a.length === 2 ? gen.start(init_it, true, null, a[0], a[1]) : gen.start(init_it, true, a[0], a[1], a[2]);
}

/**
 * gen_statem:call(Server, Request[, Timeout]); the timeout defaults to 'infinity', as OTP's.
 * Exits with [Reason, ['gen_statem', 'call', [Server, Request, Timeout]]].
 */
export function* call(server: ServerRef, request: unknown, timeout: number | 'infinity' = 'infinity'): Proc<unknown> {
  try {
    return yield* gen.call(server, request, timeout);
  } catch (e) {
    if (e instanceof ErlangExit) exit([e.reason, ['gen_statem', 'call', [server, request, timeout]]]);
    throw e;
  }
}

/** gen_statem:cast: always 'ok'. */
export function cast(server: ServerRef, msg: unknown): 'ok' {
  send_if_exists(server, ['$gen_cast', msg]);
  return 'ok';
}

/** gen_statem:reply(From, Reply), or reply([['reply', From, Reply], ...]). */
export function reply(from: From, r: unknown): 'ok';
export function reply(replies: Array<['reply', From, unknown]>): 'ok';
export function reply(...a: [From, unknown] | [Array<['reply', From, unknown]>]): 'ok' {
  if (a.length === 2) send(a[0][0], [a[0][1], a[1]]);
  else for (const [, f, r] of a[0]) send(f[0], [f[1], r]);
  return 'ok';
}

/** gen_statem:stop(Server[, Reason[, Timeout]]): as gen_server:stop. */
export function stop(server: ServerRef, reason: unknown = 'normal', timeout: number | 'infinity' = 'infinity'): Proc<'ok'> {
  return gen.stop(server, reason, timeout);
}

export { enter_loop } from './gen_statem_loop';

export type { Pid };

/** The module's name, as reports print a child's start {M, F, A}. */
export const name = 'gen_statem';

// Re-exports leave this module's exports in V8's dictionary mode: see runtime/fast_exports.
fast_exports(module.exports as object);
