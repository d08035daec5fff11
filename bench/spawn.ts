// `npm run bench -- spawn [N] [reps]`: spawns N processes that each wait in receive, and
// measures the time per spawn (until all have started and wait) and the heap per idle
// process (heap delta after a full GC), against the same in Erlang (erl +S 1:1, where the
// memory is erlang:memory(processes) before and after).
import * as v8 from 'v8';
import * as vm from 'vm';
import { run, spawn, self, send, receive, on, Pid, Proc } from '../runtime';
import { erlang_available, run_erlang, fmt } from './_erlang';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

const stop = on('stop');

function* waiter(): Proc<void> {
  yield* receive(stop);
}

interface SpawnResult {
  us: number;
  bytes: number;
}

/**
 * One run. With measure_memory a full GC runs before and after (heap delta per process);
 * without, the timing is that of a warm heap, as in a long-running server (a forced full
 * GC shrinks V8's young generation, and the next 100,000 spawns pay for growing it again).
 */
function spawn_once(n: number, measure_memory: boolean): Promise<SpawnResult> {
  if (measure_memory) gc();
  const h0 = process.memoryUsage().heapUsed;
  return run(function* () {
    const me = self();
    const t0 = process.hrtime.bigint();
    const pids: Pid[] = new Array<Pid>(n);
    for (let i = 0; i < n; i++) pids[i] = spawn(waiter);
    // The run queue is FIFO: when this one has run, every waiter has started and waits.
    spawn(() => send(me, 'ready'));
    yield* receive(on('ready'));
    const us = Number(process.hrtime.bigint() - t0) / 1000;
    if (measure_memory) gc();
    const bytes = measure_memory ? process.memoryUsage().heapUsed - h0 : NaN;
    for (const p of pids) send(p, 'stop');
    // FIFO again: once this one has run, every waiter has ended, so the next run starts clean.
    spawn(() => send(me, 'ended'));
    yield* receive(on('ended'));
    return { us, bytes };
  });
}

export async function main(args: string[]): Promise<void> {
  const [n, reps] = [Number(args[0] ?? 100_000), Number(args[1] ?? 3)];
  await spawn_once(n, false); // warm-up
  const best: SpawnResult = { us: Infinity, bytes: Infinity };
  for (let i = 0; i < reps; i++) best.us = Math.min(best.us, (await spawn_once(n, false)).us);
  for (let i = 0; i < reps; i++) best.bytes = Math.min(best.bytes, (await spawn_once(n, true)).bytes);
  const us_per = best.us / n;
  const bytes_per = best.bytes / n;
  let line = `spawn processes=${n} us_per_spawn=${fmt(us_per)} bytes_per_process=${fmt(bytes_per)}`;
  if (erlang_available()) {
    const e = run_erlang('runtime_bench', ['spawn', n, reps]);
    line +=
      ` erlang_us_per_spawn=${fmt(e.us_per_spawn)} erlang_bytes_per_process=${fmt(e.bytes_per_process)}` +
      ` time_ratio=${fmt(us_per / e.us_per_spawn)} memory_ratio=${fmt(bytes_per / e.bytes_per_process)}`;
  } else line += ' erlang=unavailable';
  console.log(line);
}
