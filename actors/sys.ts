// OTP's sys for the behaviours: system messages ['system', From, Request] that any behaviour
// process answers between its callbacks (get_state, replace_state, get_status, suspend,
// resume, trace, log, statistics, installed debug funs, change_code), the client calls that
// send them, and the *DBG* trace lines in OTP's format.
import * as fs from 'fs';
import { isDeepStrictEqual } from 'util';
import {
  receive, on, after, _, send, self, exit, monitor, demonitor, format_term, dictionary_of, process_info, Pid, Proc, Ref,
} from '../runtime';
import { ErlangExit } from '../runtime/exits';
import { resolve } from './gen_name';
import type { ServerRef } from './gen_server_types';

export { behaviour_state } from './behaviour_state';
export type { BehaviourState } from './behaviour_state';

export type SysFrom = [Pid, Ref];
export type SysState = 'running' | 'suspended';

/**
 * A behaviour process's debug options. The loops look at `on` alone, and report each event
 * (debug_event) only when it is set, so a server with no debug option pays one test.
 */
export interface SysDebug {
  /** sys:trace: *DBG* lines to the trace output. */
  trace: boolean;
  /** Any option on: trace, log, statistics, log_to_file, an installed fun. */
  on: boolean;
  /** The options other than trace, made on the first use. */
  opts: DebugOpts | null;
}

/** sys:install's fun: (FuncState, Event, ProcState) → 'done' | NewFuncState. */
export type DebugFun = (func_state: unknown, event: unknown, proc_state: unknown) => unknown;

export interface DebugOpts {
  /** sys:log: the last `max` events, each with its *DBG* text (made when printed). */
  log: { max: number; items: Array<{ ev: unknown; text: () => string }> } | null;
  /** sys:statistics: localtime and reductions at the start, events in and out. */
  stats: { start: unknown; reds: number; in: number; out: number } | null;
  /** sys:log_to_file: the file's descriptor. */
  file: number | null;
  /** sys:install: newest first, as OTP's list. */
  funcs: Array<{ id: unknown; fn: DebugFun; st: unknown }>;
}

/** What the loop of a behaviour offers sys. */
export interface SystemTarget {
  /** 'gen_server' or 'gen_statem', as get_status names the module. */
  readonly module: string;
  /** The name traces print: the registered name, or the pid. */
  readonly name: unknown;
  readonly parent: Pid | null;
  readonly debug: SysDebug;
  get_state(): unknown;
  /** Sets the state from fn(old state) and returns the new one (fn may throw). */
  replace_state(fn: (s: unknown) => unknown): unknown;
  /** get_status's last element (format_status's output): [header, data, data]. */
  status(sys_state: SysState): unknown[];
  /**
   * system_code_change: runs the callback module's code_change and takes its new state →
   * 'ok', or ['error', What] as sys:change_code answers (What: the callback's own other
   * return, a throw's value, or ['EXIT', Reason] for a crash).
   */
  code_change?(module: unknown, old_vsn: unknown, extra: unknown): Proc<'ok' | ['error', unknown]>;
}

/** A system request: ['change_code', Module, OldVsn, Extra]. */
function is_change_code(req: unknown): req is ['change_code', unknown, unknown, unknown] {
  return Array.isArray(req) && req.length === 4 && req[0] === 'change_code';
}

// ---- trace output ----

let trace_out: (line: string) => void = (line) => process.stdout.write(line);

/** Where *DBG* lines go (stdout by default, as OTP's standard_io); returns the previous sink. */
export function set_trace_output(fn: ((line: string) => void) | null): (line: string) => void {
  const old = trace_out;
  trace_out = fn ?? ((line) => process.stdout.write(line));
  return old;
}

/** One *DBG* line: `*DBG* <0.79.0> got cast {set,2}`. */
export function trace_line(name: unknown, text: string): void {
  try {
    trace_out(`*DBG* ${format_term(name)} ${text}\n`);
  } catch {
    // A failing sink must not crash the traced process.
  }
}

/**
 * sys:handle_debug: one event of a behaviour process (OTP's terms: gen_server's ['in', Msg],
 * ['out', Reply, From, State], ['noreply', State]; gen_statem's ['in', Event, State], ...),
 * and its *DBG* text, made only when something prints it. proc_state is what OTP gives
 * the installed funs: the process's name.
 */
export function debug_event(d: SysDebug, proc_state: unknown, ev: unknown, text: () => string): void {
  if (d.trace) trace_line(proc_state, text());
  const o = d.opts;
  if (o === null) return;
  if (o.log !== null) {
    o.log.items.push({ ev, text });
    if (o.log.items.length > o.log.max) o.log.items.shift();
  }
  if (o.file !== null) {
    try {
      fs.writeSync(o.file, `*DBG* ${format_term(proc_state)} ${text()}\n`);
    } catch {
      // A failing log file must not crash the process.
    }
  }
  if (o.stats !== null && Array.isArray(ev)) {
    if (ev[0] === 'in' && (ev.length === 2 || ev.length === 3)) o.stats.in++;
    else if (ev[0] === 'out' && (ev.length === 3 || ev.length === 4)) o.stats.out++;
  }
  if (o.funcs.length > 0) run_funcs(d, o, proc_state, ev);
}

/** sys:get_log: the logged events, oldest first ([] with no log): get_status's 'Logged events'. */
export function logged_events(d: SysDebug | null): unknown[] {
  return d?.opts?.log?.items.map((it) => it.ev) ?? [];
}

function run_funcs(d: SysDebug, o: DebugOpts, proc_state: unknown, ev: unknown): void {
  for (const f of [...o.funcs]) {
    let r: unknown;
    try {
      r = f.fn(f.st, ev, proc_state);
    } catch (e) {
      // A throw is the fun's result, as OTP's catch; a crash removes the fun.
      r = e instanceof Error ? 'done' : e;
    }
    if (r === 'done') o.funcs.splice(o.funcs.indexOf(f), 1);
    else f.st = r;
  }
  refresh(d);
}

function refresh(d: SysDebug): void {
  const o = d.opts;
  d.on = d.trace || (o !== null && (o.log !== null || o.stats !== null || o.file !== null || o.funcs.length > 0));
}

function opts_of(d: SysDebug): DebugOpts {
  if (d.opts === null) d.opts = { log: null, stats: null, file: null, funcs: [] };
  return d.opts;
}

function localtime(): unknown {
  const t = new Date();
  return [[t.getFullYear(), t.getMonth() + 1, t.getDate()], [t.getHours(), t.getMinutes(), t.getSeconds()]];
}

function reductions(): number {
  const r = process_info(self(), 'reductions');
  return r === 'undefined' ? 0 : r[1];
}

function close_file(o: DebugOpts): void {
  if (o.file === null) return;
  try {
    fs.closeSync(o.file);
  } catch {
    // already closed
  }
  o.file = null;
}

/** sys's debug_cmd: the answer to ['debug', What]. */
function debug_cmd(d: SysDebug, what: unknown, name: unknown): unknown {
  const w = Array.isArray(what) && what.length === 2 ? what : [what, undefined];
  const [cmd, arg] = w as [unknown, unknown];
  let r: unknown = 'ok';
  if (cmd === 'trace' && typeof arg === 'boolean') {
    d.trace = arg;
  } else if (cmd === 'log') {
    const o = opts_of(d);
    const n = arg === true ? 10 : Array.isArray(arg) && arg[0] === true && Number.isInteger(arg[1]) && (arg[1] as number) >= 1 ? (arg[1] as number) : null;
    if (n !== null) {
      const items = o.log?.items ?? [];
      o.log = { max: n, items: items.slice(-n) };
    } else if (arg === false) o.log = null;
    else if (arg === 'print') for (const it of o.log?.items ?? []) trace_line(name, it.text());
    else if (arg === 'get') r = ['ok', (o.log?.items ?? []).map((it) => it.ev)];
    else r = 'unknown_debug';
  } else if (cmd === 'log_to_file') {
    const o = opts_of(d);
    close_file(o);
    if (typeof arg === 'string') {
      try {
        o.file = fs.openSync(arg, 'w');
      } catch {
        r = ['error', 'open_file'];
      }
    } else if (arg !== false) r = 'unknown_debug';
  } else if (cmd === 'statistics') {
    const o = opts_of(d);
    if (arg === true) o.stats ??= { start: localtime(), reds: reductions(), in: 0, out: 0 };
    else if (arg === false) o.stats = null;
    else if (arg === 'get') {
      const st = o.stats;
      r = st === null
        ? ['ok', 'no_statistics']
        : ['ok', [['start_time', st.start], ['current_time', localtime()], ['reductions', reductions() - st.reds],
          ['messages_in', st.in], ['messages_out', st.out]]];
    } else r = 'unknown_debug';
  } else if (cmd === 'no_debug') {
    if (d.opts !== null) close_file(d.opts);
    d.trace = false;
    d.opts = null;
  } else if (cmd === 'install' && Array.isArray(arg) && (arg.length === 2 || arg.length === 3)) {
    const a = arg as unknown[];
    const [id, fn, st] = a.length === 2 ? [a[0], a[0], a[1]] : [a[0], a[1], a[2]];
    if (typeof fn !== 'function') r = 'unknown_debug';
    // As OTP's install_debug: a fun (or id) already installed stays as it is.
    else if (!opts_of(d).funcs.some((f) => same_id(f.id, id))) opts_of(d).funcs.unshift({ id, fn: fn as DebugFun, st });
  } else if (cmd === 'remove') {
    const o = opts_of(d);
    o.funcs = o.funcs.filter((f) => !same_id(f.id, arg));
  } else {
    r = 'unknown_debug';
  }
  refresh(d);
  return r;
}

function same_id(a: unknown, b: unknown): boolean {
  return a === b || (typeof a !== 'function' && isDeepStrictEqual(a, b));
}

// ---- the server side ----

type Outcome = 'continue' | ['terminate', unknown];

function reply(from: unknown, r: unknown): void {
  if (Array.isArray(from) && from[0] instanceof Pid) send(from[0], [from[1], r]);
}

export function is_system(msg: unknown): msg is ['system', unknown, unknown] {
  return Array.isArray(msg) && msg.length === 3 && msg[0] === 'system';
}

/**
 * Answers one system message. 'suspend' waits here (answering system messages only) until
 * 'resume'; a terminate request, or the parent's EXIT while suspended, ends the process.
 */
export function* handle_system_msg(req: unknown, from: unknown, t: SystemTarget): Proc<Outcome> {
  const r = yield* answer(req, from, t, 'running');
  if (r === 'resume') return 'continue';
  if (r !== 'suspend') return r;
  for (;;) {
    const parent = t.parent;
    const m = yield* receive(
      on(['system', _, _]),
      on(['EXIT', _, _]).when((x) => parent !== null && x[1] === parent),
    );
    if (m[0] === 'EXIT') return ['terminate', m[2]];
    const r2 = yield* answer(m[2], m[1], t, 'suspended');
    if (r2 === 'resume') return 'continue';
    if (r2 !== 'continue' && r2 !== 'suspend') return r2;
  }
}

function* answer(req: unknown, from: unknown, t: SystemTarget, st: SysState): Proc<Outcome | 'suspend' | 'resume'> {
  if (req === 'get_state') {
    reply(from, ['ok', t.get_state()]);
  } else if (Array.isArray(req) && req[0] === 'replace_state' && typeof req[1] === 'function') {
    const fn = req[1] as (s: unknown) => unknown;
    try {
      reply(from, ['ok', t.replace_state(fn)]);
    } catch (e) {
      const reason = e instanceof ErlangExit ? e.reason : e;
      reply(from, ['error', ['callback_failed', [t.module, 'system_replace_state'], ['error', reason]]]);
    }
  } else if (req === 'get_status') {
    const pd = dictionary_of(self());
    reply(from, ['status', self(), ['module', t.module], [pd === 'undefined' ? [] : pd, st, t.parent ?? self(), [], t.status(st)]]);
  } else if (req === 'suspend') {
    reply(from, 'ok');
    return 'suspend';
  } else if (req === 'resume') {
    reply(from, 'ok');
    return 'resume';
  } else if (Array.isArray(req) && req[0] === 'terminate') {
    return ['terminate', req[1]];
  } else if (Array.isArray(req) && req[0] === 'debug' && req.length === 2) {
    reply(from, debug_cmd(t.debug, req[1], t.name));
  } else if (is_change_code(req) && st === 'suspended' && t.code_change !== undefined) {
    // As OTP's sys, only a suspended process changes code; a running one does not know the request.
    reply(from, yield* t.code_change(req[1], req[2], req[3]));
  } else {
    reply(from, ['error', ['unknown_system_msg', req]]);
  }
  return 'continue';
}

/** gen:format_status_header: "Status for generic server <0.80.0>" or "... my_name". */
export function status_header(tag: string, name: unknown): string {
  return `${tag} ${typeof name === 'string' ? name : String(name)}`;
}

// ---- the client side ----

const TIMEOUT = Symbol('sys.timeout');

function* system_call(server: ServerRef, req: unknown, timeout: number | 'infinity'): Proc<unknown> {
  const pid = resolve(server);
  const mref = monitor('process', pid);
  send(pid, ['system', [self(), mref], req]);
  const r = yield* receive(
    on([mref, _], (m) => ({ v: m[1] })),
    on(['DOWN', mref, _, _, _], (d) => exit(d[4])),
    after(timeout, () => TIMEOUT),
  );
  demonitor(mref, ['flush']);
  return typeof r === 'symbol' ? exit('timeout') : r.v;
}

/** As sys: a failed call exits with [Reason, ['sys', Fn, Args]]. */
function* sys_call(fn: string, args: unknown[], server: ServerRef, req: unknown, timeout: number | 'infinity'): Proc<unknown> {
  try {
    return yield* system_call(server, req, timeout);
  } catch (e) {
    if (e instanceof ErlangExit) exit([e.reason, ['sys', fn, args]]);
    throw e;
  }
}

type T = [] | [number | 'infinity'];

function timeout_of(t: T): number | 'infinity' {
  return t.length === 0 ? 5000 : t[0];
}

/** sys:get_state: the behaviour's state (a gen_statem's is [State, Data]). */
export function* get_state(server: ServerRef, ...t: T): Proc<unknown> {
  const r = (yield* sys_call('get_state', [server, ...t], server, 'get_state', timeout_of(t))) as [string, unknown];
  return r[0] === 'ok' ? r[1] : exit(r[1]);
}

/** sys:replace_state(Server, Fun): the new state; a crashing Fun leaves the state and raises. */
export function* replace_state(server: ServerRef, fn: (s: unknown) => unknown, ...t: T): Proc<unknown> {
  const r = (yield* sys_call('replace_state', [server, fn, ...t], server, ['replace_state', fn], timeout_of(t))) as [string, unknown];
  return r[0] === 'ok' ? r[1] : exit(r[1]);
}

/** sys:get_status: ['status', Pid, ['module', Mod], [PDict, SysState, Parent, Dbg, Misc]]. */
export function get_status(server: ServerRef, ...t: T): Proc<unknown> {
  return sys_call('get_status', [server, ...t], server, 'get_status', timeout_of(t));
}

/** sys:suspend: the process answers only system messages until resume. */
export function* suspend(server: ServerRef, ...t: T): Proc<'ok'> {
  return (yield* sys_call('suspend', [server, ...t], server, 'suspend', timeout_of(t))) as 'ok';
}

export function* resume(server: ServerRef, ...t: T): Proc<'ok'> {
  return (yield* sys_call('resume', [server, ...t], server, 'resume', timeout_of(t))) as 'ok';
}

/** sys:trace(Server, Flag): *DBG* lines for every event, in OTP's format. */
export function* trace(server: ServerRef, flag: boolean, ...t: T): Proc<'ok'> {
  return (yield* sys_call('trace', [server, flag, ...t], server, ['debug', ['trace', flag]], timeout_of(t))) as 'ok';
}

/** sys:log(Server, Flag): true | ['true', N] (keep the last N events, 10 by default) | false | 'print' → 'ok'; 'get' → ['ok', Events]. */
export function* log(server: ServerRef, flag: boolean | [true, number] | 'print' | 'get', ...t: T): Proc<unknown> {
  return yield* sys_call('log', [server, flag, ...t], server, ['debug', ['log', flag]], timeout_of(t));
}

/** sys:log_to_file(Server, File | false): *DBG* lines to a file → 'ok' | ['error', 'open_file']. */
export function* log_to_file(server: ServerRef, file: string | false, ...t: T): Proc<'ok' | ['error', 'open_file']> {
  return (yield* sys_call('log_to_file', [server, file, ...t], server, ['debug', ['log_to_file', file]], timeout_of(t))) as 'ok' | ['error', 'open_file'];
}

/**
 * sys:statistics(Server, true | false | 'get'): 'get' → ['ok', [['start_time', T],
 * ['current_time', T], ['reductions', N], ['messages_in', N], ['messages_out', N]]] or
 * ['ok', 'no_statistics']; times as localtime [[Y, M, D], [H, Mi, S]].
 */
export function* statistics(server: ServerRef, flag: boolean | 'get', ...t: T): Proc<unknown> {
  return yield* sys_call('statistics', [server, flag, ...t], server, ['debug', ['statistics', flag]], timeout_of(t));
}

/** sys:no_debug(Server): every debug option off (trace, log, statistics, file, funs). */
export function* no_debug(server: ServerRef, ...t: T): Proc<'ok'> {
  return (yield* sys_call('no_debug', [server, ...t], server, ['debug', 'no_debug'], timeout_of(t))) as 'ok';
}

/**
 * sys:install(Server, [Fun, FunState] | [FunId, Fun, FunState]): Fun(FunState, Event,
 * ProcState) runs on every event; it returns its next state, or 'done' to be removed. An
 * installed Fun (or FunId) is not installed again.
 */
export function* install(server: ServerRef, spec: [DebugFun, unknown] | [unknown, DebugFun, unknown], ...t: T): Proc<'ok'> {
  return (yield* sys_call('install', [server, spec, ...t], server, ['debug', ['install', spec]], timeout_of(t))) as 'ok';
}

/** sys:remove(Server, Fun | FunId). */
export function* remove(server: ServerRef, fn_or_id: unknown, ...t: T): Proc<'ok'> {
  return (yield* sys_call('remove', [server, fn_or_id, ...t], server, ['debug', ['remove', fn_or_id]], timeout_of(t))) as 'ok';
}

/**
 * sys:change_code(Server, Module, OldVsn, Extra[, Timeout]): the suspended process runs its
 * callback module's code_change → 'ok' | ['error', What] (['error', ['unknown_system_msg',
 * Request]] when the process is not suspended, as OTP 25 answers).
 */
export function* change_code(server: ServerRef, module: unknown, old_vsn: unknown, extra: unknown, ...t: T): Proc<'ok' | ['error', unknown]> {
  const req = ['change_code', module, old_vsn, extra];
  return (yield* sys_call('change_code', [server, module, old_vsn, extra, ...t], server, req, timeout_of(t))) as 'ok' | ['error', unknown];
}

/** sys:terminate(Server, Reason): the process runs its terminate and exits with Reason. */
export function* terminate(server: ServerRef, reason: unknown, timeout: number | 'infinity' = 'infinity'): Proc<'ok'> {
  let pid: Pid | [string, string];
  try {
    pid = resolve(server);
  } catch {
    return exit(['noproc', ['sys', 'terminate', [server, reason, timeout]]]);
  }
  const mref = monitor('process', pid);
  send(pid, ['system', [self(), mref], ['terminate', reason]]);
  yield* receive(on(['DOWN', mref, _, _, _]), after(timeout));
  return 'ok';
}
