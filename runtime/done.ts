// A Proc that has already finished: `yield* done(v)` is v, with no generator made and none
// resumed. For calls that usually complete at once (a nowait recv, a send that goes out
// whole) and are Procs only because they might wait: they return done(result) on the fast
// path and their waiting generator otherwise.
import { proc_class, register_undriven, driven } from './scheduler';
import type { Proc } from './receive';

// Its own iterator result as well ({done, value}), as ReceiveOp is: yield* reads both from
// the one object.
class Done<T> {
  // Declared and set by the constructor, in the order the fields had: class fields would
  // make every `new Done` call the class's field initializer first (one per socket call
  // that completes at once).
  declare readonly value: T;
  declare readonly done: true;
  /** register_undriven's number until first driven, then 0. */
  private declare seq: number;
  constructor(value: T, what: string | null) {
    this.value = value;
    this.done = true;
    this.seq = register_undriven(what, value);
  }

  private drive(): void {
    if (this.seq !== 0) {
      driven(this.seq);
      this.seq = 0;
    }
  }

  [Symbol.iterator](): this {
    return this;
  }

  next(): this {
    this.drive();
    return this;
  }

  return(v?: unknown): IteratorResult<unknown, unknown> {
    this.drive();
    return { done: true, value: v };
  }

  throw(e: unknown): never {
    this.drive();
    throw e;
  }
}
proc_class(Done);

/**
 * A finished Proc holding value. It too must be driven (see register_undriven): a call
 * whose work happened to complete at once is misused as loudly as one that had to wait.
 * what names the call in that error.
 */
export function done<T>(value: T, what: string | null = null): Proc<T> {
  return new Done(value, what) as unknown as Proc<T>;
}
