// Helpers for the example tests: the guide example on real Erlang (bench/erl/echo_guide.erl,
// compiled into a temporary directory), the erlsock command and its erlsock-echo alias as
// child processes, and fd counting. Erlang is required: when `erl` or `erlc` is missing these helpers throw, so the
// interop tests fail rather than skip.
import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** The repository root (this file runs from dist/test/examples/). */
export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const ECHO_CLI = path.join(ROOT, 'dist', 'examples', 'echo_cli.js');
export const ERLSOCK_CLI = path.join(ROOT, 'dist', 'examples', 'cli.js');

let beamDir: string | undefined;

/** Compiles the Erlang guide example once per test run; returns the directory of its .beam. */
export function erlang_example(): string {
  if (beamDir !== undefined) return beamDir;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'erlsock-echo-guide-'));
  execFileSync('erlc', ['-o', dir, path.join(ROOT, 'bench', 'erl', 'echo_guide.erl')], { stdio: 'pipe' });
  beamDir = dir;
  return dir;
}

export interface Child {
  proc: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit status (or the signal's name). */
  exited: Promise<number | string>;
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of live) c.kill('SIGKILL'); // a failed test leaves no child behind
});

/** Any command as a child process, stdout and stderr collected. */
export function start(cmd: string, args: string[]): Child {
  const proc = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(proc);
  let out = '';
  let err = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | string>((resolve, reject) => {
    proc.on('error', reject); // e.g. ENOENT: erl is not installed
    proc.on('exit', (code, sig) => {
      live.delete(proc);
      resolve(code ?? sig ?? -1);
    });
  });
  return { proc, stdout: () => out, stderr: () => err, exited };
}

/**
 * Waits until the child's stdout matches `line` (a RegExp, or a string matched literally);
 * resolves with the match. Kills the child if it does not come within `ms`.
 */
export function ready(c: Child, line: RegExp | string, ms = 15000): Promise<RegExpExecArray> {
  const re = typeof line === 'string' ? new RegExp(line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : line;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      c.proc.kill('SIGKILL');
      reject(new Error(`no ${String(re)} line in ${ms} ms: ${c.stdout()} ${c.stderr()}`));
    }, ms);
    const check = (): void => {
      const m = re.exec(c.stdout());
      if (!m) return;
      clearTimeout(timer);
      c.proc.stdout!.off('data', check);
      resolve(m);
    };
    c.proc.stdout!.on('data', check);
    check(); // it may have printed it already
    c.exited.then(
      (status) => {
        clearTimeout(timer);
        reject(new Error(`exited (${status}) before ${String(re)}: ${c.stdout()} ${c.stderr()}`));
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

/** Waits until the child prints `listening <addr> <port>`; returns the port. */
export async function listening(c: Child, ms = 15000): Promise<number> {
  return Number((await ready(c, /listening \S+ (\d+)/, ms))[1]);
}

/** The guide's server on Erlang: `erl -noshell -s echo_guide main -extra server ...`. */
export function erl_server(addr: string, extra: string[] = []): Child {
  return start('erl', ['+S', '1:1', '-noshell', '-pa', erlang_example(), '-s', 'echo_guide', 'main', '-extra',
    'server', '--addr', addr, '--port', '0', ...extra]);
}

/** The guide's client/3 on Erlang; its exit status is 0 when the echo matched. */
export function erl_client(addr: string, port: number, msg: string): Child {
  return start('erl', ['-noshell', '-pa', erlang_example(), '-s', 'echo_guide', 'main', '-extra',
    'client', '--addr', addr, '--port', String(port), msg]);
}

/** The erlsock-echo CLI (the alias of `erlsock echo`). */
export function cli(args: string[]): Child {
  return start(process.execPath, [ECHO_CLI, ...args]);
}

/** An example's command module (`examples/NAME_cli.ts`) run on its own. */
export function example_cli(name: string, args: string[] = ['--port', '0']): Child {
  return start(process.execPath, [path.join(ROOT, 'dist', 'examples', `${name}_cli.js`), ...args]);
}

/** The erlsock command. */
export function erlsock(args: string[]): Child {
  return start(process.execPath, [ERLSOCK_CLI, ...args]);
}

/** Stops a child with SIGTERM (SIGKILL after 5 s); resolves with its exit status. */
export function stop(c: Child): Promise<number | string> {
  if (c.proc.exitCode === null && c.proc.signalCode === null) {
    c.proc.kill('SIGTERM');
    const t = setTimeout(() => c.proc.kill('SIGKILL'), 5000);
    void c.exited.finally(() => clearTimeout(t));
  }
  return c.exited;
}

/** The listen backlog the kernel holds for 127.0.0.1:port (ss's Send-Q of a LISTEN socket). */
export function kernel_backlog(port: number): number {
  const out = execFileSync('ss', ['-Hltn', `sport = :${port}`], { encoding: 'utf8' });
  const m = /^LISTEN\s+\d+\s+(\d+)\s+127\.0\.0\.1:(\d+)/m.exec(out);
  if (m === null || Number(m[2]) !== port) throw new Error(`no listening socket on 127.0.0.1:${port} in: ${out}`);
  return Number(m[1]);
}

/** How many descriptors this process has open. */
export function fd_count(): number {
  return fs.readdirSync('/proc/self/fd').length;
}
