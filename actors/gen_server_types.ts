// The types of a gen_server callback module: OTP's return tuples as TypeScript tuples.
import type { Pid, Ref, Proc } from '../runtime';

/** A caller's address, as OTP's From = {Pid, Tag}: reply(from, r) sends [tag, r] to pid. */
export type From = [Pid, Ref];

/**
 * What may follow the state in a return: a timeout (handle_info('timeout', S) runs when no
 * message comes), 'hibernate', or ['continue', C] (handle_continue(C, S) runs before any message).
 */
export type Timeout = number | 'infinity' | 'hibernate' | ['continue', unknown];

/** A callback may return its tuple directly or be a generator (to wait, e.g. on sockets). */
export type Ret<T> = T | Proc<T>;

export type InitResult<S> = ['ok', S] | ['ok', S, Timeout] | ['stop', unknown] | 'ignore';
export type NoreplyResult<S> = ['noreply', S] | ['noreply', S, Timeout] | ['stop', unknown, S];
export type CallResult<S> =
  | ['reply', unknown, S]
  | ['reply', unknown, S, Timeout]
  | NoreplyResult<S>
  | ['stop', unknown, unknown, S];

/** A callback module: OTP's gen_server behaviour. handle_info and terminate are optional. */
export interface GenServerModule<A, S> {
  init(args: A): Ret<InitResult<S>>;
  handle_call(request: unknown, from: From, state: S): Ret<CallResult<S>>;
  handle_cast(msg: unknown, state: S): Ret<NoreplyResult<S>>;
  handle_info?(msg: unknown, state: S): Ret<NoreplyResult<S>>;
  terminate?(reason: unknown, state: S): Ret<unknown>;
  /**
   * sys:change_code's callback, on a suspended server: ['ok', NewState] takes the new
   * state; any other return (or a throw's value) is answered as ['error', It].
   */
  code_change?(old_vsn: unknown, state: S, extra: unknown): Ret<['ok', S] | unknown>;
  /** Runs after a return with ['continue', C], before the next message. */
  handle_continue?(c: unknown, state: S): Ret<NoreplyResult<S>>;
  /**
   * OTP 25's format_status/1: what sys:get_status shows of the state (and of the logged
   * events). Gets {state, log} and returns it with the parts to show changed.
   */
  format_status?(status: { state: S; log: unknown[] }): { state?: unknown; log?: unknown[] };
  /** The module's name for '$initial_call' and reports (a JS object has none of its own). */
  readonly name?: string;
}

/** A name registry for {via, Module, Name} (OTP's via modules: global, gproc, a user's own). */
export interface ViaModule {
  register_name(name: unknown, pid: Pid): 'yes' | 'no';
  unregister_name(name: unknown): unknown;
  whereis_name(name: unknown): Pid | 'undefined';
  send(name: unknown, msg: unknown): unknown;
}

export type ViaName = { via: [ViaModule, unknown] };

/** OTP's {global, Name}: a name in the global registry (actors/global.ts), any term. */
export type GlobalName = { global: unknown };

/**
 * A server reference: its pid, its registered name, {global: Name}, {via: [Module, Name]},
 * or [Name, Node] for a process registered on another node.
 */
export type ServerRef = Pid | string | GlobalName | ViaName | [string, string];

/** OTP's start name: {local, Name}, {global, Name} or {via, Module, Name}. */
export type ServerName = { local: string } | GlobalName | ViaName;

export type StartResult = ['ok', Pid] | ['error', unknown] | 'ignore';
