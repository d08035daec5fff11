// `npm run bench -- echo_floor [--conns N] [--rounds R] [--duration MS]`: what one echo costs
// each server at one connection (or N), syscall by syscall. Six servers in alternating
// rounds, each fresh, on core 1: erlsock's guide port with the busy-wait at `medium` (BEAM's
// default level), the same with `ERLSOCK_SBWT=none` (erlsock's default), the echo on erlsock's native layer alone (bench/prim_echo.ts:
// the addon's poller and syscalls with one JS handler, no runtime), Node net, the bare C
// epoll server, and the C server waiting the way erlsock's loop did until the poller took
// the loop's sleep (`echo_epoll --nested`: an epoll set watched by another one, as the
// poller's set was watched by libuv's; native/src/poller.cc, "Where the loop sleeps"). Per
// server: CPU per echo over the timed window (and how it splits into user and system time),
// median round trip, and, where `perf` can read the syscall tracepoints, the syscalls each
// echo made. With the kernel-entry cost from bench/c/syscall_baseline.c, this is the floor
// the one-connection figures stand on.
import { spawn } from 'child_process';
import * as path from 'path';
import { ECHO_EPOLL, ROOT, buildTools, loadgen, startCommand, windowCpuUs, cpuTimes, parseOptions, printTable, ratio, RunningServer, perfCanRead } from './_servers';
import { run_baseline, median } from './_native_baseline';

interface Variant { name: string; argv: string[] }
/** One server's figures, one entry per round: CPU per echo (all, user, system), median round trip. */
interface Rounds { cpu: number[]; usr: number[]; sys: number[]; med: number[] }

const COMMON = ['--addr', '127.0.0.1', '--port', '0'];
const ECHO_CLI = path.join(ROOT, 'dist', 'examples', 'echo_cli.js');
const VARIANTS: Variant[] = [
  { name: 'erlsock_sbwt_medium', argv: ['env', 'ERLSOCK_SBWT=medium', process.execPath, ECHO_CLI, 'server', '--quiet', '--backlog', '5', ...COMMON] },
  { name: 'erlsock_sbwt_none', argv: ['env', 'ERLSOCK_SBWT=none', process.execPath, ECHO_CLI, 'server', '--quiet', '--backlog', '5', ...COMMON] },
  { name: 'prim_echo', argv: [process.execPath, path.join(ROOT, 'dist', 'bench', 'prim_echo.js'), ...COMMON] },
  { name: 'node_net', argv: [process.execPath, path.join(ROOT, 'dist', 'bench', 'node_net_echo.js'), ...COMMON] },
  { name: 'c_epoll', argv: [ECHO_EPOLL, ...COMMON] },
  { name: 'c_epoll_nested', argv: [ECHO_EPOLL, ...COMMON, '--nested'] },
];

const SYSCALLS = ['epoll_pwait', 'epoll_wait', 'poll', 'recvfrom', 'sendto', 'read', 'write'];


/** Counts the server's syscalls while `during` runs; per name. */
async function countSyscalls(pid: number, during: () => Promise<number>): Promise<{ counts: Map<string, number>; echoes: number }> {
  const events = SYSCALLS.map((s) => `syscalls:sys_enter_${s}`).join(',');
  const perf = spawn('perf', ['stat', '-x,', '-e', events, '-p', String(pid)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  perf.stderr.on('data', (d: Buffer) => (err += d.toString()));
  await new Promise((r) => setTimeout(r, 300)); // perf attaches
  const echoes = await during();
  const done = new Promise<void>((r) => perf.on('exit', () => r()));
  perf.kill('SIGINT');
  await done;
  const counts = new Map<string, number>();
  for (const line of err.split('\n')) {
    const f = line.split(',');
    const m = /syscalls:sys_enter_(\w+)/.exec(f[2] ?? '');
    if (m && /^\d+$/.test(f[0] ?? '')) counts.set(m[1]!, Number(f[0]));
  }
  return { counts, echoes };
}

export async function main(args: string[]): Promise<void> {
  const opt = parseOptions(args).flags;
  const conns = Number(opt.get('conns') ?? 1);
  const rounds = Number(opt.get('rounds') ?? 3);
  const duration = Number(opt.get('duration') ?? 3000);
  buildTools();
  const figs = new Map<string, Rounds>(VARIANTS.map((v) => [v.name, { cpu: [], usr: [], sys: [], med: [] }]));
  for (let r = 0; r < rounds; r++) {
    for (const v of VARIANTS) {
      const s: RunningServer = await startCommand(v.name, v.argv);
      try {
        const c0 = cpuTimes(s.pid);
        const res = await loadgen(['pingpong', '--port', String(s.port), '--conns', String(conns), '--warmup', '1000',
          '--duration', String(duration), '--cpu-pid', String(s.pid)], duration + 30000);
        const c1 = cpuTimes(s.pid);
        const user = c1.user - c0.user;
        const all = user + c1.sys - c0.sys;
        const whole = (all * 1e6) / Number(res.all_round_trips);
        const us = windowCpuUs(res, whole);
        const f = figs.get(v.name)!;
        f.cpu.push(us);
        // The window's CPU split as the whole run's (warm-up included) splits: /proc gives the
        // window only as a total (the load generator reads it at the window's two ends).
        f.usr.push(all > 0 ? (us * user) / all : NaN);
        f.sys.push(all > 0 ? (us * (all - user)) / all : NaN);
        f.med.push(Number(res.median_us));
        console.log(`${v.name.padEnd(18)} round ${r + 1}: ${us.toFixed(1)} us CPU per echo, median ${Number(res.median_us).toFixed(1)} us`);
      } finally {
        await s.stop();
      }
    }
  }
  const perSyscall = new Map<string, Map<string, number>>();
  if (perfCanRead('syscalls:sys_enter_getppid')) {
    for (const v of VARIANTS) {
      const s = await startCommand(v.name, v.argv);
      try {
        await loadgen(['pingpong', '--port', String(s.port), '--conns', String(conns), '--warmup', '500', '--duration', '500'], 30000);
        const { counts, echoes } = await countSyscalls(s.pid, async () => {
          const res = await loadgen(['pingpong', '--port', String(s.port), '--conns', String(conns), '--warmup', '0', '--duration', '2000'], 30000);
          return Number(res.all_round_trips);
        });
        perSyscall.set(v.name, new Map([...counts].map(([k, n]) => [k, n / echoes])));
      } finally {
        await s.stop();
      }
    }
  } else {
    console.log('perf cannot read the syscall tracepoints here: no syscall counts');
  }
  const k = run_baseline(5, 20000, 1);
  console.log(`\n${conns} connection(s), ${rounds} alternating rounds of ${duration} ms; medians over rounds`);
  const used = SYSCALLS.filter((sc) => [...perSyscall.values()].some((m) => (m.get(sc) ?? 0) >= 0.01));
  printTable(
    ['server', 'CPU us per echo', 'vs Node net', 'of it user', 'of it system', 'median round trip us', ...used.map((s) => `${s} per echo`), 'syscalls per echo'],
    VARIANTS.map((v) => {
      const sc = perSyscall.get(v.name);
      const total = sc ? [...sc.values()].reduce((a, b) => a + b, 0) : NaN;
      const f = figs.get(v.name)!;
      const c = median(f.cpu);
      return [v.name, c.toFixed(1), ratio(c, median(figs.get('node_net')!.cpu)), median(f.usr).toFixed(1), median(f.sys).toFixed(1),
        median(f.med).toFixed(1), ...used.map((s) => (sc?.get(s) ?? 0).toFixed(2)), total.toFixed(2)];
    }),
  );
  console.log(`\nentering the kernel here (C, median of 5 x 20,000): getppid ${k.getppid.toFixed(0)} ns, epoll_wait on an empty set ${k.epoll_empty.toFixed(0)} ns, poll(2) of one idle fd ${k.poll_zero.toFixed(0)} ns`);
}
