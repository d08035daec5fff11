// `npm run bench -- supervisor [R] [N] [reps]`: the supervisor side by side with Erlang's
// (bench/erl/supervisor_bench.erl under erl +S 1:1):
//   restart: a registered gen_server child of a one_for_one supervisor is killed R times;
//            each time, the microseconds from exit(Pid, 'kill') to the new child's init (which
//            runs once it is registered) telling the benchmark process. Median and p99.
//   sofo:    N gen_server children started with start_child on a simple_one_for_one
//            supervisor: microseconds per child, children per second (best of reps), and
//            heap per child (heap delta after a full GC with the children alive, in a run of
//            its own after the timed ones).
// Supervisor reports are silenced on both sides: they are not what is timed.
// Warm-up: the restart run is preceded by one as long (V8 optimizes the restart path over the
// first thousand or so restarts; BEAM code needs no warming). No forced full GC comes before
// a timed run: on V8 it deoptimizes hot code that embeds objects which died, and the next
// thousands of starts run unoptimized (bench/RESULTS.md, Supervisor); Erlang's
// erlang:garbage_collect() of its benchmark process has no such effect.
import * as v8 from 'v8';
import * as vm from 'vm';
import { run, self, receive, on, _, exit, process_flag, whereis, set_crash_logger, Pid, Proc } from '../runtime';
import * as gen_server from '../actors/gen_server';
import * as supervisor from '../actors/supervisor';
import { erlang_available, run_erlang, fmt } from './_erlang';
import { child } from './_sup_child';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

function now_us(): number {
  return Number(process.hrtime.bigint()) / 1000;
}

function* restart_bench(r: number): Proc<{ median: number; p99: number }> {
  process_flag('trap_exit', true);
  const me = self();
  const spec = { id: 'c', start: [gen_server, 'start_link', [{ local: 'bench_child' }, child, me]] as const };
  const s = yield* supervisor.start_link({ init: () => ['ok', [{ intensity: r + 10, period: 3600 }, [spec]]] }, null);
  const sup = (s as [string, Pid])[1];
  yield* receive(on(['started', _]));
  const ts: number[] = [];
  for (let i = 0; i < r; i++) {
    const p = whereis('bench_child') as Pid;
    const t0 = now_us();
    exit(p, 'kill');
    yield* receive(on(['started', _]));
    ts.push(now_us() - t0);
  }
  exit(sup, 'shutdown');
  yield* receive(on(['EXIT', sup, _]));
  ts.sort((a, b) => a - b);
  return { median: ts[Math.floor(r / 2)], p99: ts[Math.max(0, Math.floor((r * 99) / 100) - 1)] };
}

/** One run of n starts: timed, or (memory) between two full GCs. */
function* sofo_once(n: number, memory: boolean): Proc<{ us: number; bytes: number }> {
  process_flag('trap_exit', true);
  const spec = { id: 'c', start: [gen_server, 'start_link', [child]] as const };
  const s = yield* supervisor.start_link({ init: () => ['ok', [{ strategy: 'simple_one_for_one' }, [spec]]] }, null);
  const sup = (s as [string, Pid])[1];
  if (memory) gc();
  const h0 = process.memoryUsage().heapUsed;
  const t0 = now_us();
  for (let i = 0; i < n; i++) {
    const r = yield* supervisor.start_child(sup, [null]);
    if (r[0] !== 'ok') exit(['start_child_failed', r]);
  }
  const us = now_us() - t0;
  if (memory) gc();
  const bytes = process.memoryUsage().heapUsed - h0;
  exit(sup, 'shutdown');
  yield* receive(on(['EXIT', sup, _]));
  return { us, bytes };
}

export async function main(args: string[]): Promise<void> {
  const [r, n, reps] = [Number(args[0] ?? 1000), Number(args[1] ?? 10_000), Number(args[2] ?? 3)];
  set_crash_logger(() => {});
  await run(restart_bench, r); // warm-up
  const rs = await run(restart_bench, r);
  for (let i = 0; i < 2; i++) await run(sofo_once, n, false); // warm-up: V8 compiles the start path
  let best = { us: Infinity, bytes: Infinity };
  for (let i = 0; i < reps; i++) {
    const x = await run(sofo_once, n, false);
    best = { ...best, us: Math.min(best.us, x.us) };
  }
  best.bytes = (await run(sofo_once, n, true)).bytes;
  let l1 = `supervisor restart kills=${r} restart_median_us=${fmt(rs.median)} restart_p99_us=${fmt(rs.p99)}`;
  let l2 = `supervisor sofo children=${n} us_per_child=${fmt(best.us / n)} children_per_s=${fmt(n / (best.us / 1e6))} bytes_per_child=${fmt(best.bytes / n)}`;
  if (erlang_available()) {
    const e1 = run_erlang('supervisor_bench', ['restart', r]);
    const e2 = run_erlang('supervisor_bench', ['sofo', n, reps]);
    l1 += ` erlang_restart_median_us=${fmt(e1.restart_median_us)} erlang_restart_p99_us=${fmt(e1.restart_p99_us)} time_ratio=${fmt(rs.median / e1.restart_median_us)}`;
    l2 +=
      ` erlang_us_per_child=${fmt(e2.us_per_child)} erlang_children_per_s=${fmt(e2.children_per_s)} erlang_bytes_per_child=${fmt(e2.bytes_per_child)}` +
      ` rate_ratio=${fmt(n / (best.us / 1e6) / e2.children_per_s)} memory_ratio=${fmt(best.bytes / n / e2.bytes_per_child)}`;
  } else {
    l1 += ' erlang=unavailable';
    l2 += ' erlang=unavailable';
  }
  console.log(l1);
  console.log(l2);
}
