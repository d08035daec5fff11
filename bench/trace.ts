// `npm run bench -- trace [N] [M] [reps]`: the cost of tracing on the message path. The
// ring of bench/ring.ts (N processes, the token M times round) with tracing:
//   off        nothing traced (the one boolean test per send and delivery);
//   sink       the observer's sink listens for procs and sockets events (so the slow path
//              is taken on every send and delivery, but no event is made);
//   all_fn     trace('all', true, ['send', 'receive']) to a function that counts;
//   one_pid    one process of the ring traced (send, receive) to a tracer process.
// Best of reps runs per mode, modes interleaved; CPU ns per message (process.cpuUsage over the
// run, steadier than wall time on a shared machine).
import { run, spawn, send, receive, on, _, trace, add_trace_sink, Pid } from '../runtime';
import { trace_clear } from '../runtime/trace';
import { ring_once } from './ring';
import '../sockets/trace_events'; // defines the 'sockets' flag the observer's sink asks for

type Mode = 'off' | 'sink' | 'all_fn' | 'one_pid';
const MODES: Mode[] = ['off', 'sink', 'all_fn', 'one_pid'];

async function once(mode: Mode, n: number, m: number): Promise<number> {
  let undo = (): void => undefined;
  let tracer: Pid | null = null;
  let count = 0;
  if (mode === 'sink') undo = add_trace_sink(['procs', 'sockets'], () => undefined, ['socket_select']);
  if (mode === 'all_fn') trace('new', true, ['send', 'receive'], { tracer: () => void count++ });
  if (mode === 'one_pid') {
    tracer = await run(function* () {
      return spawn(function* tracer() {
        for (;;) if ((yield* receive(on(_, (x) => x))) === 'stop') return;
      });
    });
    // the first process spawned by the ring is traced
    trace('new', true, ['send', 'receive'], { tracer });
  }
  const c0 = process.cpuUsage();
  try {
    // one_pid: only the first new process; 'new' goes off right after the ring's first spawn
    await ring_once(n, m, mode === 'one_pid' ? () => trace('new', false, ['send', 'receive']) : undefined);
    const c = process.cpuUsage(c0);
    return c.user + c.system;
  } finally {
    undo();
    trace_clear();
    if (tracer !== null) send(tracer, 'stop');
    void count;
  }
}

export async function main(args: string[]): Promise<void> {
  const [n, m, reps] = [Number(args[0] ?? 100), Number(args[1] ?? 2000), Number(args[2] ?? 5)];
  for (const mode of MODES) await once(mode, n, m); // warm-up
  const best = new Map<Mode, number>(MODES.map((x) => [x, Infinity]));
  for (let r = 0; r < reps; r++) for (const mode of MODES) best.set(mode, Math.min(best.get(mode)!, await once(mode, n, m)));
  const msgs = n * m;
  const off = best.get('off')!;
  for (const mode of MODES) {
    const ns = (best.get(mode)! * 1000) / msgs;
    console.log(`trace mode=${mode.padEnd(7)} processes=${n} messages=${msgs} ns_per_msg=${ns.toFixed(1)} vs_off=${(best.get(mode)! / off).toFixed(2)}x`);
  }
}
