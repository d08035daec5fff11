// A dbg-like helper: dbg.tracer() installs a printer, dbg.p(Spec, Flags) traces with it,
// dbg.stop() ends all tracing. Lines read as OTP's dbg prints them:
//   (<0.85.0>) <0.86.0> ! hello
//   (<0.86.0>) << hello
//   (<0.85.0>) spawn <0.86.0> as undefined:worker([1])
//   (<0.86.0>) socket_owner #Socket<3> <0.85.0> -> <0.86.0>
import { format_term } from './format';
import { PidSpec, TraceMessage, trace, trace_clear } from './trace';

const OPTS = { depth: 10, chars: 300 };

function f(t: unknown): string {
  return format_term(t, OPTS);
}

function mfa(v: unknown): string {
  if (Array.isArray(v) && v.length === 3) return `${String(v[0])}:${String(v[1])}(${Array.isArray(v[2]) ? v[2].map(f).join(',') : f(v[2])})`;
  return f(v);
}

/** One trace message as a readable line (without newline). */
export function format_trace(msg: TraceMessage): string {
  const ts = msg[0] === 'trace_ts';
  const body = ts ? msg.slice(0, -1) : msg;
  const [, pid, tag, a, b, c] = body;
  let text: string;
  switch (tag) {
    case 'send': text = `${f(b)} ! ${f(a)}`; break;
    case 'send_to_non_existing_process': text = `${f(b)} ! ${f(a)} (to a dead process)`; break;
    case 'receive': text = `<< ${f(a)}`; break;
    case 'spawn': text = `spawn ${f(a)} as ${mfa(b)}`; break;
    case 'spawned': text = `spawned by ${f(a)} as ${mfa(b)}`; break;
    case 'exit': text = `exit ${f(a)}`; break;
    case 'socket_owner': text = `socket_owner ${f(a)} ${f(b)} -> ${f(c)}`; break;
    default: text = [String(tag), ...body.slice(3).map(f)].join(' ');
  }
  let line = `(${f(pid)}) ${text}`;
  if (ts) {
    const t = msg[msg.length - 1] as [number, number, number];
    const d = new Date((t[0] * 1e6 + t[1]) * 1000 + t[2] / 1000);
    line += ` (Timestamp: ${d.toISOString()})`;
  }
  return line;
}

let printer: ((msg: TraceMessage) => void) | null = null;

/** dbg:tracer(): from now on dbg.p traces to a printer writing to out (stdout by default). */
export function tracer(out: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): 'ok' {
  printer = (msg) => out(format_trace(msg));
  return 'ok';
}

/** dbg:p(Spec, Flags) → the number of processes matched. Starts a stdout tracer if none. */
export function p(spec: PidSpec, flags: string[] | string): number {
  if (printer === null) tracer();
  return trace(spec, true, typeof flags === 'string' ? [flags] : flags, { tracer: printer as (m: TraceMessage) => void });
}

/** dbg:stop(): all tracing off, the printer gone. */
export function stop(): 'ok' {
  trace_clear();
  printer = null;
  return 'ok';
}
