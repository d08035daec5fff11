// A Proc that has already finished: `yield* done(v)` is v, with no generator made and none
// resumed. For calls that usually complete at once (a nowait recv, a send that goes out
// whole) and are Procs only because they might wait: they return done(result) on the fast
// path and their waiting generator otherwise.
import { PROC_MARK } from './scheduler';
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
    return this;
  }

  return(v?: unknown): IteratorResult<unknown, unknown> {
    return { done: true, value: v };
  }

  throw(e: unknown): never {
    throw e;
  }
}
(Done.prototype as unknown as Record<symbol, boolean>)[PROC_MARK] = true;

export function done<T>(value: T): Proc<T> {
  return new Done(value) as unknown as Proc<T>;
}
