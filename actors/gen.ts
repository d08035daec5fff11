// What gen_server and gen_statem share, as OTP's gen module holds it for both: starting a
// named or anonymous behaviour process and waiting for its ack, the call protocol, and stop.
import { isDeepStrictEqual } from 'util';
import { receive, on, after, _, send, self, exit, monitor, demonitor, Pid, Proc } from '../runtime';
import { receive_in } from '../runtime/receive';
import { done } from '../runtime/done';
import { ErlangExit } from '../runtime/exits';
import * as proc_lib from './proc_lib';
import { resolve, where } from './gen_name';
import type { ServerName, ServerRef, StartResult } from './gen_server_types';

/** A behaviour's process body (gen_server_loop's or gen_statem_loop's init_it). */
export type InitIt<M, A> = (starter: Pid, parent: Pid | null, name: ServerName | null, mod: M, args: A) => Proc<void>;

/**
 * gen:start: ['error', ['already_started', Pid]] when the name is taken, else spawns init_it
 * through proc_lib (so the process has '$ancestors' and '$initial_call' {Mod, init, 1}) and
 * waits for its ack. Not a generator: it spawns when called and returns the receive of the
 * ack (or a finished Proc), so no generator of its own is made and resumed per start.
 */
export function start<M extends { readonly name?: unknown }, A>(
  init_it: InitIt<M, A>, link: boolean, name: ServerName | null, mod: M, args: A,
): Proc<StartResult> {
  if (name !== null) {
    const w = where(name);
    if (w !== 'undefined') return done<StartResult>(['error', ['already_started', w]]);
  }
  const starter = self();
  const mfa = proc_lib.behaviour_initial_call(mod);
  // init_it itself is the body (no wrapper generator between the scheduler and the loop).
  const parent = link ? starter : null;
  const pid = link
    ? proc_lib.spawn_link_mfa(mfa, init_it, starter, parent, name, mod, args)
    : proc_lib.spawn_mfa(mfa, init_it, starter, parent, name, mod, args);
  // As OTP 25's proc_lib:sync_wait: the ack, or (linked and trapping exits) the EXIT.
  return receive_in([on(['ack', pid, _], acked), on(['EXIT', pid, _], died_starting)]);
}

// The clause bodies, made once (not two closures per start).
function acked(m: readonly [string, Pid, unknown]): StartResult {
  return m[2] as StartResult;
}

function died_starting(m: readonly [string, Pid, unknown]): StartResult {
  return ['error', m[2]];
}

const TIMEOUT = Symbol('gen.timeout');
const FLUSH = ['flush'] as const;

const NO_ARGS: readonly unknown[] = [];

/**
 * gen:do_call: monitor, send, wait for the reply or the DOWN. Exits with the bare reason
 * (noproc, calling_self, timeout, the server's exit reason), or with mod given (a behaviour's
 * call) [Reason, [Mod, 'call', [Server, Request, ...more]]], where more are the caller's
 * further arguments (its timeout when it gave one): done here, so the behaviour's call needs
 * no generator of its own around this one. The clauses have no bodies (the message itself is
 * the result: a reply [Mref, Reply], a DOWN, or 'timeout'), so a call makes no closure.
 */
export function* call(
  server: ServerRef, request: unknown, timeout: number | 'infinity', mod: string | null = null, more: readonly unknown[] = NO_ARGS,
): Proc<unknown> {
  try {
    const pid = resolve(server);
    if (pid === self()) exit('calling_self');
    const mref = monitor('process', pid);
    send(pid, ['$gen_call', [self(), mref], request]);
    const r = timeout === 'infinity'
      ? yield* receive(on([mref, _]), on(['DOWN', mref, _, _, _]))
      : yield* receive(on([mref, _]), on(['DOWN', mref, _, _, _]), after(timeout));
    if (r === 'timeout') {
      demonitor(mref, FLUSH);
      return exit('timeout');
    }
    if (r[0] === 'DOWN') return exit((r as unknown[])[4]);
    demonitor(mref, FLUSH);
    return r[1];
  } catch (e) {
    if (mod !== null && e instanceof ErlangExit) exit([e.reason, [mod, 'call', [server, request, ...more]]]);
    throw e;
  }
}

/**
 * proc_lib:stop: the process runs terminate(reason) and exits; 'ok' when it died with that
 * reason, else the caller exits with the reason it died with (noproc if none).
 */
export function* stop(server: ServerRef, reason: unknown, timeout: number | 'infinity'): Proc<'ok'> {
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
