// run(): a process as a Promise, for tests, scripts and main(); await_promise(): a process
// waiting for a Promise without blocking the others.
import { Status, WAKE_RESOLVED, WAKE_REJECTED, is_dead } from './process';
import { ProcessKilled } from './exits';
import { ExitError } from './run_error';
import { watch_run } from './never_wakes';
import { running, wake } from './scheduler';
import { spawn } from './spawn';
import { on_exit } from './hooks';
import type { Proc } from './receive';
import { fast_exports } from './fast_exports';

export { ExitError };

/** The value a body returns: a generator body's return value, or a plain function's. */
export type Returned<R> = R extends Generator<unknown, infer X, unknown> ? X : R;

/**
 * Spawns fn(...args) and resolves with what it returns, or rejects with an ExitError carrying
 * the exit reason when it exits abnormally (a normal exit by exit('normal') resolves undefined).
 */
export function run<A extends unknown[], R>(fn: (...args: A) => R, ...args: A): Promise<Returned<R>> {
  return new Promise<Returned<R>>((resolve, reject) => {
    const pid = spawn(fn, ...args);
    const p = pid.proc;
    const unwatch = p === null ? null : watch_run(p, reject);
    on_exit(pid, (reason) => {
      unwatch?.();
      if (reason === 'normal') resolve(p?.ext?.result as Returned<R>);
      else reject(new ExitError(pid.toString(), reason));
    });
  });
}

/** Waits for promise in a process: returns its value, or throws its rejection in the process. */
export function* await_promise<T>(promise: PromiseLike<T> | T): Proc<T> {
  const p = running('await_promise()');
  const seq = ++p.wait_seq;
  Promise.resolve(promise).then(
    (v) => {
      if (p.status === Status.Waiting && p.wait_seq === seq) wake(p, WAKE_RESOLVED, v);
    },
    (e: unknown) => {
      if (p.status === Status.Waiting && p.wait_seq === seq) wake(p, WAKE_REJECTED, e);
    },
  );
  p.wait = null; // messages arriving meanwhile queue up, untested
  p.status = Status.Waiting;
  yield;
  if (is_dead(p)) throw new ProcessKilled();
  const v = p.wake_msg;
  p.wake_msg = undefined;
  if (p.wake === WAKE_REJECTED) throw v;
  return v as T;
}

// Re-exported names leave this module's exports in dictionary mode: see fast_exports.
fast_exports(module.exports as object);
