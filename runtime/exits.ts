// Exceptions that end a process, and the exit reason each gives (as Erlang's, spec section 8):
// exit(R) → R; error(R) → [R, Stack]; a thrown Error e → [e, Stack]; any other thrown
// value v → [['nocatch', v], []] (Erlang's uncaught throw, with no JS stack to show).
import * as path from 'path';
import { format_term } from './format';

/**
 * Thrown by exit(reason). try/catch sees it, as Erlang's catch sees exit exceptions.
 * Erlang's exit/1 carries no stack, so none is captured: a handler ending with
 * exit('normal') is the common path (one per closed connection in the echo example), and
 * capturing a JS stack there cost about a tenth of the server's CPU per connection. The
 * message is made only when read.
 */
export class ErlangExit extends Error {
  constructor(readonly reason: unknown) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super();
    Error.stackTraceLimit = limit;
  }
  override get message(): string {
    return `exit: ${short(this.reason)}`;
  }
}
ErlangExit.prototype.name = 'ErlangExit';

/** Thrown by error(reason); the exit reason is [reason, stack]. */
export class ErlangError extends Error {
  constructor(readonly reason: unknown) {
    super(`error: ${short(reason)}`);
    this.name = 'ErlangError';
  }
}

/** Unwinds a process that was killed while its own code was running. */
export class ProcessKilled extends Error {
  constructor() {
    super('process killed');
    this.name = 'ProcessKilled';
  }
}

/** A reason in an exception's message: bounded, so a reason holding a socket or a big Buffer costs little. */
function short(v: unknown): string {
  return typeof v === 'string' ? v : format_term(v, { depth: 10, chars: 500 });
}

/** A stack frame as Erlang shows it: [module, function, arity, [['file', F], ['line', L]]]. */
export type StackFrame = [string, string, number, [['file', string], ['line', number]]];

const runtime_dir = __dirname + path.sep;
const FRAME = /^\s*at (?:(.*?) \()?(.+?):(\d+):\d+\)?$/;

/** Erlang-shaped stack from a JS stack, without the runtime's own frames and Node's. */
export function stack_term(e: Error): StackFrame[] {
  const out: StackFrame[] = [];
  const lines = (e.stack ?? '').split('\n');
  for (const line of lines) {
    const m = FRAME.exec(line);
    if (m === null) continue;
    const file = m[2];
    if (file.startsWith(runtime_dir) || file.startsWith('node:') || !file.includes(path.sep)) continue;
    let fn = m[1] ?? 'anonymous';
    if (fn.startsWith('async ')) fn = fn.slice(6);
    fn = fn.replace(/^(Generator|Object|Function)\./, '').replace(/^new /, '');
    const mod = path.basename(file).replace(/\.[cm]?js$/, '');
    out.push([mod, fn === '<anonymous>' ? 'anonymous' : fn, 0, [['file', file], ['line', Number(m[3])]]]);
  }
  return out;
}

/** The exit reason a thrown value gives. */
export function reason_of(e: unknown): unknown {
  if (e instanceof ErlangExit) return e.reason;
  if (e instanceof ErlangError) return [e.reason, stack_term(e)];
  if (e instanceof Error) return [e, stack_term(e)];
  return [['nocatch', e], []];
}

/** Reasons that produce no crash report: normal, shutdown, ['shutdown', _]. */
export function is_quiet_reason(reason: unknown): boolean {
  return (
    reason === 'normal' ||
    reason === 'shutdown' ||
    (Array.isArray(reason) && reason.length === 2 && reason[0] === 'shutdown')
  );
}

/** Raises Erlang's error exception: the process's exit reason becomes [reason, stack]. */
export function error(reason: unknown): never {
  throw new ErlangError(reason);
}
