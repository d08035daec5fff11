// `npm run bench -- echo_path [--duration MS] [--only a,b] [--before DIR] [--rounds R]
// [--no-probe]`: where one echo's time goes at one connection, on the server's side of the
// round trip. Two views:
//
// - The server's syscalls, timed by the kernel's raw_syscalls tracepoints (`perf record`,
//   nanosecond clock) for one second of each server's echoing: from the wait that returned
//   the message to the write of the reply (what the server adds to the round trip), the read
//   and the write themselves, and from the write back to the next wait. For erlsock with the
//   busy-wait at `medium` and with `ERLSOCK_SBWT=none` (its default), the echo on erlsock's native layer alone
//   (bench/prim_echo.ts), Node net, the C epoll server, and the C server spinning
//   (`echo_epoll --spin`: never sleeps; its CPU per echo is its round trip).
// - Inside erlsock's JS call for a poller batch (bench/_echo_path_probe.ts, preloaded):
//   batch to read, the read, read to write, the write, write to the call's end; for the
//   guide's port and for prim_echo, the same probe in both.
//
// `--before DIR` adds the guide's server from another built tree (as `ab` takes it), with the
// busy-wait at medium and with none (`before_sbwt_medium`, `before_sbwt_none`); `--only` keeps only the
// named rows; `--rounds R` traces every server R times, alternating, and reports each figure's
// median over the rounds: the A/B of a change to the echo path at a resolution of some
// hundredths of a microsecond, where the round-trip medians of `ab` move by microseconds.
//
// The tracepoints and the probe slow what they watch: every figure here is for comparing
// servers measured the same way in one run. Needs `perf` with the syscall tracepoints.
import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ECHO_EPOLL, ROOT, buildTools, loadgen, startCommand, parseOptions, printTable, sleep, perfCanRead } from './_servers';
import { median } from './_native_baseline';

interface Server { name: string; argv: string[] }

const COMMON = ['--addr', '127.0.0.1', '--port', '0'];
const ECHO_CLI = path.join(ROOT, 'dist', 'examples', 'echo_cli.js');
const PRIM_ECHO = path.join(ROOT, 'dist', 'bench', 'prim_echo.js');
const PROBE = path.join(ROOT, 'dist', 'bench', '_echo_path_probe.js');
const NONE = ['env', 'ERLSOCK_SBWT=none'];
const MEDIUM = ['env', 'ERLSOCK_SBWT=medium'];
const SERVERS: Server[] = [
  { name: 'erlsock_sbwt_medium', argv: [...MEDIUM, process.execPath, ECHO_CLI, 'server', '--quiet', '--backlog', '5', ...COMMON] },
  { name: 'erlsock_sbwt_none', argv: [...NONE, process.execPath, ECHO_CLI, 'server', '--quiet', '--backlog', '5', ...COMMON] },
  { name: 'prim_echo', argv: [process.execPath, PRIM_ECHO, ...COMMON] },
  { name: 'node_net', argv: [process.execPath, path.join(ROOT, 'dist', 'bench', 'node_net_echo.js'), ...COMMON] },
  { name: 'c_epoll', argv: [ECHO_EPOLL, ...COMMON] },
  { name: 'c_epoll_spin', argv: [ECHO_EPOLL, ...COMMON, '--spin'] },
];
const PROBED: Server[] = [
  { name: 'erlsock_sbwt_none', argv: [...NONE, process.execPath, '-r', PROBE, ECHO_CLI, 'server', '--quiet', '--backlog', '5', ...COMMON] },
  { name: 'prim_echo', argv: [...NONE, process.execPath, '-r', PROBE, PRIM_ECHO, ...COMMON] },
];

// x86-64 syscall numbers.
const WAITS = new Set([232, 281]); // epoll_wait, epoll_pwait
const READS = new Set([0, 45]); // read, recvfrom
const WRITES = new Set([1, 44]); // write, sendto
const NAMES: Record<number, string> = { 0: 'read', 1: 'write', 7: 'poll', 44: 'sendto', 45: 'recvfrom', 232: 'epoll_wait', 281: 'epoll_pwait' };

interface Timeline {
  echoes: number;
  wake_to_write: number;
  read: number;
  write: number;
  write_to_wait: number;
  per_echo: Map<string, number>;
}

/** The server thread's syscalls in `perf script` lines → the echo's parts, in us. */
function timeline(lines: string[]): Timeline {
  const ev: { tid: number; t: number; enter: boolean; nr: number; ret: number }[] = [];
  for (const l of lines) {
    const m = /^\s*(\d+)\s+([\d.]+):\s+raw_syscalls:sys_(enter|exit):\s+NR (\d+)(?: = (-?\d+))?/.exec(l);
    if (m) ev.push({ tid: Number(m[1]), t: Number(m[2]) * 1e6, enter: m[3] === 'enter', nr: Number(m[4]), ret: Number(m[5] ?? 0) });
  }
  // The loop's thread: the one with the most syscalls (V8's and libuv's helpers make few).
  const per_tid = new Map<number, number>();
  for (const e of ev) per_tid.set(e.tid, (per_tid.get(e.tid) ?? 0) + 1);
  const main = [...per_tid].sort((a, b) => b[1] - a[1])[0]?.[0];
  const mine = ev.filter((e) => e.tid === main);
  const wake: number[] = [], read: number[] = [], write: number[] = [], back: number[] = [];
  const counts = new Map<string, number>();
  let woke = -1, read_at = -1, write_at = -1, wrote = -1;
  for (const e of mine) {
    if (e.enter) {
      const name = NAMES[e.nr] ?? `nr${e.nr}`;
      counts.set(name, (counts.get(name) ?? 0) + 1);
      if (READS.has(e.nr)) read_at = e.t;
      if (WRITES.has(e.nr)) {
        write_at = e.t;
        if (woke >= 0) wake.push(e.t - woke);
        woke = -1;
      }
      if (WAITS.has(e.nr) && wrote >= 0) {
        back.push(e.t - wrote);
        wrote = -1;
      }
    } else {
      if (WAITS.has(e.nr) && e.ret > 0) woke = e.t;
      if (READS.has(e.nr) && e.ret > 0 && read_at >= 0) read.push(e.t - read_at);
      if (WRITES.has(e.nr) && write_at >= 0) {
        write.push(e.t - write_at);
        wrote = e.t;
      }
    }
  }
  const echoes = write.length;
  return {
    echoes,
    wake_to_write: median(wake),
    read: median(read),
    write: median(write),
    write_to_wait: median(back),
    per_echo: new Map([...counts].map(([k, n]) => [k, n / echoes])),
  };
}

/** The guide's server of the tree at dir, with the busy-wait at medium and with none. */
function before_servers(dir: string): Server[] {
  const cli = path.join(path.resolve(dir), 'dist', 'examples', 'echo_cli.js');
  return [
    { name: 'before_sbwt_medium', argv: [...MEDIUM, process.execPath, cli, 'server', '--quiet', '--backlog', '5', ...COMMON] },
    { name: 'before_sbwt_none', argv: [...NONE, process.execPath, cli, 'server', '--quiet', '--backlog', '5', ...COMMON] },
  ];
}

/** Each figure's median over the rounds' timelines of one server. */
function merged(ts: Timeline[]): Timeline {
  const per_echo = new Map<string, number>();
  for (const k of new Set(ts.flatMap((t) => [...t.per_echo.keys()]))) per_echo.set(k, median(ts.map((t) => t.per_echo.get(k) ?? 0)));
  return {
    echoes: ts.reduce((n, t) => n + t.echoes, 0),
    wake_to_write: median(ts.map((t) => t.wake_to_write)),
    read: median(ts.map((t) => t.read)),
    write: median(ts.map((t) => t.write)),
    write_to_wait: median(ts.map((t) => t.write_to_wait)),
    per_echo,
  };
}

async function trace(s: Server, duration: number): Promise<Timeline> {
  const srv = await startCommand(s.name, s.argv);
  const file = path.join(os.tmpdir(), `erlsock-echo-path-${process.pid}-${s.name}.data`);
  try {
    const load = loadgen(['pingpong', '--port', String(srv.port), '--conns', '1', '--warmup', '1000', '--duration', String(duration)], duration + 30000);
    await sleep(1500);
    await new Promise<void>((resolve, reject) => {
      const perf = spawn('perf', ['record', '-q', '-e', 'raw_syscalls:sys_enter', '-e', 'raw_syscalls:sys_exit', '-p', String(srv.pid), '-o', file, '--', 'sleep', '1'], { stdio: 'ignore' });
      perf.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`perf record: ${code}`))));
    });
    await load;
    const out = execFileSync('perf', ['script', '--ns', '-i', file, '-F', 'tid,time,event,trace'], { encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] });
    return timeline(out.split('\n'));
  } finally {
    await srv.stop();
    fs.rmSync(file, { force: true });
  }
}

async function probe(s: Server, duration: number): Promise<Record<string, number>> {
  const srv = await startCommand(s.name, s.argv);
  try {
    await loadgen(['pingpong', '--port', String(srv.port), '--conns', '1', '--warmup', '1000', '--duration', String(duration)], duration + 30000);
  } finally {
    await srv.stop();
  }
  const line = srv.stderr().split('\n').find((l) => l.startsWith('{"echoes"'));
  if (line === undefined) throw new Error(`${s.name}: the probe printed nothing\n${srv.stderr()}`);
  return JSON.parse(line) as Record<string, number>;
}


export async function main(args: string[]): Promise<void> {
  const opt = parseOptions(args).flags;
  const duration = Number(opt.get('duration') ?? 2500);
  const rounds = Number(opt.get('rounds') ?? 1);
  const before = opt.get('before');
  const only = opt.get('only')?.split(',');
  const servers = [...SERVERS, ...(before === undefined ? [] : before_servers(before))]
    .filter((s) => only === undefined || only.includes(s.name));
  buildTools();
  const f = (x: number): string => (Number.isFinite(x) ? x.toFixed(2) : '-');
  if (perfCanRead('raw_syscalls:sys_enter')) {
    const rows: string[][] = [];
    const names = new Set<string>();
    const traced = new Map<string, Timeline[]>(servers.map((s) => [s.name, []]));
    for (let r = 0; r < rounds; r++) {
      for (const s of servers) {
        const t = await trace(s, duration);
        traced.get(s.name)!.push(t);
        console.log(`${s.name.padEnd(18)} ${t.echoes} echoes traced: wake to write ${f(t.wake_to_write)} us, read ${f(t.read)}, write ${f(t.write)}, write to next wait ${f(t.write_to_wait)}`);
      }
    }
    const lines: [string, Timeline][] = [...traced].map(([name, ts]) => [name, merged(ts)]);
    for (const [, t] of lines) for (const k of t.per_echo.keys()) if ((t.per_echo.get(k) ?? 0) >= 0.01) names.add(k);
    const cols = [...names].sort();
    for (const [name, t] of lines) {
      rows.push([name, f(t.wake_to_write), f(t.read), f(t.write), f(t.write_to_wait), ...cols.map((c) => (t.per_echo.get(c) ?? 0).toFixed(2))]);
    }
    console.log(`\nthe server thread's syscalls at one connection, medians in us (raw_syscalls tracepoints${rounds > 1 ? `; each the median of ${rounds} rounds` : ''})`);
    printTable(['server', 'wait returns -> write starts', 'the read', 'the write', 'write ends -> next wait', ...cols.map((c) => `${c} per echo`)], rows);
  } else {
    console.log('perf cannot read the raw_syscalls tracepoints here: no syscall timeline');
  }
  if (opt.has('no-probe')) return;
  const probed: [string, Record<string, number>][] = [];
  for (const s of PROBED) probed.push([s.name, await probe(s, duration)]);
  console.log('\ninside the poller batch\'s JS call, medians in us (bench/_echo_path_probe.ts; no busy-wait)');
  printTable(['server', 'batch -> read', 'the read', 'read -> write', 'the write', 'write -> end of call', 'the whole call', 'echoes'],
    probed.map(([n, p]) => [n, f(p.batch_to_recv!), f(p.recv!), f(p.recv_to_send!), f(p.send!), f(p.send_to_end!), f(p.batch!), String(p.echoes)]));
}

if (require.main === module) main(process.argv.slice(2)).catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
