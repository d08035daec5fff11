// A Proc that must be driven: a layer wraps the waiting generator it returns from a call
// that has already done part of its work, so that a caller who forgets `yield*` is told (see
// register_undriven in scheduler.ts) rather than silently losing the rest of that work.
import { proc_class, NO_VALUE, register_undriven, driven } from './scheduler';
import type { Proc } from './receive';

type Iter = Iterator<unknown, unknown, unknown>;

// A hand-written iterator, not a generator delegating with yield*: it costs one call per
// resume of the waiting call, and no generator of its own.
class MustDrive implements Iter {
  /** register_undriven's number until first driven, then 0. */
  private seq: number;
  constructor(private readonly inner: Iter, what: string) {
    this.seq = register_undriven(what, NO_VALUE);
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

  next(v?: unknown): IteratorResult<unknown, unknown> {
    this.drive();
    return this.inner.next(v);
  }

  throw(e: unknown): IteratorResult<unknown, unknown> {
    this.drive();
    if (this.inner.throw === undefined) throw e;
    return this.inner.throw(e);
  }

  return(v?: unknown): IteratorResult<unknown, unknown> {
    this.drive();
    if (this.inner.return === undefined) return { done: true, value: v };
    return this.inner.return(v);
  }
}
proc_class(MustDrive);

/**
 * proc, registered with the calling process as not driven yet; what names the call in the
 * error raised if it never is (e.g. 'socket:send'). Outside a process it is proc itself.
 */
export function must_drive<T>(proc: Proc<T>, what: string): Proc<T> {
  return new MustDrive(proc, what) as unknown as Proc<T>;
}
