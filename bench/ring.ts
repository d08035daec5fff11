// `npm run bench -- ring [N] [M] [reps]`: N processes in a ring, a token (a bare integer)
// passed M times round (N*M messages), against the same ring in Erlang (erl +S 1:1).
// Best of reps (default 5) runs on each side, after one warm-up run on the Node side.
import { run, spawn, self, send, receive, on, _, Pid, Proc } from '../runtime';
import { erlang_available, run_erlang, fmt } from './_erlang';

const any = on(_);

function* ring_node(next: Pid): Proc<void> {
  for (;;) {
    const m = yield* receive(any);
    send(next, m);
    if (m === 'stop') return;
  }
}

/** One ring run: the microseconds the N*M messages took. */
export function ring_once(n: number, m: number, after_first_spawn?: () => void): Promise<number> {
  return run(function* () {
    let next = self();
    for (let i = 1; i < n; i++) {
      next = spawn(ring_node, next);
      if (i === 1) after_first_spawn?.();
    }
    const t0 = process.hrtime.bigint();
    send(next, m);
    for (;;) {
      const k = (yield* receive(any)) as number;
      if (k === 0) break;
      send(next, k - 1);
    }
    const us = Number(process.hrtime.bigint() - t0) / 1000;
    send(next, 'stop');
    yield* receive(on('stop'));
    return us;
  });
}

export async function main(args: string[]): Promise<void> {
  const [n, m, reps] = [Number(args[0] ?? 1000), Number(args[1] ?? 1000), Number(args[2] ?? 5)];
  await ring_once(n, m); // warm-up (JIT)
  let best = Infinity;
  for (let i = 0; i < reps; i++) best = Math.min(best, await ring_once(n, m));
  const msgs_per_s = (n * m) / (best / 1e6);
  let line = `ring processes=${n} rounds=${m} msgs_per_s=${fmt(msgs_per_s)}`;
  if (erlang_available()) {
    const e = run_erlang('runtime_bench', ['ring', n, m, reps]);
    line += ` erlang_msgs_per_s=${fmt(e.msgs_per_s)} ratio=${fmt(msgs_per_s / e.msgs_per_s)}`;
  } else line += ' erlang=unavailable';
  console.log(line);
}
