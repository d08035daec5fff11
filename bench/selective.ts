// `npm run bench -- selective [Q] [K] [reps]`: one tagged message found behind Q queued
// unrelated ones, K times: with a plain tag (a linear scan, as in Erlang), and with a Ref
// made after the queued messages (Erlang's ref trick: the scan starts after them), K*1000
// times. Against the same in Erlang (erl +S 1:1).
import { run, self, send, receive, on, make_ref, _, Pid, Proc } from '../runtime';
import { erlang_available, run_erlang, fmt } from './_erlang';

interface SelectiveResult {
  tag_us: number;
  ref_us: number;
}

function* tag_loop(me: Pid, k: number): Proc<void> {
  for (let i = k; i > 0; i--) {
    send(me, ['tag', i]);
    yield* receive(on(['tag', i]));
  }
}

function* ref_loop(me: Pid, k: number): Proc<void> {
  for (let i = k; i > 0; i--) {
    const ref = make_ref();
    send(me, [ref, i]);
    yield* receive(on([ref, _]));
  }
}

function selective_once(q: number, k: number): Promise<SelectiveResult> {
  return run(function* () {
    const me = self();
    for (let i = 1; i <= q; i++) send(me, ['noise', i]);
    let t0 = process.hrtime.bigint();
    yield* tag_loop(me, k);
    const tag_us = Number(process.hrtime.bigint() - t0) / 1000 / k;
    const kr = k * 1000;
    t0 = process.hrtime.bigint();
    yield* ref_loop(me, kr);
    const ref_us = Number(process.hrtime.bigint() - t0) / 1000 / kr;
    return { tag_us, ref_us };
  });
}

export async function main(args: string[]): Promise<void> {
  const [q, k, reps] = [Number(args[0] ?? 10_000), Number(args[1] ?? 1000), Number(args[2] ?? 3)];
  for (let i = 0; i < 3; i++) await selective_once(q, k); // warm-up (JIT)
  const best: SelectiveResult = { tag_us: Infinity, ref_us: Infinity };
  for (let i = 0; i < reps; i++) {
    const r = await selective_once(q, k);
    best.tag_us = Math.min(best.tag_us, r.tag_us);
    best.ref_us = Math.min(best.ref_us, r.ref_us);
  }
  let line = `selective queued=${q} tag_us=${fmt(best.tag_us)} ref_us=${fmt(best.ref_us)}`;
  if (erlang_available()) {
    const e = run_erlang('runtime_bench', ['selective', q, k, reps]);
    line +=
      ` erlang_tag_us=${fmt(e.tag_us)} erlang_ref_us=${fmt(e.ref_us)}` +
      ` tag_ratio=${fmt(best.tag_us / e.tag_us)} ref_ratio=${fmt(best.ref_us / e.ref_us)}`;
  } else line += ' erlang=unavailable';
  console.log(line);
}
