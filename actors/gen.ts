// What gen_server and gen_statem share, as OTP's gen module holds it for both: starting a
// named or anonymous behaviour process and waiting for its ack, the call protocol, and stop.
import { isDeepStrictEqual } from 'util';
import { receive, on, after, _, send, self, exit, monitor, demonitor, Pid, Proc } from '../runtime';
import { receive_in } from '../runtime/receive';
import { proc_class } from '../runtime/scheduler';
import type { Ref } from '../runtime/terms';
import { Clause } from '../runtime/pattern';
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
  return receive_in([new AckClause(pid)]);
}

// The ack clause's pattern, read only to tell where a process that can never wake waits (its
// test is its own): one object for every start, not an array (not a tagged tuple pattern).
const ACK_PATTERN = Object.freeze({ ack: 'or EXIT of the process started' });

/**
 * The clause a start waits in: ['ack', Pid, Result] or ['EXIT', Pid, Reason] of the process
 * it started, as one test (the same receive as the two clauses: the first message in mailbox
 * order that matches either), with no pattern arrays per start.
 */
class AckClause extends Clause<StartResult, readonly [string, Pid, unknown]> {
  declare readonly pid: Pid;

  constructor(pid: Pid) {
    super(ACK_PATTERN, acked_or_died);
    this.pid = pid;
  }

  override test(m: unknown): boolean {
    if (!Array.isArray(m) || m.length !== 3 || m[1] !== this.pid) return false;
    const tag: unknown = m[0];
    return tag === 'ack' || tag === 'EXIT';
  }

  override needs(_ref: Ref): boolean {
    return false;
  }
}

// The clause's body, made once (not a closure per start).
function acked_or_died(m: readonly [string, Pid, unknown]): StartResult {
  return m[0] === 'ack' ? m[2] as StartResult : ['error', m[2]];
}

const TIMEOUT = Symbol('gen.timeout');
const FLUSH = ['flush'] as const;

const NO_ARGS: readonly unknown[] = [];

// The clause's pattern, read only to tell where a process that can never wake waits (its
// test is its own): one object for every call, and not an array, so receive does not take it
// for a tagged tuple pattern.
const CALL_PATTERN = Object.freeze({ '$gen_call': 'reply or DOWN' });

/**
 * The clause a call waits in: its reply [Mref, Reply] or the server's DOWN for Mref, as one
 * test (one clause matching either is the same receive as the two clauses in that order: the
 * first message in mailbox order that matches either). No pattern arrays per call; the
 * message itself is the result.
 */
class CallReplyClause extends Clause {
  declare readonly mref: Ref;

  constructor(mref: Ref) {
    super(CALL_PATTERN, null);
    this.mref = mref;
  }

  override test(m: unknown): boolean {
    if (!Array.isArray(m)) return false;
    const n = m.length;
    return n === 2 ? m[0] === this.mref : n === 5 && m[0] === 'DOWN' && m[1] === this.mref;
  }

  override needs(ref: Ref): boolean {
    return ref === this.mref;
  }
}

type Iter = Iterator<unknown, unknown, unknown>;

/**
 * gen:do_call: monitor, send, wait for the reply or the DOWN. Exits with the bare reason
 * (noproc, calling_self, timeout, the server's exit reason), or with mod given (a behaviour's
 * call) [Reason, [Mod, 'call', [Server, Request, ...more]]], where more are the caller's
 * further arguments (its timeout when it gave one): done here, so the behaviour's call needs
 * no generator of its own around this one.
 *
 * An object driven as a generator (next/throw/return, as receive's own op is) in place of a
 * generator function: a call is every supervisor.start_child's and gen_server.call's, and the
 * generator object with its frame and try block was a call's largest allocation. It runs as
 * the generator did: nothing happens before the first next(), an exit raised by the call or
 * thrown into its wait is annotated with the call when mod is given.
 */
class CallOp implements Iter {
  declare private state: number; // 0 not started, 1 waiting, 2 done
  declare private inner: Iter | null;
  declare private mref: Ref | null;
  declare private readonly server: ServerRef;
  declare private readonly request: unknown;
  declare private readonly timeout: number | 'infinity';
  declare private readonly mod: string | null;
  declare private readonly more: readonly unknown[];

  constructor(server: ServerRef, request: unknown, timeout: number | 'infinity', mod: string | null, more: readonly unknown[]) {
    this.state = 0;
    this.inner = null;
    this.mref = null;
    this.server = server;
    this.request = request;
    this.timeout = timeout;
    this.mod = mod;
    this.more = more;
  }

  [Symbol.iterator](): this {
    return this;
  }

  next(v?: unknown): IteratorResult<unknown, unknown> {
    if (this.state === 2) return { done: true, value: undefined };
    try {
      if (this.state === 0) return this.waited(this.begin().next());
      return this.waited((this.inner as Iter).next(v));
    } catch (e) {
      return this.raise(e);
    }
  }

  throw(e: unknown): IteratorResult<unknown, unknown> {
    if (this.state !== 1) {
      // As a generator not started or finished: the exception goes out as it is.
      this.state = 2;
      throw e;
    }
    try {
      return this.waited((this.inner as Iter).throw?.(e) ?? raise_in(e));
    } catch (e2) {
      return this.raise(e2);
    }
  }

  return(v?: unknown): IteratorResult<unknown, unknown> {
    const inner = this.inner;
    this.state = 2;
    this.inner = null;
    if (inner !== null) inner.return?.(v);
    return { done: true, value: v };
  }

  /** The call's first step: monitor, send, and the receive to wait in. */
  private begin(): Iter {
    const pid = resolve(this.server);
    if (pid === self()) exit('calling_self');
    const mref = monitor('process', pid);
    send(pid, ['$gen_call', [self(), mref], this.request]);
    const c = new CallReplyClause(mref);
    const timeout = this.timeout;
    const r = (timeout === 'infinity' ? receive_in([c]) : receive_in([c, after(timeout)])) as unknown as Iter;
    this.mref = mref;
    this.inner = r;
    this.state = 1;
    return r;
  }

  /** The wait's step: passed through while it waits, read when it has the message. */
  private waited(r: IteratorResult<unknown, unknown>): IteratorResult<unknown, unknown> {
    if (r.done !== true) return r;
    this.state = 2;
    this.inner = null;
    const m = r.value;
    const mref = this.mref as Ref;
    if (m === 'timeout') {
      demonitor(mref, FLUSH);
      return exit('timeout');
    }
    if ((m as unknown[])[0] === 'DOWN') return exit((m as unknown[])[4]);
    demonitor(mref, FLUSH);
    return { done: true, value: (m as unknown[])[1] };
  }

  /** An exception out of the call: an exit annotated with the call when mod is given. */
  private raise(e: unknown): never {
    this.state = 2;
    this.inner = null;
    const mod = this.mod;
    if (mod !== null && e instanceof ErlangExit) exit([e.reason, [mod, 'call', [this.server, this.request, ...this.more]]]);
    throw e;
  }
}
// The scheduler and yield* drive it as they drive a generator.
proc_class(CallOp);

function raise_in(e: unknown): never {
  throw e;
}

export function call(
  server: ServerRef, request: unknown, timeout: number | 'infinity', mod: string | null = null, more: readonly unknown[] = NO_ARGS,
): Proc<unknown> {
  return new CallOp(server, request, timeout, mod, more) as unknown as Proc<unknown>;
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
