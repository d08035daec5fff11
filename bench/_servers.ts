// The echo benchmarks' harness: builds the C tools and the Erlang peer, starts each echo
// server pinned to core 1 and the load generator pinned to core 0, and reads results.
// Not a benchmark itself (the leading `_`): bench/echo.ts, churn.ts and idle.ts use it.
import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** The repository root (this file runs from dist/bench/). */
export const ROOT = path.resolve(__dirname, '..', '..');
/** Build output of the C tools and the Erlang module; gitignored. */
export const OUT = path.join(ROOT, 'bench', 'out');
const LOADGEN = path.join(OUT, 'loadgen');
export const ECHO_EPOLL = path.join(OUT, 'echo_epoll');

export const SERVER_CORE = '1';
export const LOADGEN_CORE = '0';

export type ServerName = 'erlsock' | 'node_net' | 'erlang' | 'c_epoll' | 'erlsock_gen_tcp';
export const ALL_SERVERS: ServerName[] = ['erlsock', 'node_net', 'erlang', 'c_epoll'];
/** Servers run only when named with --servers. */
const EXTRA_SERVERS: ServerName[] = ['erlsock_gen_tcp'];

export const SERVER_LABEL: Record<ServerName, string> = {
  erlsock: 'erlsock (guide example)',
  node_net: 'Node net',
  erlang: 'Erlang (guide example, +S 1:1)',
  c_epoll: 'C epoll (limit)',
  erlsock_gen_tcp: 'erlsock (gen_tcp echo, active once)',
};

export interface ServerOptions {
  nodelay?: boolean;
  /** For erlsock's servers: the built tree to run them from (an earlier checkout); this one by default. */
  root?: string;
}

/** Compiles bench/c/*.c with `cc -O2` and the Erlang peer with erlc into bench/out/. */
export function buildTools(): void {
  fs.mkdirSync(OUT, { recursive: true });
  for (const [src, bin] of [
    ['loadgen.c', LOADGEN],
    ['echo_epoll.c', ECHO_EPOLL],
  ]) {
    execFileSync('cc', ['-O2', '-Wall', '-o', bin, path.join(ROOT, 'bench', 'c', src)], { stdio: 'inherit' });
  }
  execFileSync('erlc', ['-o', OUT, path.join(ROOT, 'bench', 'erl', 'echo_guide.erl')], { stdio: 'inherit' });
}

/** The command line of a named server (listening on 127.0.0.1, a port the kernel picks). */
export function serverArgv(name: ServerName, o: ServerOptions = {}): string[] {
  const common = ['--addr', '127.0.0.1', '--port', '0', ...(o.nodelay ? ['--nodelay'] : [])];
  const echo_cli = path.join(o.root ?? ROOT, 'dist', 'examples', 'echo_cli.js');
  switch (name) {
    case 'erlsock':
      // The CLI's default backlog is 511 (Node's); the Erlang peer runs the guide's listen/1,
      // backlog 5: the same here, like for like.
      return [process.execPath, echo_cli, 'server', '--quiet', '--backlog', '5', ...common];
    case 'node_net':
      return [process.execPath, path.join(ROOT, 'dist', 'bench', 'node_net_echo.js'), ...common];
    case 'erlang':
      return ['erl', '+S', '1:1', '-noshell', '-pa', OUT, '-s', 'echo_guide', 'main', '-extra', 'server', '--quiet', ...common];
    case 'c_epoll':
      return [ECHO_EPOLL, ...common];
    case 'erlsock_gen_tcp':
      return [process.execPath, echo_cli, 'server', '--quiet', '--gen_tcp', '--active', 'once', ...common];
  }
}

export interface RunningServer {
  name: ServerName;
  pid: number;
  port: number;
  stop(): Promise<void>;
}

/** Starts a server on core 1 and resolves once it prints `listening <addr> <port>`. */
export function startServer(name: ServerName, o: ServerOptions = {}): Promise<RunningServer> {
  return startCommand(name, serverArgv(name, o)) as Promise<RunningServer>;
}

/** Starts any server command on core 1, as startServer does (benchmarks with their own peers). */
export function startCommand(name: string, argv: string[]): Promise<RunningServer & { name: string; stderr(): string }> {
  // The soft fd limit goes up to the hard one (20,000 here; the container may not let root go
  // higher), enough for 10,000 idle connections. `exec` keeps one pid from sh to taskset to the server, so /proc/<pid> is the server's.
  const child = spawn('sh', ['-c', `ulimit -n "$(ulimit -Hn)" && exec taskset -c ${SERVER_CORE} "$@"`, 'sh', ...argv], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`${name}: no "listening" line within 20 s`)), 20000);
    const fail = (e: Error): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${e.message}\n${stderr}`));
    };
    child.on('exit', (code, sig) => fail(new Error(`${name} exited early (${code ?? sig})`)));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening (\S+) (\d+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      child.stdout!.removeAllListeners('data');
      child.stdout!.resume(); // keep draining, so a chatty server never blocks on its pipe
      resolve({ name: name as ServerName, pid: child.pid!, port: Number(m[2]), stop: () => stopChild(child), stderr: () => stderr });
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
    // 'close', not 'exit': by then the server's last output has been read too.
    child.on('close', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Runs the load generator on core 0 and returns its JSON result line. */
export function loadgen(args: string[], timeoutMs: number): Promise<Record<string, number | string | boolean>> {
  return new Promise((resolve, reject) => {
    const child = spawn('taskset', ['-c', LOADGEN_CORE, LOADGEN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith('{')) return reject(new Error(`loadgen ${args.join(' ')}: ${code} ${err}`));
      resolve(JSON.parse(line) as Record<string, number | string | boolean>);
    });
  });
}

/** Opens `conns` idle connections, calls `measure` while they are held, then lets them go. */
export function withIdleConnections<T>(port: number, conns: number, measure: () => Promise<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'taskset',
      ['-c', LOADGEN_CORE, LOADGEN, 'idle', '--port', String(port), '--conns', String(conns), '--hold', '120000'],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    let result: T | undefined;
    let measured = false;
    const timer = setTimeout(() => child.kill('SIGKILL'), 180000);
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (measured || !/^ready \d+$/m.test(out)) return;
      measured = true;
      measure().then(
        (r) => {
          result = r;
          child.stdin.end(); // the load generator closes everything and exits
        },
        (e: unknown) => {
          child.kill('SIGKILL');
          reject(e);
        },
      );
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0 && result !== undefined) resolve(result);
      else reject(new Error(`loadgen idle: ${code} ${err}`));
    });
  });
}

/** Resident memory of a process, in KiB, from /proc/<pid>/status. */
export function rssKiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for ${pid}`);
  return Number(m[1]);
}

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/**
 * CPU seconds (user + system, all threads) a process has used, from /proc/<pid>/stat.
 * Throughput suffers when other work shares the cores; CPU time per echo much less so.
 */
export function cpuSeconds(pid: number): number {
  const t = cpuTimes(pid);
  return t.user + t.sys;
}

/** A process's CPU time so far in seconds, user and system apart (/proc/PID/stat). */
export function cpuTimes(pid: number): { user: number; sys: number } {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
  return { user: Number(fields[11]) / CLK_TCK, sys: Number(fields[12]) / CLK_TCK };
}

/**
 * A ping-pong's server CPU per round trip in us: over the timed window when the load
 * generator read it (`--cpu-pid`: window_cpu_s, -1 if it could not), else `whole`, the
 * whole run's figure.
 */
export function windowCpuUs(r: Record<string, number | string | boolean>, whole: number): number {
  const cpu = Number(r.window_cpu_s);
  const n = Number(r.round_trips);
  return cpu >= 0 && n > 0 ? (cpu * 1e6) / n : whole;
}

/** How many descriptors a process has open. */
export function fdCount(pid: number): number {
  return fs.readdirSync(`/proc/${pid}/fd`).length;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** `--servers a,b --foo 3` style options shared by the three benchmarks. */
export function parseOptions(args: string[]): { servers: ServerName[]; flags: Map<string, string> } {
  const flags = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}`);
    const next = args[i + 1];
    if (next === undefined || next.startsWith('--')) flags.set(a.slice(2), 'true');
    else flags.set(a.slice(2), args[++i]);
  }
  const list = flags.get('servers');
  const servers = list ? (list.split(',') as ServerName[]) : ALL_SERVERS;
  for (const s of servers) if (!ALL_SERVERS.includes(s) && !EXTRA_SERVERS.includes(s)) throw new Error(`unknown server ${s}; know ${ALL_SERVERS.join(',')}`);
  return { servers, flags };
}

/** `x.yz×` of a against b, or `-` when either is missing. */
export function ratio(a: number | undefined, b: number | undefined): string {
  if (a === undefined || b === undefined || b === 0) return '-';
  return `${(a / b).toFixed(2)}x`;
}

/** Prints a markdown table (also the format bench/RESULTS.md uses). */
export function printTable(header: string[], rows: string[][]): void {
  console.log(`| ${header.join(' | ')} |`);
  console.log(`|${header.map(() => '---').join('|')}|`);
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
}

/** Whether `perf` can count the tracepoint `event` here (a container may not let it). */
export function perfCanRead(event: string): boolean {
  try {
    execFileSync('perf', ['stat', '-e', event, '-x,', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
