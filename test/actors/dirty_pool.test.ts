// dirty_pool: CPU-bound work on piscina threads while other processes keep running.
import * as path from 'path';
import { expect } from 'chai';
import {
  run, spawn, spawn_link, spawn_monitor, self, send, receive, on, after as timeout_after, _, exit, Pid, Proc,
  set_crash_logger, CrashLogger, process_flag, whereis,
} from '../../runtime';
import * as dirty_pool from '../../actors/dirty_pool';
import * as supervisor from '../../actors/supervisor';
import * as gen_server from '../../actors/gen_server';

const WORKER = path.join(__dirname, '_dirty_worker.js');

// Counts the messages it gets, each sent to itself 2 ms after the last, until told to stop.
function* ticker(): Proc<void> {
  let n = 0;
  for (;;) {
    const m = yield* receive(on(['count', _], (x) => x[1] as Pid), timeout_after(2, () => null));
    if (m !== null) {
      send(m, ['ticks', n]);
      return;
    }
    n++;
  }
}

describe('actors/dirty_pool', () => {
  let old: CrashLogger;
  beforeEach(() => (old = set_crash_logger(() => {})));
  afterEach(() => set_crash_logger(old));

  it('runs CPU-bound work off the event loop: another process keeps receiving meanwhile', async () => {
    const pool = dirty_pool.start<{ below: number }, number>({ filename: WORKER, maxThreads: 1 });
    try {
      const r = await run(function* () {
        const t = spawn(ticker);
        const t0 = Date.now();
        const primes = yield* pool.run({ below: 2_000_000 });
        const ms = Date.now() - t0;
        send(t, ['count', self()]);
        const ticks = yield* receive(on(['ticks', _], (m) => m[1] as number), timeout_after(1000));
        return { primes, ms, ticks };
      });
      expect(r.primes).to.equal(148933); // primes below 2,000,000
      // Timeouts of 2 ms kept firing for the whole run: at least one tick per 10 ms of it.
      expect(r.ticks).to.be.at.least(Math.floor(r.ms / 10));
      expect(r.ticks).to.be.at.least(5);
    } finally {
      await pool.close();
    }
  });

  it('a worker error is an error exit the caller can catch, or its exit reason', async () => {
    const pool = dirty_pool.start<{ below: number } | 'fail', number>({ filename: WORKER, maxThreads: 1 });
    try {
      const r = await run(function* () {
        let caught: unknown = 'none';
        try {
          yield* pool.run('fail');
        } catch (e) {
          caught = (e as { reason: unknown }).reason;
        }
        const [, ref] = spawn_monitor(function* () {
          yield* pool.run('fail');
        });
        const down = yield* receive(on(['DOWN', ref, _, _, _], (m) => m[4] as unknown[]), timeout_after(5000));
        const after_error = yield* pool.run({ below: 100 });
        return [caught, (down as unknown[])[0], Array.isArray((down as unknown[])[1]), after_error];
      });
      expect(r).to.deep.equal([['dirty_error', 'worker says no'], ['dirty_error', 'worker says no'], true, 25]);
    } finally {
      await pool.close();
    }
  });

  it('a caller that dies aborts its task: killed, or through a link when its owner crashes', async () => {
    // One thread: if the long tasks ran on after their callers died, the short one would wait ~10 s behind them.
    const pool = dirty_pool.start<{ below: number }, number>({ filename: WORKER, maxThreads: 1 });
    try {
      const r = await run(function* () {
        const [victim, vref] = spawn_monitor(function* () {
          yield* pool.run({ below: 30_000_000 });
        });
        yield* receive(timeout_after(50));
        exit(victim, 'kill');
        const killed = yield* receive(on(['DOWN', vref, _, _, _], (m) => m[4]), timeout_after(1000));
        // An owner whose linked caller is waiting on the pool (queued behind nothing, then running) crashes.
        const [, oref] = spawn_monitor(function* () {
          spawn_link(function* () {
            yield* pool.run({ below: 30_000_000 });
          });
          yield* receive(timeout_after(50));
          exit('owner_crashed');
        });
        const crashed = yield* receive(on(['DOWN', oref, _, _, _], (m) => m[4]), timeout_after(1000));
        const t0 = Date.now();
        const small = yield* pool.run({ below: 100 });
        return { killed, crashed, small, ms: Date.now() - t0 };
      });
      expect([r.killed, r.crashed, r.small]).to.deep.equal(['killed', 'owner_crashed', 25]);
      expect(r.ms).to.be.below(2000);
    } finally {
      await pool.close();
    }
  });

  it('under a supervisor: the owner’s death ends its threads (a task in flight fails), the restart makes a new pool', async () => {
    const r = await run(function* () {
      process_flag('trap_exit', true);
      const spec = { id: 'pool', start: [dirty_pool, 'start_link', [{ local: 'dirty1' }, { filename: WORKER, maxThreads: 1 }]] as const };
      const s = yield* supervisor.start_link({ init: () => ['ok', [{}, [spec]]] }, null);
      const sup = (s as [string, Pid])[1];
      const a = yield* dirty_pool.run_on<{ below: number }, number>('dirty1', { below: 100 });
      const owner1 = whereis('dirty1') as Pid;
      const me = self();
      spawn(function* () {
        try {
          send(me, ['inflight', yield* dirty_pool.run_on<{ below: number }, number>('dirty1', { below: 30_000_000 })]);
        } catch (e) {
          send(me, ['inflight', (e as { reason: unknown }).reason]);
        }
      });
      yield* receive(timeout_after(50));
      exit(owner1, 'kill');
      const inflight = yield* receive(on(['inflight', _], (m) => m[1]), timeout_after(3000));
      yield* receive(timeout_after(20));
      const owner2 = whereis('dirty1');
      const b = yield* dirty_pool.run_on<{ below: number }, number>('dirty1', { below: 100 });
      yield* gen_server.stop(sup);
      return { a, b, restarted: owner2 instanceof Pid && owner2 !== owner1, inflight_failed: Array.isArray(inflight) && inflight[0] === 'dirty_error' };
    });
    expect(r).to.deep.equal({ a: 25, b: 25, restarted: true, inflight_failed: true });
  });
});
