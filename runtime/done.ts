// A Proc that has already finished: `yield* done(v)` is v, with no generator made and none
// resumed. For calls that usually complete at once (a nowait recv, a send that goes out
// whole) and are Procs only because they might wait: they return done(result) on the fast
// path and their waiting generator otherwise.
import { PROC_MARK, register_undriven, driven } from './scheduler';
import type { Proc } from './receive';

// Its own iterator result as well ({done, value}), as ReceiveOp is: yield* reads both from
// the one object.
class Done<T> {
  readonly done = true;
  constructor(readonly value: T) {}

  [Symbol.iterator](): this {
    return this;
  }

  next(): this {
    driven(this);
    return this;
  }

  return(v?: unknown): IteratorResult<unknown, unknown> {
    driven(this);
    return { done: true, value: v };
  }

  throw(e: unknown): never {
    driven(this);
    throw e;
  }
}
(Done.prototype as unknown as Record<symbol, boolean>)[PROC_MARK] = true;

/**
 * A finished Proc holding value. It too must be driven (see register_undriven): a call
 * whose work happened to complete at once is misused as loudly as one that had to wait.
 * what names the call in that error.
 */
export function done<T>(value: T, what: string | null = null): Proc<T> {
  const d = new Done(value);
  register_undriven(d, what, value);
  return d as unknown as Proc<T>;
}
