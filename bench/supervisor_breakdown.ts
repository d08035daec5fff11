// `npm run bench -- supervisor_breakdown [N] [rounds]`: where a supervised start's time goes,
// layer by layer, each layer a loop of N operations in one process (no Erlang peer: the
// side-by-side figures are bench/supervisor.ts's). Per operation: wall us, CPU us (this
// process's user+system, GC threads included) and GC pause us (V8's gc performance entries),
// the median of `rounds` rounds after one warm-up round:
//   spawn_link      spawn_link of a body that waits (the runtime's process creation)
//   spawn_ack       spawn_link, then a receive of the new process's first message
//   proc_lib        proc_lib.start_link + init_ack (a module-level body)
//   gen_start       gen_server.start_link of a server whose init returns ['ok', S]
//   gen_call        gen_server.call round trip to one server (timeout infinity, as start_child's)
//   sofo_start      supervisor.start_child on simple_one_for_one (as bench/supervisor.ts)
//   restart         kill a registered one_for_one child, wait for its restarted init
// The started processes of a round stay alive until its end, as the sofo benchmark's do.
import { PerformanceObserver } from 'perf_hooks';
import {
  run, self, send, receive, on, _, exit, process_flag, spawn_link, whereis, set_crash_logger, Pid, Proc,
} from '../runtime';
import * as gen_server from '../actors/gen_server';
import * as supervisor from '../actors/supervisor';
import * as proc_lib from '../actors/proc_lib';
import { cpu_us } from './_cpu';
import { child as server } from './_sup_child';

let gc_us = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gc_us += e.duration * 1000;
}).observe({ entryTypes: ['gc'] });

function* wait_forever(): Proc<void> {
  yield* receive(on('$never'));
}

function* ack_then_wait(parent: Pid): Proc<void> {
  send(parent, ['ack', self(), 'ok']);
  yield* receive(on('$never'));
}

function* proc_lib_body(): Proc<void> {
  proc_lib.init_ack('ok');
  yield* receive(on('$never'));
}

type Layer = (n: number) => Proc<void>;

const layers: Record<string, Layer> = {
  *spawn_link(n) {
    for (let i = 0; i < n; i++) spawn_link(wait_forever);
  },
  *spawn_ack(n) {
    for (let i = 0; i < n; i++) {
      const p = spawn_link(ack_then_wait, self());
      yield* receive(on(['ack', p, _]));
    }
  },
  *proc_lib(n) {
    for (let i = 0; i < n; i++) yield* proc_lib.start_link(proc_lib_body, []);
  },
  *gen_start(n) {
    for (let i = 0; i < n; i++) yield* gen_server.start_link(server, null);
  },
  *gen_call(n) {
    const [, p] = (yield* gen_server.start_link(server, null)) as ['ok', Pid];
    for (let i = 0; i < n; i++) yield* gen_server.call(p, 'x', 'infinity');
  },
  *sofo_start(n) {
    const spec = { id: 'c', start: [gen_server, 'start_link', [server]] as const };
    const r = yield* supervisor.start_link({ init: () => ['ok', [{ strategy: 'simple_one_for_one' }, [spec]]] }, null);
    const sup = (r as ['ok', Pid])[1];
    for (let i = 0; i < n; i++) yield* supervisor.start_child(sup, [null]);
  },
  *restart(n) {
    const spec = { id: 'c', start: [gen_server, 'start_link', [{ local: 'supervisor_breakdown' }, server, self()]] as const };
    yield* supervisor.start_link({ init: () => ['ok', [{ intensity: n + 10, period: 3600 }, [spec]]] }, null);
    yield* receive(on(['started', _]));
    for (let i = 0; i < n; i++) {
      exit(whereis('supervisor_breakdown') as Pid, 'kill');
      yield* receive(on(['started', _]));
    }
  },
};

interface Sample {
  wall: number;
  cpu: number;
  gc: number;
}

async function round(layer: Layer, n: number): Promise<Sample> {
  // No forced gc() before a round: a full collection throws away optimized code that embeds
  // objects which died (V8's "weak objects" deopts), and the next thousands of operations run
  // in unoptimized code (see RESULTS.md). The previous round's garbage goes as it would.
  await new Promise((r) => setTimeout(r, 10));
  let s: Sample = { wall: 0, cpu: 0, gc: 0 };
  // The round's processes are linked to this one and die with it ('shutdown').
  await run(function* () {
    process_flag('trap_exit', true);
    const [t0, c0, g0] = [process.hrtime.bigint(), cpu_us(), gc_us];
    yield* layer(n);
    // gc entries are observed asynchronously; the pauses are read after the round
    s = { wall: Number(process.hrtime.bigint() - t0) / 1000, cpu: cpu_us() - c0, gc: -g0 };
    exit('shutdown');
  }).catch(() => undefined);
  await new Promise((r) => setTimeout(r, 10));
  s.gc += gc_us;
  return s;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export async function main(args: string[]): Promise<void> {
  const n = Number(args[0] ?? 10_000);
  const rounds = Number(args[1] ?? 5);
  const only = args[2]?.split(',');
  set_crash_logger(() => {});
  for (const [name, layer] of Object.entries(layers)) {
    if (only !== undefined && !only.includes(name)) continue;
    await round(layer, n); // warm-up
    const ss: Sample[] = [];
    for (let i = 0; i < rounds; i++) ss.push(await round(layer, n));
    const f = (k: keyof Sample): string => (median(ss.map((s) => s[k])) / n).toFixed(2);
    console.log(`supervisor_breakdown ${name} n=${n} wall_us=${f('wall')} cpu_us=${f('cpu')} gc_pause_us=${f('gc')}`);
  }
}
