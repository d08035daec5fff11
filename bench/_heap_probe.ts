// Preloaded into a server to look at its heap from outside (`node --expose-gc -r
// dist/bench/_heap_probe.js <server>`); not a benchmark. Signals:
// - SIGUSR2: prints RSS, process.memoryUsage() and V8's heap spaces (size and used, KiB) to
//   stderr, then again after a full GC when --expose-gc is on;
// - SIGWINCH: a full GC, then a heap snapshot in the working directory (its name on stderr).
// bench/_heap_by_constructor.ts sums two such snapshots by constructor.
import * as fs from 'fs';
import * as v8 from 'v8';

const gc = (globalThis as { gc?: () => void }).gc;

function rssKiB(): number {
  const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) : NaN;
}

function report(tag: string): void {
  const m = process.memoryUsage();
  const spaces = v8.getHeapSpaceStatistics().map(
    (s) => `${s.space_name}=${Math.round(s.space_size / 1024)}/${Math.round(s.space_used_size / 1024)}`,
  );
  process.stderr.write(
    `${tag} rss=${rssKiB()}K heapTotal=${m.heapTotal >> 10}K heapUsed=${m.heapUsed >> 10}K ` +
      `external=${m.external >> 10}K arrayBuffers=${m.arrayBuffers >> 10}K spaces(size/used KiB): ${spaces.join(' ')}\n`,
  );
}

process.on('SIGUSR2', () => {
  report('now');
  if (gc) {
    gc();
    report('after-gc');
  }
});

process.on('SIGWINCH', () => {
  gc?.();
  process.stderr.write(`snapshot ${v8.writeHeapSnapshot()}\n`);
});
