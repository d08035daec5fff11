// `npm run bench -- self [N] [M] [reps]`: the cost of self() per message. The ring of
// bench/ring.ts with messages [self(), K] against the same ring with ['none', K], in erlsock
// and in Erlang (erl +S 1:1). self() is a plain variable read (no async context), so the
// difference should be within noise.
import { run, spawn, self, send, receive, on, _, Pid, Proc } from '../runtime';
import { erlang_available, run_erlang, fmt } from './_erlang';

const any = on(_);
type Msg = [Pid | 'none', number] | 'stop';

function make(use_self: boolean, k: number): Msg {
  return [use_self ? self() : 'none', k];
}

function* ring_node(next: Pid, use_self: boolean): Proc<void> {
  for (;;) {
    const m = (yield* receive(any)) as Msg;
    if (m === 'stop') {
      send(next, m);
      return;
    }
    send(next, make(use_self, m[1]));
  }
}

function ring_ns_per_msg(n: number, m: number, use_self: boolean): Promise<number> {
  return run(function* () {
    let next = self();
    for (let i = 1; i < n; i++) next = spawn(ring_node, next, use_self);
    const t0 = process.hrtime.bigint();
    send(next, make(use_self, m));
    for (;;) {
      const msg = (yield* receive(any)) as [unknown, number];
      if (msg[1] === 0) break;
      send(next, make(use_self, msg[1] - 1));
    }
    const ns = Number(process.hrtime.bigint() - t0) / (n * m);
    send(next, 'stop');
    yield* receive(on('stop'));
    return ns;
  });
}

export async function main(args: string[]): Promise<void> {
  const [n, m, reps] = [Number(args[0] ?? 1000), Number(args[1] ?? 1000), Number(args[2] ?? 3)];
  await ring_ns_per_msg(n, m, true); // warm-up
  await ring_ns_per_msg(n, m, false);
  let plain = Infinity;
  let with_self = Infinity;
  for (let i = 0; i < reps; i++) {
    plain = Math.min(plain, await ring_ns_per_msg(n, m, false));
    with_self = Math.min(with_self, await ring_ns_per_msg(n, m, true));
  }
  let line = `self plain_ns_per_msg=${fmt(plain)} self_ns_per_msg=${fmt(with_self)} self_cost_ns=${fmt(with_self - plain)}`;
  if (erlang_available()) {
    const e = run_erlang('runtime_bench', ['self', n, m, reps]);
    line +=
      ` erlang_plain_ns_per_msg=${fmt(e.plain_ns_per_msg)} erlang_self_ns_per_msg=${fmt(e.self_ns_per_msg)}` +
      ` ratio=${fmt(with_self / e.self_ns_per_msg)}`;
  } else line += ' erlang=unavailable';
  console.log(line);
}
