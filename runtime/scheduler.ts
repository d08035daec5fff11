// The scheduler: the current process, the run queue (a ring buffer), message delivery, and
// the loop that resumes generators. Fairness: every step and every receive costs one
// reduction; when a loop turn's budget is spent the scheduler continues in setImmediate,
// so timers and I/O run between slices however busy the processes are.
import { Process, Status, mailbox_append, is_dead, ext } from './process';
import { reason_of, is_quiet_reason } from './exits';
import { report_crash } from './crash_report';
import { terminate, run_finally } from './signals';

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
let deferred: Array<() => void> = [];

/** Puts a runnable process at the end of the run queue, and makes sure the loop will run. */
export function enqueue(p: Process): void {
  rq_push(p);
  if (!draining && !scheduled) schedule();
}

/** Runs fn after the current step, before the next one (never inside the caller's step). */
export function defer(fn: () => void): void {
  deferred.push(fn);
  if (!draining && !scheduled) schedule();
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
export const PROC_MARK: unique symbol = Symbol('erlsock.proc');

/** A generator object, or a runtime Proc such as a receive: something to run with yield*. */
export function is_generator(v: unknown): v is Generator<unknown, unknown, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as (object & { [PROC_MARK]?: boolean }) | null;
  return proto !== null && (Object.getPrototypeOf(proto) === GeneratorPrototype || proto[PROC_MARK] === true);
}

/** Resumes p until it yields, waits, returns or throws. */
function step(p: Process): void {
  if (p.status !== Status.Runnable) return; // killed while queued
  p.status = Status.Running;
  current = p;
  let r: IteratorResult<unknown, unknown>;
  try {
    let gen = p.gen;
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
  } catch (e) {
    current = null;
    if (!is_dead(p)) {
      const reason = reason_of(e);
      if (!is_quiet_reason(reason)) report_crash(p.pid, reason);
      terminate(p, reason);
    }
    return;
  }
  current = null;
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


/** The current process; throws a clear error outside any process. */
export function running(what: string): Process {
  if (current === null) throw new Error(`erlsock: ${what} called outside any process`);
  return current;
}
