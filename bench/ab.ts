// `npm run bench -- ab --before DIR [--conns N] [--rounds R] [--duration MS] [--sbwt LEVEL]
// [--size B] [--nodelay]`: the guide's echo server built from another tree (DIR: a checkout
// of an earlier commit, built there with `npm ci && npx tsc -p .`) against this tree's, in
// alternating rounds, each server fresh, on core 1: server CPU per echo over the timed
// window and the median round trip, per round and as medians, with this tree's over the
// other's. On a machine whose speed moves from minute to minute, the rounds' B/A ratios are
// the figure; the absolute values carry the minute. `--sbwt` sets ERLSOCK_SBWT for both.
import * as path from 'path';
import { ROOT, buildTools, loadgen, startCommand, windowCpuUs, parseOptions, printTable, serverArgv } from './_servers';
import { median } from './_native_baseline';

export async function main(args: string[]): Promise<void> {
  const opt = parseOptions(args).flags;
  const before = opt.get('before');
  if (before === undefined) throw new Error('ab: --before DIR (a built erlsock tree) is required');
  const conns = Number(opt.get('conns') ?? 1);
  const rounds = Number(opt.get('rounds') ?? 6);
  const duration = Number(opt.get('duration') ?? 2000);
  const size = opt.get('size');
  const nodelay = opt.has('nodelay');
  const sbwt = opt.get('sbwt');
  buildTools();
  const trees: [string, string][] = [['A', path.resolve(before)], ['B', ROOT]];
  const figs = new Map(trees.map(([n]) => [n, { cpu: [] as number[], med: [] as number[] }]));
  for (let r = 0; r < rounds; r++) {
    for (const [name, dir] of trees) {
      const argv = serverArgv('erlsock', { root: dir, nodelay });
      const s = await startCommand(name, sbwt === undefined ? argv : ['env', `ERLSOCK_SBWT=${sbwt}`, ...argv]);
      try {
        const res = await loadgen(['pingpong', '--port', String(s.port), '--conns', String(conns), '--warmup', '1000',
          '--duration', String(duration), '--cpu-pid', String(s.pid), ...(size ? ['--size', size] : []), ...(nodelay ? ['--nodelay'] : [])],
        duration + 30000);
        const us = windowCpuUs(res, NaN);
        figs.get(name)!.cpu.push(us);
        figs.get(name)!.med.push(Number(res.median_us));
        console.log(`${name} round ${r + 1}: ${us.toFixed(1)} us CPU per echo, median ${Number(res.median_us).toFixed(1)} us`);
      } finally {
        await s.stop();
      }
    }
  }
  const a = figs.get('A')!;
  const b = figs.get('B')!;
  console.log(`\n${conns} connection(s), ${rounds} alternating rounds of ${duration} ms; A = ${trees[0]![1]}, B = ${ROOT}`);
  printTable(['', 'A CPU us per echo', 'B CPU us per echo', 'B / A', 'A median us', 'B median us', 'B / A'], [
    ...a.cpu.map((_, i) => [`round ${i + 1}`, a.cpu[i]!.toFixed(1), b.cpu[i]!.toFixed(1), (b.cpu[i]! / a.cpu[i]!).toFixed(2),
      a.med[i]!.toFixed(1), b.med[i]!.toFixed(1), (b.med[i]! / a.med[i]!).toFixed(2)]),
    ['median', median(a.cpu).toFixed(1), median(b.cpu).toFixed(1), (median(b.cpu) / median(a.cpu)).toFixed(2),
      median(a.med).toFixed(1), median(b.med).toFixed(1), (median(b.med) / median(a.med)).toFixed(2)],
  ]);
}
