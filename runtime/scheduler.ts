// The scheduler: the current process, the run queue (a ring buffer), message delivery, and
// the loop that resumes generators. Fairness: every step and every receive costs one
// reduction; when a loop turn's budget is spent the scheduler continues in setImmediate,
// so timers and I/O run between slices however busy the processes are.
import { Process, Status, WAKE_NONE, mailbox_append, is_dead, ext } from './process';
import { reason_of, is_quiet_reason } from './exits';
import { report_crash } from './crash_report';
import { format_term } from './format';
import { terminate, run_finally } from './signals';
import { tracing } from './trace';
import { on_deliver } from './trace_hooks';

// Captured at load so that tests faking timers (sinon) cannot stop the scheduler; setTimeout
// and clearTimeout are looked up at each call so that fake timers drive receive ... after.
const real_set_immediate = setImmediate;
const real_queue_microtask = queueMicrotask;

/**
 * Reductions per event-loop turn before the scheduler yields to timers and I/O (a turn
 * starts with at least half of them: see the refill in drain).
 */
export const BUDGET = 4000;

let current: Process | null = null;

export function current_process(): Process | null {
  return current;
}

/** Makes p the current process (for running its finally blocks or guards); returns the previous. */
export function set_current(p: Process | null): Process | null {
  const old = current;
  current = p;
  return old;
}

// ---- run queue: a growable ring buffer ----

let rq: Array<Process | undefined> = new Array<Process | undefined>(1024);
let rq_mask = 1023;
let rq_head = 0;
let rq_len = 0;

function rq_push(p: Process): void {
  if (rq_len === rq.length) {
    const bigger = new Array<Process | undefined>(rq.length * 2);
    for (let i = 0; i < rq_len; i++) bigger[i] = rq[(rq_head + i) & rq_mask];
    rq = bigger;
    rq_mask = bigger.length - 1;
    rq_head = 0;
  }
  rq[(rq_head + rq_len) & rq_mask] = p;
  rq_len++;
}

function rq_shift(): Process {
  const p = rq[rq_head] as Process;
  rq[rq_head] = undefined;
  rq_head = (rq_head + 1) & rq_mask;
  rq_len--;
  return p;
}

// ---- when the loop runs ----

let reductions = BUDGET;
let draining = false;
let scheduled = false;
let refill_scheduled = false;
/** An I/O callback's wake-ups are being collected (wake_then_drain): it drains when done. */
let holding = false;
let deferred: Array<() => void> = [];

/** Puts a runnable process at the end of the run queue, and makes sure the loop will run. */
export function enqueue(p: Process): void {
  rq_push(p);
  if (!draining && !scheduled && !holding) schedule();
}

/** Runs fn after the current step, before the next one (never inside the caller's step). */
export function defer(fn: () => void): void {
  deferred.push(fn);
  if (!draining && !scheduled && !holding) schedule();
}

/**
 * fn(a, b, c) wakes processes (an I/O callback delivering messages); then they run here, in
 * the same loop turn, within the budget. While fn runs a wake-up schedules nothing: the drain
 * that follows does the work, where each wake-up would otherwise queue a microtask that
 * finds the run queue already empty (Node's queueMicrotask also makes an AsyncResource each
 * time: at one connection, one per echo). Inside a step, or inside another such call, fn just
 * runs: the drain already under way, or the outer call's, runs what it woke.
 */
export function wake_then_drain<A, B, C>(fn: (a: A, b: B, c: C) => void, a: A, b: B, c: C): void {
  if (holding || draining) {
    fn(a, b, c);
    return;
  }
  holding = true;
  try {
    fn(a, b, c);
  } finally {
    holding = false;
    drain();
  }
}

function schedule(): void {
  scheduled = true;
  if (reductions > 0) real_queue_microtask(drain_task);
  else real_set_immediate(refill_and_drain);
}

function drain_task(): void {
  scheduled = false;
  drain();
}

function refill_and_drain(): void {
  scheduled = false;
  reductions = BUDGET;
  drain();
}

function refill(): void {
  refill_scheduled = false;
  reductions = BUDGET;
}

/** Spends one reduction; true when the turn's budget is used up and the process should yield. */
export function spend_reduction(): boolean {
  return --reductions <= 0;
}

/** Runs the run queue now, within the turn's budget, unless it is already running. */
export function drain(): void {
  if (draining) return;
  if (reductions <= 0) {
    if (!scheduled) {
      scheduled = true;
      real_set_immediate(refill_and_drain);
    }
    return;
  }
  draining = true;
  try {
    if (deferred.length > 0) run_deferred();
    while (rq_len > 0 && reductions > 0) {
      reductions--;
      step(rq_shift());
      if (deferred.length > 0) run_deferred();
    }
  } finally {
    draining = false;
    current = null;
  }
  // The budget is per event-loop turn: refilled once the loop has moved on. Not after
  // every turn, though: a pending immediate keeps libuv from blocking in its next poll, so
  // refilling after each one cost every turn an extra zero-timeout epoll_pwait, an extra
  // loop iteration and an immediate callback (at one connection, one per echo: about a
  // tenth of the server's CPU per echo). A turn therefore starts with between half and all
  // of the budget; a process that spends it still yields to the loop when it runs out.
  if (!refill_scheduled && reductions < BUDGET / 2) {
    refill_scheduled = true;
    real_set_immediate(refill);
  }
  if ((rq_len > 0 || deferred.length > 0) && !scheduled) schedule();
}

function run_deferred(): void {
  const fns = deferred;
  deferred = [];
  for (const fn of fns) {
    try {
      fn();
    } catch (e) {
      process.emitWarning(`erlsock: a deferred runtime callback threw: ${String(e)}`);
    }
  }
}

const GeneratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf((function* () {})())) as object;

/** Marks iterator classes that are runtime Procs without being generators (receive). */
const PROC_MARK: unique symbol = Symbol('erlsock.proc');

/**
 * Makes the instances of an iterator class (next/throw/return) Procs: the scheduler runs one
 * as a process body and yield* drives it, as they do a generator object. For hot paths that
 * would otherwise make a generator object and frame per call (receive's op, gen:call).
 */
export function proc_class(cls: { prototype: object }): void {
  (cls.prototype as Record<symbol, boolean>)[PROC_MARK] = true;
}

/**
 * `v instanceof GeneratorObject` holds for the generator objects of every generator function
 * (each function's prototype inherits from %GeneratorPrototype%). Optimized code tests it by
 * walking the prototype chain's maps; Object.getPrototypeOf, as this test once was, went to
 * V8's runtime twice per call, 220 instructions per echo (bench/RESULTS.md).
 */
function GeneratorObject(): void {}
GeneratorObject.prototype = GeneratorPrototype;

/** A generator object, or a runtime Proc such as a receive: something to run with yield*. */
export function is_generator(v: unknown): v is Generator<unknown, unknown, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  return v instanceof GeneratorObject || (v as { [PROC_MARK]?: boolean })[PROC_MARK] === true;
}

// ---- Procs that must be driven ----
//
// A call that did part of its work when called and left the rest to the Proc it returns (a
// socket send that wrote what fits, then returned the generator that writes the rest) loses
// that rest if the caller forgets `yield*`. Such a Proc is registered here while the caller's
// step runs; driving it (its first next(), throw() or return()) clears it. yield* drives a
// Proc as soon as the call returns, so a Proc still registered when the process next
// suspends or ends, or when another one is registered, was never driven: the process raises.
// One slot is enough: registration and the check happen within one step of one process.

/** The process whose step registered a Proc not driven yet, or null: none is. */
let undriven_owner: Process | null = null;
/** The registration's number: a Proc's driving clears only its own registration. */
let undriven_seq = 0;
/** What made it (a call's name), or null: the error message names it. */
let undriven_what: string | null = null;
/** For a finished Proc: its value, shown in the message. */
let undriven_value: unknown = undefined;

/** Raised in a process that dropped a Proc without driving it. */
export class UndrivenProc extends Error {
  constructor(readonly what: string | null, readonly value: unknown, has_value: boolean) {
    super(
      `erlsock: ${what === null ? 'a call' : `${what}()`} returned a Proc that was never driven with yield*` +
        (has_value ? ` (it had finished, with ${short_value(value)})` : ' (what it had left to do is lost)') +
        `: call it as \`yield* ${what === null ? 'f' : what}(...)\` before the process waits or ends`,
    );
    this.name = 'UndrivenProc';
  }
}

function short_value(v: unknown): string {
  return format_term(v, { depth: 10, chars: 200 });
}

/** register_undriven's value for a Proc that has not finished. */
export const NO_VALUE: unique symbol = Symbol('erlsock.no_value');

/**
 * Registers a Proc just returned to the current process and not driven yet → the number
 * the Proc passes to driven() when it is first driven; 0 outside a process (nothing to
 * track). what names the call; value is a finished Proc's result (NO_VALUE otherwise). The
 * Proc itself is not kept: a finished Proc that yield* drives at once stays a short-lived
 * object V8 need not allocate. A Proc still registered was dropped: raises here, in the
 * caller.
 */
export function register_undriven(what: string | null, value: unknown): number {
  const p = current;
  if (p === null) return 0;
  if (undriven_owner === p) throw undriven_error();
  undriven_owner = p;
  undriven_what = what;
  undriven_value = value;
  return ++undriven_seq;
}

/** The Proc registered as number seq is being driven: it was not dropped. */
export function driven(seq: number): void {
  if (seq === undriven_seq) {
    undriven_owner = null;
    undriven_value = undefined;
  }
}

/**
 * The error for the registered Proc, which is cleared. with_stack: raised where the caller's
 * code is on the stack (a second registration); otherwise the stack would show only the
 * scheduler and whatever I/O callback drove it, so it has none.
 */
function undriven_error(with_stack = true): UndrivenProc {
  const limit = Error.stackTraceLimit;
  if (!with_stack) Error.stackTraceLimit = 0;
  const e = new UndrivenProc(undriven_what, undriven_value, undriven_value !== NO_VALUE);
  Error.stackTraceLimit = limit;
  undriven_owner = null;
  undriven_what = null;
  undriven_value = undefined;
  undriven_seq++;
  return e;
}

/**
 * p's step left a Proc undriven: raise in p. A suspended body gets the error thrown in
 * where it waits (its wait undone), so try/catch sees it and the stack shows where; a body
 * that has ended ends with the error instead.
 */
function raise_undriven(p: Process, gen: Generator<unknown, unknown, unknown> | null, r: IteratorResult<unknown, unknown>): IteratorResult<unknown, unknown> {
  const owner = undriven_owner;
  const e = undriven_error(false);
  if (owner !== p) return r; // registered by a finally block or guard run for another process
  if (r.done === true || gen === null) throw e;
  p.wait = null;
  p.wake = WAKE_NONE;
  p.wait_seq++; // a pending promise or timer of the undone wait no longer wakes it
  if (p.wait_timer !== null) {
    clearTimeout(p.wait_timer);
    p.wait_timer = null;
  }
  p.status = Status.Running;
  current = p;
  return gen.throw(e);
}

/** Resumes p until it yields, waits, returns or throws. */
function step(p: Process): void {
  if (p.status !== Status.Runnable) return; // killed while queued
  p.status = Status.Running;
  p.reds++;
  current = p;
  let r: IteratorResult<unknown, unknown>;
  let gen = p.gen;
  try {
    if (gen === null) {
      const fn = p.init as (...a: unknown[]) => unknown;
      const args = p.args as unknown[];
      p.args = null;
      const v = fn(...args);
      if (is_generator(v)) {
        p.gen = gen = v;
        r = gen.next();
      } else r = { done: true, value: v };
    } else r = gen.next();
    while (undriven_owner !== null && !is_dead(p)) r = raise_undriven(p, gen, r);
  } catch (e) {
    if (undriven_owner !== null) undriven_error(false);
    current = null;
    if (!is_dead(p)) {
      const reason = reason_of(e);
      if (!is_quiet_reason(reason)) report_crash(p.pid, reason);
      terminate(p, reason);
    }
    return;
  }
  current = null;
  if (undriven_owner !== null) undriven_error(false); // it died meanwhile: nothing to raise in
  if (is_dead(p)) {
    // Killed during its step and caught the unwinding: only its finally blocks may run now.
    if (r.done !== true) run_finally(p);
    return;
  }
  if (r.done === true) {
    if (r.value !== undefined) ext(p).result = r.value;
    terminate(p, 'normal');
    return;
  }
  if (p.status === Status.Running) {
    // A plain yield, or a receive that used up the budget: back of the queue.
    p.status = Status.Runnable;
    rq_push(p);
  }
}

// ---- delivery ----

/** Wakes a waiting process with a wake code (clause index, timeout, promise result). */
export function wake(p: Process, code: number, msg: unknown): void {
  p.wait = null;
  p.wake = code;
  p.wake_msg = msg;
  if (p.wait_timer !== null) {
    clearTimeout(p.wait_timer);
    p.wait_timer = null;
  }
  p.status = Status.Runnable;
  enqueue(p);
}

/**
 * Puts msg in p's mailbox. If p waits in a receive, msg is tested against its clauses now:
 * on a match p is woken with it (it never enters the mailbox), otherwise it is appended, and
 * that receive will not test it again.
 */
export function deliver(p: Process, msg: unknown): void {
  if (tracing) on_deliver(p, msg);
  deliver_untraced(p, msg);
}

/** deliver without the trace and mailbox-limit checks (the tracer's own messages). */
export function deliver_untraced(p: Process, msg: unknown): void {
  if (p.status === Status.Waiting) {
    const clauses = p.wait;
    if (clauses !== null) {
      const saved = current;
      current = p; // guards see self() as the receiver
      for (let i = 0; i < clauses.length; i++) {
        if (clauses[i].test(msg)) {
          current = saved;
          wake(p, i, msg);
          return;
        }
      }
      current = saved;
    }
  }
  mailbox_append(p, msg);
}


/** How many processes wait in the run queue (the observer's run-queue length). */
export function run_queue_length(): number {
  return rq_len;
}

/** The current process; throws a clear error outside any process. */
export function running(what: string): Process {
  if (current === null) throw new Error(`erlsock: ${what} called outside any process`);
  return current;
}
