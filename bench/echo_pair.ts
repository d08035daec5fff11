// `npm run bench -- echo_pair [--pairs N] [--slice MS] [--peers a,b] [--before DIR] [--size B]`:
// erlsock's guide server against its peers at one connection, in short alternating slices
// with every server running the whole time: the one-connection median round trip and CPU
// per echo as ratios of slices taken side by side.
//
// Why slices. This machine's speed moves in phases that last seconds: the same server's
// one-connection median is 24 us in one and 34 us in the next (bench/RESULTS.md). `echo`
// and `ab` give each server a window of seconds, started fresh, and a ratio of two such
// windows can hold a phase change. Here all the servers listen at once (on core 1; an idle
// one sleeps), and each round gives each a slice of --slice ms (default 400) after a short
// warm-up, on a new connection, in an order that rotates every round so that no server
// always follows another. Each peer's slice is paired with erlsock's of the same round. The
// figures: the median over the rounds of each pair's ratio, and in how many pairs erlsock's
// was the lower. CPU per echo is the server's run time over the timed window, to the
// nanosecond (the load generator reads /proc/PID/task/*/schedstat at the window's two ends).
//
// Peers: node_net, c_epoll (default both), prim_echo (erlsock's native layer alone),
// c_epoll_timeout (the C server sleeping with a 6 s timeout, as a loop with a timer pending
// does; native/src/wait_timer.cc), and `before` with --before DIR (the guide's server from
// another built tree, as `ab` takes it).
import * as path from 'path';
import { ROOT, buildTools, loadgen, startCommand, parseOptions, printTable, serverArgv } from './_servers';
import { median } from './_native_baseline';

function argv_of(name: string, before: string | undefined): string[] {
  switch (name) {
    case 'erlsock':
    case 'node_net':
    case 'c_epoll':
      return serverArgv(name);
    case 'before':
      if (before === undefined) throw new Error('echo_pair: the before peer needs --before DIR (a built erlsock tree)');
      return serverArgv('erlsock', { root: path.resolve(before) });
    case 'prim_echo':
      return [process.execPath, path.join(ROOT, 'dist', 'bench', 'prim_echo.js'), '--addr', '127.0.0.1', '--port', '0'];
    case 'c_epoll_timeout':
      return [...serverArgv('c_epoll'), '--timeout', '6000'];
    default:
      throw new Error(`echo_pair: unknown peer ${name} (node_net, c_epoll, c_epoll_timeout, prim_echo, before)`);
  }
}

interface Slice { med: number; cpu: number }

export async function main(args: string[]): Promise<void> {
  const opt = parseOptions(args).flags;
  const pairs = Number(opt.get('pairs') ?? 20);
  const slice = Number(opt.get('slice') ?? 400);
  const warmup = Number(opt.get('warmup') ?? 100);
  const size = opt.get('size') ?? '64';
  const before = opt.get('before');
  const peers = (opt.get('peers') ?? (before === undefined ? 'node_net,c_epoll' : 'before,node_net')).split(',').filter((s) => s !== '');
  buildTools();
  const names = ['erlsock', ...peers];
  const servers: Awaited<ReturnType<typeof startCommand>>[] = [];
  try {
    for (const n of names) servers.push(await startCommand(n, argv_of(n, before)));
    const one = async (i: number, ms: number, w: number): Promise<Slice> => {
      const s = servers[i]!;
      const r = await loadgen(['pingpong', '--port', String(s.port), '--addr', '127.0.0.1', '--conns', '1', '--size', size,
        '--warmup', String(w), '--duration', String(ms), '--cpu-pid', String(s.pid)], ms + w + 30000);
      const cpu = Number(r.window_cpu_s);
      if (!(cpu >= 0)) throw new Error(`echo_pair: no CPU time for ${s.name} (pid ${s.pid})`);
      return { med: Number(r.median_us), cpu: (cpu * 1e6) / Number(r.round_trips) };
    };
    // Each server's first connections compile its hot paths; and the guide's server
    // deoptimizes them once at the first close and the next accept (echo_instructions).
    for (let i = 0; i < servers.length; i++) for (let c = 0; c < 3; c++) await one(i, 500, 0);
    const got: Slice[][] = names.map(() => []);
    for (let r = 0; r < pairs; r++) {
      for (let k = 0; k < names.length; k++) {
        const i = (r + k) % names.length;
        got[i]!.push(await one(i, slice, warmup));
      }
      console.log(`round ${r + 1}: ` + names.map((n, i) => `${n} ${got[i]![r]!.med.toFixed(2)} us, ${got[i]![r]!.cpu.toFixed(2)} us CPU`).join('; '));
    }
    console.log(`\none connection, ${size}-byte messages, ${pairs} rounds of a ${slice} ms slice per server (after ${warmup} ms),` +
      ' every server listening throughout; ratios are peer / erlsock per round, then their median');
    const e = got[0]!;
    const rows = peers.map((n, j) => {
      const p = got[j + 1]!;
      const med_r = p.map((s, r) => s.med / e[r]!.med);
      const cpu_r = p.map((s, r) => s.cpu / e[r]!.cpu);
      const fewer = (xs: number[]): string => `${xs.filter((x) => x > 1).length}/${xs.length}`;
      return [n, median(p.map((s) => s.med)).toFixed(2), median(med_r).toFixed(3) + 'x', fewer(med_r),
        median(p.map((s) => s.cpu)).toFixed(2), median(cpu_r).toFixed(3) + 'x', fewer(cpu_r)];
    });
    printTable(['server', 'median round trip us', 'vs erlsock', 'rounds erlsock lower', 'CPU us per echo', 'vs erlsock', 'rounds erlsock lower'], [
      ['erlsock', median(e.map((s) => s.med)).toFixed(2), '', '', median(e.map((s) => s.cpu)).toFixed(2), '', ''],
      ...rows,
    ]);
  } finally {
    for (const s of servers) await s.stop();
  }
}
