// CPU-heavy work off the event loop, as Erlang's dirty schedulers keep long NIFs off the
// normal ones: tasks run in piscina worker threads while the calling process waits in
// await_promise, so every other process keeps running.
import Piscina from 'piscina';
import { await_promise, error, exit, self, Pid, Proc } from '../runtime';
import * as gen_server from './gen_server';
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

/** Each pool's piscina, for the owner's exit hook. */
const threads = new WeakMap<DirtyPool<unknown, unknown>, Piscina>();

function abort_task(_reason: unknown, abort: AbortController): void {
  abort.abort();
}

export function start<T = unknown, R = unknown>(opts: DirtyPoolOptions): DirtyPool<T, R> {
  const pool = new Piscina<T, R>({
    filename: opts.filename,
    // piscina refuses minThreads > maxThreads, and its default minThreads follows the CPU count.
    ...(opts.maxThreads !== undefined ? { maxThreads: opts.maxThreads, minThreads: Math.min(1, opts.maxThreads) } : {}),
  });
  const handle: DirtyPool<T, R> = {
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
  threads.set(handle as DirtyPool<unknown, unknown>, pool as unknown as Piscina);
  return handle;
}

// ---- a pool with an owner process, for a supervision tree ----

interface OwnerState {
  pool: DirtyPool<unknown, unknown>;
}

function destroy_pool(_reason: unknown, pool: Piscina): void {
  // Nobody is left to hear of a failure here; it must not become an unhandled rejection.
  pool.destroy().catch(() => undefined);
}

/** The owner: a gen_server holding the pool. Its death, however it dies, ends the pool's threads. */
const owner: gen_server.GenServerModule<DirtyPoolOptions, OwnerState> = {
  name: 'dirty_pool',
  init(opts) {
    const pool = start(opts);
    on_exit(self(), destroy_pool, threads.get(pool) as Piscina);
    return ['ok', { pool }];
  },
  handle_call: (req, _from, s) => (req === 'pool' ? ['reply', s.pool, s] : ['reply', ['error', 'unknown_call'], s]),
  handle_cast: (_msg, s) => ['noreply', s],
};

/**
 * Starts an owner process for a pool (a supervisor child: start: [dirty_pool, 'start_link',
 * [{local: Name}, Opts]]). When the owner dies (crash, kill, shutdown) its worker threads
 * end, and the supervisor's restart makes a fresh pool.
 */
export function start_link(name: gen_server.ServerName, opts: DirtyPoolOptions): Proc<gen_server.StartResult> {
  return gen_server.start_link(name, owner as gen_server.GenServerModule<DirtyPoolOptions, OwnerState>, opts);
}

/** Runs task on the pool owned by server (a name or pid); exits noproc when there is none. */
export function* run_on<T, R>(server: string | Pid, task: T): Proc<R> {
  const pool = (yield* gen_server.call(server, 'pool')) as DirtyPool<T, R> | unknown;
  if (pool === null || typeof pool !== 'object' || !('run' in pool)) return exit(['bad_pool', pool]);
  return yield* (pool as DirtyPool<T, R>).run(task);
}

/** The module's name, as reports print a child's start {M, F, A}. */
export const name = 'dirty_pool';
