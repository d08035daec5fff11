// dirty_pool: CPU-bound work on piscina threads while other processes keep running.
import * as path from 'path';
import { expect } from 'chai';
import {
  run, spawn, spawn_monitor, self, send, receive, on, after as timeout_after, _, Pid, Proc,
  set_crash_logger, CrashLogger,
} from '../../runtime';
import * as dirty_pool from '../../actors/dirty_pool';

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
});
