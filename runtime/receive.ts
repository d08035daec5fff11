// Selective receive: the first message in mailbox order that matches any clause (clauses
// tried in order for each message); unmatched messages stay, in order.
import { Clause, Matched, tagged_arity } from './pattern';
import { Process, WaitClause, Status, WAKE_NONE, WAKE_TIMEOUT, MsgNode, mailbox_unlink, is_dead } from './process';
import { ProcessKilled, error } from './exits';
import { running, spend_reduction, is_generator, enqueue, proc_class } from './scheduler';
import { Ref } from './terms';

/** The type of a process body, and of every runtime call that may wait (call it with yield*). */
export type Proc<T = void> = Generator<unknown, T, unknown>;

/** A clause body's result, with a generator body's return value in place of the generator. */
export type BodyResult<R> = R extends Generator<unknown, infer X, unknown> ? X : R;

/** An `after` clause: the timeout of a receive. */
export class After<R = 'timeout'> {
  constructor(
    readonly ms: number,
    readonly body: (() => R) | null,
  ) {}

  /** No message matches an after clause: deliver() tests a receive's clauses, this one included. */
  test(_msg: unknown): boolean {
    return false;
  }
}

/** The receive's after clause (always its last), or null. */
function timeout_of(clauses: AnyClause[]): After<unknown> | null {
  const last = clauses[clauses.length - 1];
  return last instanceof After ? last : null;
}

/** What receive needs of a clause (any Clause<R, M> is one). */
export interface ReceiveClause<R> {
  readonly pattern: unknown;
  test(msg: unknown): boolean;
  needs(ref: Ref): boolean;
  readonly body: ((msg: never) => R) | null;
}

type AnyClause = ReceiveClause<unknown> | After<unknown>;

/** What receive returns for its clauses. */
export type ReceiveResult<C> =
  C extends After<infer R> ? BodyResult<R> : C extends ReceiveClause<infer R> ? BodyResult<R> : never;

/** A receive clause; without a body it returns the matched message. Add a guard with .when(). */
export function on<const P>(pattern: P): Clause<Matched<P>, Matched<P>>;
export function on<const P, R>(pattern: P, body: (msg: Matched<P>) => R): Clause<R, Matched<P>>;
export function on<const P, R>(pattern: P, body?: (msg: Matched<P>) => R): Clause<unknown, Matched<P>> {
  return new Clause<unknown, Matched<P>>(pattern, body ?? null);
}

/** The timeout clause of a receive: ms >= 0 or 'infinity'. Without a body it returns 'timeout'. */
export function after(ms: number | 'infinity'): After<'timeout'>;
export function after<R>(ms: number | 'infinity', body: () => R): After<R>;
export function after<R>(ms: number | 'infinity', body?: () => R): After<unknown> {
  if (ms !== 'infinity' && !(typeof ms === 'number' && ms >= 0 && Number.isFinite(ms))) error('timeout_value');
  return new After<unknown>(ms === 'infinity' ? Infinity : Math.ceil(ms), body ?? null);
}


// setTimeout is looked up at each call, so sinon fake timers drive receive ... after.
const MAX_TIMER = 0x7fffffff; // setTimeout's longest delay; longer waits re-arm

function on_timeout(p: Process, seq: number, deadline: number): void {
  if (p.status !== Status.Waiting || p.wait_seq !== seq || p.wait === null) return;
  // Timers may fire a little early by the wall clock; receive ... after N waits at least N ms.
  const left = deadline - Date.now();
  if (left > 0) {
    p.wait_timer = setTimeout(on_timeout, Math.min(left, MAX_TIMER), p, seq, deadline);
    return;
  }
  p.wait_timer = null;
  p.wait = null;
  p.wake = WAKE_TIMEOUT;
  p.status = Status.Runnable;
  enqueue(p);
}

/** The receive's after clause or null, once every other clause is known to be a Clause. */
function checked_timeout(clauses: AnyClause[]): After<unknown> | null {
  const timeout = timeout_of(clauses);
  const n = clauses.length - (timeout === null ? 0 : 1);
  for (let i = 0; i < n; i++) if (!(clauses[i] instanceof Clause)) error('badarg');
  return timeout;
}

/** The clauses (all but an After) all require ref: messages older than ref cannot match. */
function all_need(clauses: AnyClause[], n: number, ref: Ref): boolean {
  if (n === 0) return false;
  for (let i = 0; i < n; i++) {
    if (!(clauses[i] as ReceiveClause<unknown>).needs(ref)) return false;
  }
  return true;
}

type Iter = Iterator<unknown, unknown, unknown>;


const enum Op {
  Start,
  Scan, // resumed after giving up the rest of the turn
  Waiting,
  Delegating, // running a generator clause body
  Done,
}

/**
 * One receive, as a hand-written iterator rather than a generator: the common case (a
 * message is there, or arrives while waiting) allocates this object and nothing else.
 * `yield*` drives it; return() and throw() reach a generator clause body it is running.
 */
class ReceiveOp implements Iter {
  // The fields are set by init, not by initializers or parameter properties: the constructor
  // then stays under V8's small-function size (27 bytes of bytecode), which is inlined into
  // its caller whatever the caller's inlining budget. A loop that builds a receive per
  // message (the OTP socket idiom) otherwise calls it through the generic construct stub.
  // The op is also its own iterator result ({done, value}): yield* reads both at once, so
  // one object serves every step and a receive allocates nothing else.
  declare done: boolean;
  declare value: unknown;
  private declare state: Op;
  private declare inner: Iter | null;
  private declare clauses: AnyClause[];
  // The clause count is not kept (clauses.length, less one for an after clause): a waiting
  // process holds its op for as long as it waits. The after clause is, as finding it at every
  // scan (an instanceof) cost the ring benchmark 3-5%.
  private declare timeout: After<unknown> | null;

  constructor(clauses: AnyClause[]) {
    ReceiveOp.init(this, clauses);
  }

  /** The fields, in one order for every op (one map); the clauses checked first. */
  private static init(op: ReceiveOp, clauses: AnyClause[]): void {
    const timeout = checked_timeout(clauses);
    op.done = false;
    op.value = undefined;
    op.state = Op.Start;
    op.inner = null;
    op.clauses = clauses;
    op.timeout = timeout;
  }

  [Symbol.iterator](): this {
    return this;
  }

  next(v?: unknown): IteratorResult<unknown, unknown> {
    switch (this.state) {
      case Op.Start: {
        const p = running('receive()');
        if (is_dead(p)) throw new ProcessKilled();
        // A busy process gives the rest of the loop turn to others (and to timers and I/O).
        if (spend_reduction()) {
          this.state = Op.Scan;
          return this as IteratorResult<unknown, unknown>;
        }
        return this.scan(p);
      }
      case Op.Scan:
        return this.scan(running('receive()'));
      case Op.Waiting: {
        const p = running('receive()');
        if (is_dead(p)) throw new ProcessKilled();
        if (p.wake >= 0) {
          const msg = p.wake_msg;
          p.wake_msg = undefined;
          return this.body(p.wake, msg);
        }
        return this.timed_out();
      }
      case Op.Delegating:
        return this.delegate((this.inner as Iter).next(v));
      default:
        return { done: true, value: undefined };
    }
  }

  throw(e: unknown): IteratorResult<unknown, unknown> {
    if (this.state === Op.Delegating) {
      const inner = this.inner as Iter;
      if (inner.throw !== undefined) return this.delegate(inner.throw(e));
    }
    this.state = Op.Done;
    throw e;
  }

  return(v?: unknown): IteratorResult<unknown, unknown> {
    const inner = this.inner;
    this.state = Op.Done;
    this.inner = null;
    if (inner !== null && inner.return !== undefined) inner.return(v);
    return { done: true, value: v };
  }

  private scan(p: Process): IteratorResult<unknown, unknown> {
    const clauses = this.clauses;
    const timeout = this.timeout;
    const n = clauses.length - (timeout === null ? 0 : 1);
    let prev: MsgNode | null = null;
    let node = p.mb_head;
    // The mark helps only a scan that has messages to skip: with an empty mailbox (a process
    // that handles each message as it comes) the clauses are not walked for the ref.
    if (p.mark_ref !== null && node !== null && all_need(clauses, n, p.mark_ref)) {
      prev = p.mark_node;
      node = prev === null ? p.mb_head : prev.next;
    }
    if (n === 1) {
      // The common single-clause receive: one matcher, hoisted out of the loop.
      const c = clauses[0] as ReceiveClause<unknown>;
      const arity = tagged_arity(c.pattern);
      if (arity >= 0) {
        // A tagged array pattern: most messages fail on length or tag, without a call.
        const tag = (c.pattern as unknown[])[0];
        for (; node !== null; prev = node, node = node.next) {
          const m = node.msg;
          if (Array.isArray(m) && m.length === arity && m[0] === tag && c.test(m)) {
            mailbox_unlink(p, prev, node);
            return this.body(0, m);
          }
        }
      } else {
        for (; node !== null; prev = node, node = node.next) {
          if (c.test(node.msg)) {
            mailbox_unlink(p, prev, node);
            return this.body(0, node.msg);
          }
        }
      }
    } else {
      for (; node !== null; prev = node, node = node.next) {
        const msg = node.msg;
        for (let i = 0; i < n; i++) {
          if ((clauses[i] as ReceiveClause<unknown>).test(msg)) {
            mailbox_unlink(p, prev, node);
            return this.body(i, msg);
          }
        }
      }
    }
    if (timeout !== null && timeout.ms === 0) return this.timed_out();
    p.wait = clauses as WaitClause[];
    p.wake = WAKE_NONE;
    p.status = Status.Waiting;
    const seq = ++p.wait_seq;
    if (timeout !== null && timeout.ms !== Infinity) {
      p.wait_timer = setTimeout(on_timeout, Math.min(timeout.ms, MAX_TIMER), p, seq, Date.now() + timeout.ms);
    }
    this.state = Op.Waiting;
    return this as IteratorResult<unknown, unknown>;
  }

  private body(i: number, msg: unknown): IteratorResult<unknown, unknown> {
    const body = (this.clauses[i] as ReceiveClause<unknown>).body;
    // Without a body the message itself is the result: never run as a Proc.
    return body === null ? this.result(msg) : this.finish((body as (m: unknown) => unknown)(msg));
  }

  private timed_out(): IteratorResult<unknown, unknown> {
    const body = (this.timeout as After<unknown>).body;
    return this.finish(body === null ? 'timeout' : body());
  }

  private finish(r: unknown): IteratorResult<unknown, unknown> {
    if (is_generator(r)) {
      this.inner = r;
      this.state = Op.Delegating;
      return this.delegate(r.next());
    }
    return this.result(r);
  }

  private result(r: unknown): IteratorResult<unknown, unknown> {
    this.state = Op.Done;
    this.done = true;
    this.value = r;
    return this as IteratorResult<unknown, unknown>;
  }

  private delegate(r: IteratorResult<unknown, unknown>): IteratorResult<unknown, unknown> {
    if (r.done === true) {
      this.state = Op.Done;
      this.inner = null;
    }
    return r;
  }
}
proc_class(ReceiveOp);

/**
 * receive(clause..., after?): waits for the first message that matches a clause and returns
 * what that clause's body returns (a generator body runs inside the receive, with yield*).
 */
export function receive<C extends AnyClause[]>(...clauses: C): Proc<ReceiveResult<C[number]>> {
  return new ReceiveOp(clauses) as unknown as Proc<ReceiveResult<C[number]>>;
}

/**
 * receive with its clauses given as one array, which the caller may keep and pass again: a
 * loop that waits with the same clauses at every message (a behaviour's) makes no array per
 * receive, and a process waiting in it holds the shared one.
 */
export function receive_in<C extends AnyClause[]>(clauses: C): Proc<ReceiveResult<C[number]>> {
  return new ReceiveOp(clauses) as unknown as Proc<ReceiveResult<C[number]>>;
}
