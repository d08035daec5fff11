// CPU-heavy work off the event loop, as Erlang's dirty schedulers keep long NIFs off the
// normal ones: tasks run in piscina worker threads while the calling process waits in
// await_promise, so every other process keeps running.
import Piscina from 'piscina';
import { await_promise, error, self, Proc } from '../runtime';
import { on_exit } from '../runtime/hooks';

export interface DirtyPoolOptions {
  /** The worker module (compiled JS); it exports the function that runs one task. */
  filename: string;
  maxThreads?: number;
}

export interface DirtyPool<T, R> {
  /**
   * Runs task on a worker thread; a worker error exits the caller with error ['dirty_error', Message].
   * If the caller dies meanwhile (killed, or through a link when its owner crashes), the task
   * is aborted: a queued one never starts and a running one's worker thread is stopped, so no
   * CPU work runs on for a process that is gone.
   */
  run(task: T): Proc<R>;
  /** Ends the worker threads once queued tasks are done. */
  close(): Promise<void>;
}

function abort_task(_reason: unknown, abort: AbortController): void {
  abort.abort();
}

export function start<T = unknown, R = unknown>(opts: DirtyPoolOptions): DirtyPool<T, R> {
  const pool = new Piscina<T, R>({
    filename: opts.filename,
    // piscina refuses minThreads > maxThreads, and its default minThreads follows the CPU count.
    ...(opts.maxThreads !== undefined ? { maxThreads: opts.maxThreads, minThreads: Math.min(1, opts.maxThreads) } : {}),
  });
  return {
    *run(task: T): Proc<R> {
      const abort = new AbortController();
      const hook = on_exit(self(), abort_task, abort);
      let r: { ok: R } | { err: unknown };
      try {
        // Only the worker's failure is turned into a term (a kill of this process is not).
        r = yield* await_promise(
          pool.run(task, { signal: abort.signal }).then((ok: R) => ({ ok }), (err: unknown) => ({ err })),
        );
      } finally {
        hook.cancel();
      }
      // The worker's exception is a clone from another thread: keep its message as the term.
      if ('err' in r) return error(['dirty_error', r.err instanceof Error ? r.err.message : r.err]);
      return r.ok;
    },
    close: () => pool.close(),
  };
}
