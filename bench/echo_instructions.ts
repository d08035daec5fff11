// `npm run bench -- echo_instructions [--count N] [--only a,b] [--before DIR] [--top K]`: the
// user-space instructions one echo costs the server at one connection, counted by valgrind's
// callgrind: erlsock with the busy-wait at `medium` and with `ERLSOCK_SBWT=none` (its
// default), the echo on erlsock's native layer alone (bench/prim_echo.ts), and Node net.
//
// Each server runs under callgrind on core 1 with instrumentation off. Three connections of
// 15,000 echoes warm it up: the first connection's close and the next one's accept deoptimize
// the hot JS functions once, and after that they stay optimized, so the counted window holds
// no JIT compilation (V8's and libuv's other threads then count next to nothing). Then
// `callgrind_control -i on`, one connection of N echoes (`--count`, 10,000 by default), `-i
// off`, SIGTERM (callgrind writes its files at exit). The figures are the main thread's
// instructions and the other threads' instructions over the window, each divided by the
// echoes; the window also holds that connection's accept and close, spread over the N echoes.
// `--top K` also lists each server's K functions with the most self instructions per echo on
// the main thread (`callgrind_annotate`), its JIT code named from V8's perf map (the servers
// then run with `--perf-basic-prof`).
//
// Why: an instruction count repeats within about 1% from run to run on this noisy machine,
// where times move by more than the changes they are meant to show: this is the A/B measure
// for a change to the echo's hot path (`--before DIR` adds the guide's server from another
// built tree, as `ab` takes it: `before_sbwt_medium`, `before_sbwt_none`). It counts user space only: the
// kernel's work in the syscalls is not in it. And an instruction count is not time: after each
// syscall the caches and the branch predictors are cold, the instructions per cycle low, so a
// change that saves instructions may save less time, or none. Read it beside `echo_path` and
// `ab`, not instead of them. With the busy-wait at medium, the count holds the spin's polls,
// whose number follows timing (here under valgrind's slowdown): for the finest A/B, the
// `_sbwt_none` rows. Needs valgrind (callgrind_control, and callgrind_annotate for
// `--top`); without it, says so and returns.
import { ChildProcess, execFile, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ROOT, SERVER_CORE, buildTools, loadgen, parseOptions, printTable } from './_servers';

interface Server { name: string; script: string; args: string[]; env: Record<string, string> }

interface Counted {
  name: string;
  echoes: number;
  /** Instructions over the counted window: the main thread's, and the other threads' summed. */
  main: number;
  others: number;
  /** With --top: functions by self instructions on the main thread, most first. */
  top: [string, number][];
}

const COMMON = ['--addr', '127.0.0.1', '--port', '0'];
const ECHO_CLI = path.join(ROOT, 'dist', 'examples', 'echo_cli.js');
const NONE = { ERLSOCK_SBWT: 'none' };
const MEDIUM = { ERLSOCK_SBWT: 'medium' };
const SERVERS: Server[] = [
  { name: 'erlsock_sbwt_medium', script: ECHO_CLI, args: ['server', '--quiet', '--backlog', '5', ...COMMON], env: MEDIUM },
  { name: 'erlsock_sbwt_none', script: ECHO_CLI, args: ['server', '--quiet', '--backlog', '5', ...COMMON], env: NONE },
  { name: 'prim_echo', script: path.join(ROOT, 'dist', 'bench', 'prim_echo.js'), args: COMMON, env: {} },
  { name: 'node_net', script: path.join(ROOT, 'dist', 'bench', 'node_net_echo.js'), args: COMMON, env: {} },
];

/** The guide's server of the tree at dir, with the busy-wait at medium and with none. */
function before_servers(dir: string): Server[] {
  const cli = path.join(path.resolve(dir), 'dist', 'examples', 'echo_cli.js');
  return [
    { name: 'before_sbwt_medium', script: cli, args: ['server', '--quiet', '--backlog', '5', ...COMMON], env: MEDIUM },
    { name: 'before_sbwt_none', script: cli, args: ['server', '--quiet', '--backlog', '5', ...COMMON], env: NONE },
  ];
}

const WARM_CONNS = 3;
const WARM_ECHOES = 15000;
const LOADGEN_MS = 600000;

/** Whether an executable named cmd is on the PATH. */
function onPath(cmd: string): boolean {
  return (process.env.PATH ?? '').split(':').some((d) => {
    try {
      fs.accessSync(path.join(d, cmd), fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 28 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')}: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

/** `callgrind_control -i on|off pid`; it prints `OK.` when the run took the command. */
async function instrument(pid: number, on: boolean): Promise<void> {
  const out = await run('callgrind_control', ['-i', on ? 'on' : 'off', String(pid)]);
  if (!out.includes('OK.') || out.includes('Error')) throw new Error(`callgrind_control -i ${on ? 'on' : 'off'} ${pid}: ${out}`);
}

/**
 * Starts a server under callgrind on core 1, instrumentation off, and resolves with its pid
 * and port once it prints `listening <addr> <port>`. taskset and valgrind exec in place, and
 * valgrind runs node in its own process: the child's pid is valgrind's and node's.
 */
function startUnderCallgrind(s: Server, dir: string, perf_map: boolean): Promise<{ child: ChildProcess; pid: number; port: number; stderr(): string }> {
  const argv = ['-c', SERVER_CORE, 'valgrind', '--tool=callgrind', '--instr-atstart=no', '--separate-threads=yes',
    `--callgrind-out-file=${path.join(dir, 'cg.%p')}`, process.execPath, ...(perf_map ? ['--perf-basic-prof'] : []), s.script, ...s.args];
  // The environment goes to taskset, not through `env` under valgrind: valgrind would count
  // env and let the node it execs run uncounted.
  const child = spawn('taskset', argv, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...s.env } });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-8000);
  });
  return new Promise((resolve, reject) => {
    let out = '';
    // Node starts in a few seconds under valgrind; a busy machine may take many more.
    const timer = setTimeout(() => fail(new Error(`${s.name}: no "listening" line within 120 s under valgrind`)), 120000);
    const fail = (e: Error): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${e.message}\n${stderr}`));
    };
    child.on('exit', (code, sig) => fail(new Error(`${s.name} exited early under valgrind (${code ?? sig})`)));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^listening (\S+) (\d+)/m.exec(out);
      if (!m) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      child.stdout!.removeAllListeners('data');
      child.stdout!.resume();
      resolve({ child, pid: child.pid!, port: Number(m[2]), stderr: () => stderr });
    });
  });
}

/** SIGTERM, then waits for the exit, by which callgrind has written its files (SIGKILL after 120 s). */
function stop(child: ChildProcess): Promise<boolean> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(true);
    const kill = setTimeout(() => child.kill('SIGKILL'), 120000);
    child.on('close', (_code, sig) => {
      clearTimeout(kill);
      resolve(sig !== 'SIGKILL');
    });
    child.kill('SIGTERM');
  });
}

/** The `totals:` line of a callgrind file: its instructions (the only event collected). */
function totals(file: string): number {
  const m = /^totals:\s+(\d+)/m.exec(fs.readFileSync(file, 'utf8'));
  if (!m) throw new Error(`${file}: no totals line`);
  return Number(m[1]);
}

/** V8's perf map (`hexstart hexsize name` a line), sorted by start; at equal starts, file order. */
function perfMap(file: string): { start: number; end: number; name: string }[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const ents: { start: number; end: number; name: string }[] = [];
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]+) ([0-9a-f]+) (.*)$/.exec(line);
    if (m) ents.push({ start: parseInt(m[1]!, 16), end: parseInt(m[1]!, 16) + parseInt(m[2]!, 16), name: m[3]! });
  }
  return ents.sort((a, b) => a.start - b.start); // stable: a later entry at the same start wins below
}

/** The map's name for a JIT address: the last entry starting at or below it, if it covers it. */
function jitName(ents: { start: number; end: number; name: string }[], a: number): string {
  let lo = 0, hi = ents.length; // first entry starting above a
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ents[mid]!.start <= a) lo = mid + 1;
    else hi = mid;
  }
  const e = ents[lo - 1];
  return e !== undefined && a < e.end ? `JIT ${e.name}` : `JIT? 0x${a.toString(16)}`;
}

/** Self instructions by function from `callgrind_annotate`, JIT addresses named from the perf map. */
async function topFunctions(file: string, map_file: string, k: number): Promise<[string, number][]> {
  const out = await run('callgrind_annotate', ['--threshold=100', '--auto=no', file]);
  const ents = perfMap(map_file);
  const by_name = new Map<string, number>();
  for (const line of out.split('\n')) {
    const m = /^\s*([\d,]+)\s+\(\s*[\d.]+%\)\s+(.*)$/.exec(line);
    if (!m) continue;
    let name = m[2]!.trim();
    if (name === 'PROGRAM TOTALS') continue;
    const jit = /^\?\?\?:0x([0-9a-f]+)/.exec(name);
    if (jit) name = jitName(ents, parseInt(jit[1]!, 16));
    else name = name.replace(/\s*\[.*\]$/, '').replace(/\?\?\?:/g, '');
    by_name.set(name, (by_name.get(name) ?? 0) + Number(m[1]!.replace(/,/g, '')));
  }
  return [...by_name].sort((a, b) => b[1] - a[1]).slice(0, k);
}

async function count(s: Server, n: number, k: number): Promise<Counted> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `erlsock-echo-instructions-${s.name}-`));
  let map_file: string | undefined;
  try {
    const srv = await startUnderCallgrind(s, dir, k > 0);
    if (k > 0) map_file = `/tmp/perf-${srv.pid}.map`; // V8 writes it there, whatever TMPDIR says
    let result: Record<string, number | string | boolean>;
    let exited = false;
    try {
      const conn = (echoes: number): Promise<Record<string, number | string | boolean>> => loadgen(['pingpong', '--port', String(srv.port),
        '--addr', '127.0.0.1', '--conns', '1', '--warmup', '0', '--duration', String(LOADGEN_MS), '--count', String(echoes)], LOADGEN_MS + 30000);
      for (let w = 0; w < WARM_CONNS; w++) await conn(WARM_ECHOES);
      await instrument(srv.pid, true);
      result = await conn(n);
      await instrument(srv.pid, false);
    } finally {
      exited = await stop(srv.child);
    }
    if (!exited) throw new Error(`${s.name}: did not exit within 120 s of SIGTERM; killed, its counts lost\n${srv.stderr()}`);
    const echoes = Number(result.round_trips);
    const files = fs.readdirSync(dir).map((f) => /^cg\.(\d+)-(\d+)$/.exec(f)).filter((m): m is RegExpExecArray => m !== null && Number(m[1]) === srv.pid);
    const main = files.find((m) => Number(m[2]) === 1);
    if (main === undefined) throw new Error(`${s.name}: no callgrind file for the main thread in ${dir}\n${srv.stderr()}`);
    const others = files.filter((m) => m !== main).reduce((t, m) => t + totals(path.join(dir, m[0])), 0);
    const main_file = path.join(dir, main[0]);
    return {
      name: s.name,
      echoes,
      main: totals(main_file),
      others,
      top: k > 0 ? await topFunctions(main_file, map_file!, k) : [],
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    if (map_file !== undefined) fs.rmSync(map_file, { force: true });
  }
}

export async function main(args: string[]): Promise<void> {
  const opt = parseOptions(args).flags;
  const n = Number(opt.get('count') ?? 10000);
  const k = Number(opt.get('top') ?? 0);
  const before = opt.get('before');
  const only = opt.get('only')?.split(',');
  const all = [...SERVERS, ...(before === undefined ? [] : before_servers(before))];
  for (const name of only ?? []) if (!all.some((s) => s.name === name)) throw new Error(`unknown server ${name}; know ${all.map((s) => s.name).join(',')}`);
  const servers = all.filter((s) => only === undefined || only.includes(s.name));
  const missing = ['valgrind', 'callgrind_control', ...(k > 0 ? ['callgrind_annotate'] : [])].filter((c) => !onPath(c));
  if (missing.length > 0) {
    console.log(`${missing.length > 1 ? `${missing.slice(0, -1).join(', ')} and ${missing[missing.length - 1]}` : missing[0]} not found: no instruction counts (install valgrind)`);
    return;
  }
  buildTools();
  const counted: Counted[] = [];
  for (const s of servers) {
    const c = await count(s, n, k);
    counted.push(c);
    console.log(`${s.name.padEnd(18)} ${c.echoes} echoes counted: ${(c.main / c.echoes).toFixed(0)} instructions per echo on the main thread, ${(c.others / c.echoes).toFixed(1)} on the others`);
  }
  console.log(`\nthe server's user-space instructions per echo at one connection (callgrind, after ${WARM_CONNS} warm-up connections of ${WARM_ECHOES} echoes)`);
  printTable(['server', 'instructions per echo (main thread)', 'other threads per echo', 'echoes'],
    counted.map((c) => [c.name, (c.main / c.echoes).toFixed(0), (c.others / c.echoes).toFixed(1), String(c.echoes)]));
  for (const c of counted.filter((x) => x.top.length > 0)) {
    console.log(`\n${c.name}: the ${c.top.length} functions with the most self instructions per echo on the main thread (JIT code named from V8's perf map)`);
    printTable(['instructions per echo', 'share', 'function'],
      c.top.map(([name, ir]) => [(ir / c.echoes).toFixed(1), `${((100 * ir) / c.main).toFixed(1)}%`, name.length > 150 ? `${name.slice(0, 147)}...` : name]));
  }
}

if (require.main === module) main(process.argv.slice(2)).catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
