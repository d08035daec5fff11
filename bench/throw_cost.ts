// `npm run bench -- throw_cost [depth=8] [n=200000] [reps=3]`: what a JS exception costs in
// this Node, against returning, through `depth` plain function frames and through `depth`
// generators nested with yield* (the way a process's generators nest: exit() in the echo
// handler unwinds about this many). Three thrown values: an Error subclass built as
// runtime/exits.ts builds ErlangExit (Error.stackTraceLimit = 0 while constructing), the same
// with the limit set to a non-number (V8 then captures no stack at all), and a plain object.
// No peers: this is a property of V8, measured so that RESULTS can say what an exit costs.
import { ErlangExit } from '../runtime/exits';

class NoStackExit extends Error {
  constructor(readonly reason: unknown) {
    const limit = Error.stackTraceLimit;
    (Error as { stackTraceLimit: unknown }).stackTraceLimit = undefined;
    super();
    Error.stackTraceLimit = limit;
  }
}

type Mode = 'return' | 'exit' | 'nostack' | 'object';
const PLAIN = { reason: 'normal' };

function raise(mode: Mode): number {
  if (mode === 'exit') throw new ErlangExit('normal');
  if (mode === 'nostack') throw new NoStackExit('normal');
  if (mode === 'object') throw PLAIN;
  return 1;
}

function plain(depth: number, mode: Mode): number {
  return depth === 0 ? raise(mode) : plain(depth - 1, mode);
}

function* nested(depth: number, mode: Mode): Generator<never, number, unknown> {
  if (depth === 0) return raise(mode);
  return yield* nested(depth - 1, mode);
}

/** ns per call, each call caught at the top. */
function time(n: number, call: () => void): number {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    try {
      call();
    } catch {
      // the thrown value: what is timed is getting here
    }
  }
  return Number(process.hrtime.bigint() - t0) / n;
}

export function main(args: string[]): void {
  const depth = Number(args[0] ?? 8);
  const n = Number(args[1] ?? 200000);
  const reps = Number(args[2] ?? 3);
  const modes: Mode[] = ['return', 'exit', 'nostack', 'object'];
  for (let r = 0; r < reps; r++) {
    const cols: string[] = [];
    for (const m of modes) cols.push(`plain_${m}_ns=${time(n, () => plain(depth, m)).toFixed(0)}`);
    for (const m of modes) cols.push(`gen_${m}_ns=${time(n, () => void nested(depth, m).next()).toFixed(0)}`);
    console.log(`throw_cost depth=${depth} ${cols.join(' ')}`);
  }
}

if (require.main === module) main(process.argv.slice(2));
