// A real `erl -sname` node for distribution tests, driven over stdin: each call evaluates
// Erlang expressions in one long-lived shell process (bindings persist) and resolves with
// the result printed by ~w. Every node is killed when the test ends or the runner exits.
import { ChildProcess, spawn } from 'child_process';
import { hostname } from 'os';

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

// Reads a line, evaluates it with the bindings so far, prints "=> Result" (one line).
const REPL =
  'L = fun L(B) -> case io:get_line("") of eof -> halt(); Line -> ' +
  '{ok, Ts, _} = erl_scan:string(Line), {ok, Es} = erl_parse:parse_exprs(Ts), ' +
  '{R, B2} = try {value, V, NB} = erl_eval:exprs(Es, B), {V, NB} catch C:E -> {{caught, C, E}, B} end, ' +
  'io:format("=> ~w~n", [R]), L(B2) end end, L([]).';

export class ErlNode {
  private child: ChildProcess;
  private buf = '';
  private waiters: Array<(line: string) => void> = [];
  readonly exited: Promise<number | null>;

  constructor(
    readonly name: string,
    cookie: string,
    extra: string[] = [],
  ) {
    this.child = spawn('erl', ['-sname', name, '-setcookie', cookie, '-noshell', '-kernel', 'net_ticktime', '4', ...extra, '-eval', REPL], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    live.add(this.child);
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => {
      live.delete(this.child);
      resolve(code);
    }));
    this.child.stdout?.setEncoding('utf8');
    this.child.stdout?.on('data', (d: string) => {
      this.buf += d;
      for (let i = this.buf.indexOf('\n'); i >= 0; i = this.buf.indexOf('\n')) {
        const line = this.buf.slice(0, i);
        this.buf = this.buf.slice(i + 1);
        if (line.startsWith('=> ')) this.waiters.shift()?.(line.slice(3));
      }
    });
  }

  /** Evaluates `expr` (one line, ending with a full stop) and resolves with the ~w of its value. */
  eval(expr: string, timeout_ms = 10000): Promise<string> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`erl ${this.name}: no answer to ${expr}`)), timeout_ms);
      this.waiters.push((line) => {
        clearTimeout(t);
        resolve(line);
      });
      this.child.stdin?.write(expr.replace(/\n/g, ' ') + '\n');
    });
  }

  /** Freezes the node (SIGSTOP): it stops answering and ticking. */
  stop(): void {
    this.child.kill('SIGSTOP');
  }

  kill(): Promise<number | null> {
    this.child.kill('SIGKILL');
    return this.exited;
  }
}

export function short_host(): string {
  return hostname().split('.')[0];
}
