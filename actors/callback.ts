// Running one gen_server callback as OTP's try_dispatch does: the callback may be a plain
// function or a generator (so it can wait, e.g. on sockets), an Erlang throw (any thrown
// non-Error value) counts as the callback's return value, and any other exception is caught
// with its exit reason so the server can run terminate/2 before it dies.
import type { Proc } from '../runtime';
import { ProcessKilled, reason_of } from '../runtime/exits';
import { done } from '../runtime/done';
import type { Ret } from './gen_server_types';

export type Dispatched<T> = ['ok', T] | ['EXIT', unknown, unknown];

export function is_generator(v: unknown): v is Proc<unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const g = v as { next?: unknown; [Symbol.iterator]?: unknown };
  return typeof g.next === 'function' && typeof g[Symbol.iterator] === 'function';
}

/** Runs fn to its result, waiting inside it when it is a generator. */
export function* apply<T>(fn: () => Ret<T>): Proc<T> {
  const v = fn();
  return is_generator(v) ? ((yield* v) as T) : (v as T);
}

/** A callback's exception as its Dispatched result (a kill is rethrown). */
export function caught<T>(e: unknown): Dispatched<T> {
  if (e instanceof ProcessKilled) throw e;
  if (!(e instanceof Error)) return ['ok', e as T]; // Erlang's throw: a return value
  return ['EXIT', reason_of(e), e];
}

/** Runs a generator callback to its Dispatched result. */
export function* dispatch_gen<T>(g: Proc<T>): Proc<Dispatched<T>> {
  try {
    return ['ok', yield* g];
  } catch (e) {
    return caught<T>(e);
  }
}

/**
 * ['ok', value] or ['EXIT', reason, exception]; a kill of this process is never caught. A
 * plain (non-generator) callback's result is a finished Proc: most callbacks are plain, and
 * a server's every message then makes no generator here.
 */
export function dispatch<T>(fn: () => Ret<T>): Proc<Dispatched<T>> {
  let v: Ret<T>;
  try {
    v = fn();
  } catch (e) {
    return done(caught<T>(e));
  }
  return is_generator(v) ? dispatch_gen(v as Proc<T>) : done<Dispatched<T>>(['ok', v as T]);
}
