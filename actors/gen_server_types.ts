// The types of a gen_server callback module: OTP's return tuples as TypeScript tuples.
import type { Pid, Ref, Proc } from '../runtime';

/** A caller's address, as OTP's From = {Pid, Tag}: reply(from, r) sends [tag, r] to pid. */
export type From = [Pid, Ref];

/** A server timeout after a return: handle_info('timeout', S) runs when no message comes. */
export type Timeout = number | 'infinity' | 'hibernate';

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
}

/** A server reference: its pid or its registered name. */
/** A pid, a registered name, or [Name, Node] for a process registered on another node. */
export type ServerRef = Pid | string | [string, string];

/** OTP's start name: {local, Name}. */
export type ServerName = { local: string };

export type StartResult = ['ok', Pid] | ['error', unknown] | 'ignore';
