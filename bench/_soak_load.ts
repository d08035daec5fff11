// The crash soak's load (not a benchmark: the leading `_`): N Node `net` connections, each
// sending a 64-byte message and waiting for its echo before the next, for a bounded time.
// A connection the server closes (its handler crashed) is counted and replaced at once, so
// the load stays at N. Per-connection round trips are kept for every connection that lived
// through the whole run: those are "the others", whose throughput must not drop.
import * as net from 'net';

export interface LoadResult {
  roundTrips: number;
  seconds: number;
  /** Connections the server closed under the load (one per handler crash). */
  closedByServer: number;
  /** Round trips/s of each connection that was never closed, over the whole run. */
  survivorsPerSecond: number[];
  /**
   * Round trips/s of every connection over its own life (from connect to its close, or to the
   * end), for those that made at least 10: a crash elsewhere must not slow these.
   */
  liveRates: number[];
  /** Of those closes, how many came as a reset (the crashed handler had unread data). */
  resets: number;
}

/**
 * pace: milliseconds between an echo and the next message (0: back to back). Paced, the load
 * stays under what the server can do, so a slower connection means the crashes cost it.
 */
export function pingLoad(port: number, conns: number, durationMs: number, pace = 0): Promise<LoadResult> {
  const msg = Buffer.alloc(64, 0x5a);
  const t0 = Date.now();
  const end = t0 + durationMs;
  let roundTrips = 0;
  let closedByServer = 0;
  let resets = 0;
  const survivors: number[] = [];
  const live: number[] = [];
  let open = 0;
  return new Promise((resolve) => {
    const finish = (): void => {
      if (open > 0) return;
      const seconds = (Date.now() - t0) / 1000;
      resolve({ roundTrips, seconds, closedByServer, survivorsPerSecond: survivors.map((n) => n / seconds), liveRates: live, resets });
    };
    const start = (original: boolean): void => {
      open++;
      let mine = 0;
      let got = 0;
      let stopping = false;
      let born = 0;
      const c = net.connect(port, '127.0.0.1');
      c.setNoDelay(true);
      c.on('connect', () => { born = Date.now(); c.write(msg); });
      c.on('data', (d) => {
        got += d.length;
        while (got >= msg.length) {
          got -= msg.length;
          roundTrips++;
          mine++;
          if (Date.now() >= end) {
            stopping = true;
            if (original) survivors.push(mine);
            c.end();
            return;
          }
          if (pace > 0) setTimeout(() => { if (!c.destroyed) c.write(msg); }, pace);
          else c.write(msg);
        }
      });
      c.on('error', () => { if (!stopping) resets++; });
      c.on('close', () => {
        open--;
        const life = (Date.now() - born) / 1000;
        if (born > 0 && mine >= 10 && life > 0) live.push(mine / life);
        if (!stopping) {
          closedByServer++;
          if (Date.now() < end) start(false);
        }
        finish();
      });
    };
    for (let i = 0; i < conns; i++) start(true);
  });
}
