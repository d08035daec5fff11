// Runs an Erlang peer of a benchmark: compiles bench/erl/<module>.erl into bench/out/ with
// erlc, runs `erl +S 1:1 -noshell -pa bench/out -run <module> main <args> -s init stop`
// (one scheduler, as the single-threaded Node side has), and reads its `result k=v ...`
// line. Not a benchmark itself (the leading `_`); other benchmarks may import it.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
const OUT = path.join(ROOT, 'bench', 'out');

/** Whether `erl` and `erlc` are on the PATH. */
export function erlang_available(): boolean {
  try {
    execFileSync('erl', ['-noshell', '-eval', 'halt().'], { stdio: 'ignore', timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

/** Compiles bench/erl/<module>.erl into bench/out/ when the .beam is missing or older. */
export function compile_erlang(module: string): void {
  const src = path.join(ROOT, 'bench', 'erl', `${module}.erl`);
  const beam = path.join(OUT, `${module}.beam`);
  fs.mkdirSync(OUT, { recursive: true });
  if (fs.existsSync(beam) && fs.statSync(beam).mtimeMs >= fs.statSync(src).mtimeMs) return;
  execFileSync('erlc', ['-o', OUT, src], { stdio: 'inherit' });
}

/** Runs <module>:main([args]) under `erl +S 1:1` and returns the fields of its result line. */
export function run_erlang(module: string, args: Array<string | number>, timeout_ms = 600_000): Record<string, number> {
  compile_erlang(module);
  const out = execFileSync(
    'erl',
    ['+S', '1:1', '-noshell', '-pa', OUT, '-run', module, 'main', ...args.map(String), '-s', 'init', 'stop'],
    { encoding: 'utf8', timeout: timeout_ms, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const line = out
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('result '));
  if (line === undefined) throw new Error(`erlang peer ${module} ${args.join(' ')} printed no result line:\n${out}`);
  const fields: Record<string, number> = {};
  for (const kv of line.slice('result '.length).trim().split(/\s+/)) {
    const [k, v] = kv.split('=');
    fields[k] = Number(v);
  }
  return fields;
}

/** A number for a result line: 3 significant digits, no exponent for ordinary sizes. */
export function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 1000) return String(Math.round(n));
  return String(Number(n.toPrecision(3)));
}
