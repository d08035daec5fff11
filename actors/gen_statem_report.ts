// The error report a gen_statem writes when it terminates for a reason other than normal,
// shutdown or {shutdown, _}: OTP 25's gen_statem:error_info and format_log (the multi-line
// form the default logger prints, and the single-line form), through the runtime's crash
// logger (test/otp/53_gen_statem_report.escript). The runtime's own report of the process's
// exit value still follows it, as OTP's proc_lib CRASH REPORT does.
import { format_term, self, dictionary_of, type Pid } from '../runtime';
import { log_report, report_header } from '../runtime/crash_report';
import { ErlangError, ErlangExit, stack_term } from '../runtime/exits';
import { format_status } from './gen_format_status';
import { client_lines, client_single } from './gen_server_report';
import type { From } from './gen_server_types';

export type ErrorClass = 'error' | 'exit';

/** What error_info reads off a terminating machine (the state and data not yet through format_status). */
export interface TerminateInfo {
  name: unknown;
  /** The module format_status is taken from: the current callback module. */
  mod: { readonly name?: string; format_status?: unknown };
  /** The callback module stack's names, the current one first. */
  modules: unknown[];
  callback_mode: unknown;
  state_enter: boolean;
  state: unknown;
  data: unknown;
  /** OTP's Q: the event being handled first, then the events queued after it. */
  queue: unknown[];
  /** Postponed events, the newest first (as OTP keeps them). */
  postponed: unknown[];
  /** Running timers as [Type, Msg]. */
  timeouts: unknown[];
  log: unknown[];
  cls: ErrorClass;
  reason: unknown;
  stack: unknown[];
}

/** The {gen_statem, terminate} report, once format_status has shaped it. */
export interface TerminateReport {
  name: unknown;
  queue: unknown;
  postponed: unknown;
  modules: unknown[];
  callback_mode: unknown;
  state_enter: boolean;
  state: unknown;
  timeouts: [number, unknown];
  log: unknown;
  reason: [ErrorClass, unknown, unknown[]];
  client: Pid | null;
}

/** The stack where the machine is now (from its caller on): OTP's process_info(self(), current_stacktrace). */
export function current_stack(): unknown[] {
  return stack_term(new Error()).slice(1);
}

/**
 * An exception as error_info's Class, Reason and Stacktrace (not the exit reason it gives:
 * an error's is [Reason, Stack]). exit/1 keeps no stack (runtime/exits.ts): the current one
 * stands in for it, as a stop result's does.
 */
export function classify(e: unknown): [ErrorClass, unknown, unknown[]] {
  if (e instanceof ErlangExit) return ['exit', e.reason, current_stack()];
  if (e instanceof ErlangError) return ['error', e.reason, stack_term(e)];
  if (e instanceof Error) return ['error', e, stack_term(e)];
  return ['error', ['nocatch', e], []];
}

/** OTP's client_stacktrace(Q): the caller, when the event being handled is a call. */
function client_of(queue: unknown[]): Pid | null {
  const ev = queue[0];
  if (!Array.isArray(ev) || !Array.isArray(ev[0]) || ev[0][0] !== 'call') return null;
  return (ev[0][1] as From)[0];
}

/** gen_statem:error_info up to the log call: format_status('terminate', ...) shapes what is shown. */
export function terminate_report(i: TerminateInfo): TerminateReport {
  const pd = dictionary_of(self());
  const status = format_status(
    i.mod, 'terminate',
    { reason: i.reason, state: i.state, data: i.data, queue: i.queue, postponed: i.postponed, timeouts: i.timeouts, log: i.log },
    [pd === 'undefined' ? [] : pd, i.state, i.data],
  );
  return {
    name: i.name,
    queue: status.queue,
    postponed: status.postponed,
    modules: i.modules,
    callback_mode: i.callback_mode,
    state_enter: i.state_enter,
    state: '$status' in status ? status.$status : [status.state, status.data],
    timeouts: [i.timeouts.length, status.timeouts],
    log: status.log,
    reason: [i.cls, status.reason, i.stack],
    client: client_of(i.queue),
  };
}

/**
 * format_log's fix_reason: an undef whose first frame names the missing callback (erlsock
 * makes such a frame only for one) reads as {'function not exported', {M, F, Arity}}.
 */
function fix_reason(cls: ErrorClass, reason: unknown, stack: unknown[]): [unknown, unknown[]] {
  const top = stack[0];
  if (cls === 'error' && reason === 'undef' && Array.isArray(top) && Array.isArray(top[2])) {
    return [['function not exported', [top[0], top[1], top[2].length]], stack.slice(1)];
  }
  return [reason, stack];
}

// Terms print with format_term, where an array is a tuple; the report's lists (the modules,
// the queue, postponed events, timers, the log, the stack) are printed as lists here.
const p = (t: unknown): string => format_term(t);
const is_empty = (v: unknown): boolean => Array.isArray(v) && v.length === 0;
/** A list of terms, or (when format_status put something else there) the term. */
const list = (v: unknown, item: (x: unknown) => string = p): string => (Array.isArray(v) ? `[${v.map(item).join(',')}]` : p(v));

/** A stack frame as Erlang prints one: {M,F,Arity,[{file,"F"},{line,L}]}, or {M,F,[Args]} (no location). */
function frame(f: unknown): string {
  if (!Array.isArray(f) || f.length < 3) return p(f);
  const [m, fn, a, loc] = f as unknown[];
  const args = Array.isArray(a) ? list(a) : p(a);
  if (f.length === 3) return `{${p(m)},${p(fn)},${args}}`;
  const info = list(loc, (kv) => {
    if (Array.isArray(kv) && kv[0] === 'file' && typeof kv[1] === 'string') return `{file,${JSON.stringify(kv[1])}}`;
    return p(kv);
  });
  return `{${p(m)},${p(fn)},${args},${info}}`;
}

/** Time-outs: {N, [{Type, Msg}, ...]}. */
function timeouts_text([n, ts]: [number, unknown]): string {
  return `{${n},${list(ts)}}`;
}

/** format_log_multi: the report as the default logger prints it, after the legacy header. */
export function multi_line_text(r: TerminateReport): string {
  const [cls, reason0, stack0] = r.reason;
  const [reason, stack] = fix_reason(cls, reason0, stack0);
  const q = Array.isArray(r.queue) ? r.queue : [];
  const mode = r.state_enter ? list([r.callback_mode, 'state_enter']) : p(r.callback_mode);
  return (
    `** State machine ${p(r.name)} terminating\n` +
    (q.length > 0 ? `** Last event = ${p(q[0])}\n` : '') +
    `** When server state  = ${p(r.state)}\n` +
    `** Reason for termination = ${p(cls)}:${p(reason)}\n` +
    `** Callback modules = ${list(r.modules)}\n` +
    `** Callback mode = ${mode}\n` +
    (q.length > 1 ? `** Queued = ${list(q.slice(1))}\n` : '') +
    (is_empty(r.postponed) ? '' : `** Postponed = ${list(r.postponed)}\n`) +
    (stack.length > 0 ? `** Stacktrace =\n**  ${list(stack, frame)}\n` : '') +
    (r.timeouts[0] === 0 ? '' : `** Time-outs: ${timeouts_text(r.timeouts)}\n`) +
    (is_empty(r.log) ? '' : `** Log =\n**  ${list(r.log)}\n`) +
    client_lines(r.client)
  );
}

/** format_log_single: the one-line form (OTP's logger formatter with single_line => true). */
export function single_line_text(r: TerminateReport): string {
  const [cls, reason0, stack0] = r.reason;
  const [reason, stack] = fix_reason(cls, reason0, stack0);
  const q = Array.isArray(r.queue) ? r.queue : [];
  return (
    `State machine ${p(r.name)} terminating. Reason: ${p(reason)}` +
    (stack.length > 0 ? `. Stack: ${list(stack, frame)}` : '') +
    (q.length > 0 ? `. Last event: ${p(q[0])}` : '') +
    `. State: ${p(r.state)}` +
    (is_empty(r.log) ? '' : `. Log: ${list(r.log)}`) +
    '.' +
    client_single(r.client)
  );
}

/** Logs the report (the caller has checked the reason is not a quiet one). */
export function report_terminate(pid: Pid, i: TerminateInfo, when: Date = new Date()): void {
  const r = terminate_report(i);
  const text = `${report_header('ERROR REPORT', when)}\n${multi_line_text(r)}`;
  log_report({ pid, reason: i.reason, label: 'error_report', text, single_line: single_line_text(r) });
}
