// OTP 25's gen_statem: the client API (start, call, cast, reply, stop). The process is in
// gen_statem_loop.ts; the callback types in gen_statem_types.ts.
import { isDeepStrictEqual } from 'util';
import { receive, on, after, _, send, self, exit, monitor, demonitor, Pid, Proc } from '../runtime';
import { ErlangExit } from '../runtime/exits';
import * as proc_lib from './proc_lib';
import { resolve, send_if_exists, where } from './gen_name';
import { init_it } from './gen_statem_loop';
import type { From, ServerName, ServerRef, StartResult } from './gen_server_types';
import type { GenStatemModule } from './gen_statem_types';

export type * from './gen_statem_types';
export type { From, ServerName, ServerRef, StartResult };

function* do_start<A, D>(link: boolean, name: ServerName | null, mod: GenStatemModule<A, D>, args: A): Proc<StartResult> {
  if (name !== null) {
    const w = where(name);
    if (w !== 'undefined') return ['error', ['already_started', w]];
  }
  const starter = self();
  const mfa = proc_lib.behaviour_initial_call(mod);
  // init_it itself is the body (no wrapper generator between the scheduler and the loop).
  const parent = link ? starter : null;
  const pid = link
    ? proc_lib.spawn_link_mfa(mfa, init_it, starter, parent, name, mod, args)
    : proc_lib.spawn_mfa(mfa, init_it, starter, parent, name, mod, args);
  return yield* receive(
    on(['ack', pid, _], (m) => m[2] as StartResult),
    on(['EXIT', pid, _], (m): StartResult => ['error', m[2]]),
  );
}

/** gen_statem:start([Name,] Module, Args): ['ok', Pid] | 'ignore' | ['error', Reason]. */
export function start<A, D>(mod: GenStatemModule<A, D>, args: A): Proc<StartResult>;
export function start<A, D>(name: ServerName, mod: GenStatemModule<A, D>, args: A): Proc<StartResult>;
export function start<A, D>(...a: [GenStatemModule<A, D>, A] | [ServerName, GenStatemModule<A, D>, A]): Proc<StartResult> {
  return a.length === 2 ? do_start(false, null, a[0], a[1]) : do_start(false, a[0], a[1], a[2]);
}

/** gen_statem:start_link: as start, linked to the caller (a supervisor child's start). */
export function start_link<A, D>(mod: GenStatemModule<A, D>, args: A): Proc<StartResult>;
export function start_link<A, D>(name: ServerName, mod: GenStatemModule<A, D>, args: A): Proc<StartResult>;
export function start_link<A, D>(...a: [GenStatemModule<A, D>, A] | [ServerName, GenStatemModule<A, D>, A]): Proc<StartResult> {
  return a.length === 2 ? do_start(true, null, a[0], a[1]) : do_start(true, a[0], a[1], a[2]);
}

const TIMEOUT = Symbol('gen_statem.timeout');

/**
 * gen_statem:call(Server, Request[, Timeout]); the timeout defaults to 'infinity', as OTP's.
 * Exits with [Reason, ['gen_statem', 'call', [Server, Request, Timeout]]].
 */
export function* call(server: ServerRef, request: unknown, timeout: number | 'infinity' = 'infinity'): Proc<unknown> {
  try {
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

export type { Pid };

/** The module's name, as reports print a child's start {M, F, A}. */
export const name = 'gen_statem';
