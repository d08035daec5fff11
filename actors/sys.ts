// OTP's sys for the behaviours: system messages ['system', From, Request] that any behaviour
// process answers between its callbacks (get_state, replace_state, get_status, suspend,
// resume, trace, log, statistics, installed debug funs, change_code), the same for special
// processes (handle_system_msg/6 and their system_* callbacks), and the *DBG* trace lines in
// OTP's format. The client calls that send the messages are in sys_client.ts.
import * as fs from 'fs';
import { isDeepStrictEqual } from 'util';
import {
  receive, on, _, send, self, exit, format_term, dictionary_of, process_info, Pid, Proc, Ref,
} from '../runtime';
import { ErlangError, ErlangExit } from '../runtime/exits';
import { apply, dispatch } from './callback';
import type { Ret } from './gen_server_types';
import { fast_exports } from '../runtime/fast_exports';

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
 * Answers one system message of a behaviour (its loop's SystemTarget). 'suspend' waits here
 * (answering system messages only) until 'resume'; a terminate request, or the parent's EXIT
 * while suspended, ends the process. With six arguments, sys:handle_system_msg/6 for a
 * special process (see SpecialModule).
 */
export function handle_system_msg(req: unknown, from: unknown, t: SystemTarget): Proc<Outcome>;
export function handle_system_msg<M>(req: unknown, from: unknown, parent: Pid, mod: SpecialModule<M>, debug: SysDebug, misc: M): Proc<unknown>;
export function handle_system_msg<M>(
  ...a: [unknown, unknown, SystemTarget] | [unknown, unknown, Pid, SpecialModule<M>, SysDebug, M]
): Proc<unknown> {
  return a.length === 3 ? handle_target_msg(a[0], a[1], a[2]) : handle_special(a[0], a[1], a[2], a[3], a[4], a[5]);
}

function* handle_target_msg(req: unknown, from: unknown, t: SystemTarget): Proc<Outcome> {
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

// ---- special processes ----

/**
 * A special process's callback module (OTP's system_* callbacks): a plain process (started
 * with proc_lib) that takes its own ['system', From, Request] messages and passes them to
 * handle_system_msg. Any callback may be a generator function.
 */
export interface SpecialModule<M> {
  /** The module's name, as get_status shows it (['module', Name]). */
  readonly name?: string;
  /** Goes back to the process's loop with the (maybe changed) misc. */
  system_continue(parent: Pid, debug: SysDebug, misc: M): unknown;
  /** Ends the process (sys.terminate, or the parent's EXIT while suspended): should exit(reason). */
  system_terminate(reason: unknown, parent: Pid, debug: SysDebug, misc: M): unknown;
  /** sys.get_state's answer → ['ok', State]; without it, get_state gives misc itself. */
  system_get_state?(misc: M): ['ok', unknown];
  /** sys.replace_state → ['ok', NewState, NewMisc]; without it, the fun replaces misc itself. */
  system_replace_state?(fn: (s: unknown) => unknown, misc: M): ['ok', unknown, M];
  /** sys.change_code on the suspended process → ['ok', NewMisc]; another result R answers ['error', R]. */
  system_code_change(misc: M, module: unknown, old_vsn: unknown, extra: unknown): unknown;
  /** get_status's last element: format_status('normal', [PDict, SysState, Parent, Debug, Misc]); misc without it. */
  format_status?(opt: 'normal', args: unknown[]): unknown;
}

/** sys:debug_options(Options): a special process's debug state ('trace', 'log', 'statistics' or none). */
export function debug_options(options: unknown[] = []): SysDebug {
  const d: SysDebug = { trace: false, on: false, opts: null };
  for (const o of options) {
    if (o === 'trace') d.trace = true;
    else if (o === 'log' || o === 'statistics') debug_cmd(d, [o, true], undefined);
  }
  refresh(d);
  return d;
}

/**
 * sys:handle_debug(Debug, FormFunc, Extra, Event) → Debug: a special process's event, printed
 * (while traced) as `*DBG* <Extra> <format(event, extra)>`, logged, counted.
 */
export function handle_debug(debug: SysDebug, format: (event: unknown, extra: unknown) => string, extra: unknown, event: unknown): SysDebug {
  if (debug.on) debug_event(debug, extra, event, () => format(event, extra));
  return debug;
}

/** Erlang's catch-class of an exception: [Class, Reason]. */
function class_of(e: unknown): [string, unknown] {
  if (e instanceof ErlangExit) return ['exit', e.reason];
  if (e instanceof ErlangError) return ['error', e.reason];
  return e instanceof Error ? ['error', e] : ['throw', e];
}

/** Runs a callback that may be a generator, to its result. */
function* call_cb(fn: () => unknown): Proc<unknown> {
  return yield* apply(fn as () => Ret<unknown>);
}

type Next<M> = { go: 'running' | 'suspended'; misc: M } | { go: 'terminate'; reason: unknown; misc: M };

function* special_cmd<M>(st: SysState, req: unknown, from: unknown, parent: Pid, mod: SpecialModule<M>, debug: SysDebug, misc: M): Proc<Next<M>> {
  const mname = mod.name ?? 'undefined';
  let r: unknown = 'ok';
  let next: SysState = st;
  if (req === 'get_state') {
    const g = mod.system_get_state?.bind(mod);
    try {
      const v = g === undefined ? ['ok', misc] : g(misc);
      r = Array.isArray(v) && v.length === 2 && v[0] === 'ok' ? v : exit(['badmatch', v]);
    } catch (e) {
      r = ['error', ['callback_failed', [mname, 'system_get_state'], class_of(e)]];
    }
  } else if (Array.isArray(req) && req[0] === 'replace_state' && typeof req[1] === 'function') {
    const fn = req[1] as (s: unknown) => unknown;
    const rs = mod.system_replace_state?.bind(mod);
    try {
      if (rs === undefined) {
        misc = fn(misc) as M;
        r = ['ok', misc];
      } else {
        const v = rs(fn, misc);
        if (!(Array.isArray(v) && v.length === 3 && v[0] === 'ok')) exit(['badmatch', v]);
        misc = v[2];
        r = ['ok', v[1]];
      }
    } catch (e) {
      r = ['error', ['callback_failed', rs === undefined ? fn : [mname, 'system_replace_state'], class_of(e)]];
    }
  } else if (req === 'get_status') {
    const pd = dictionary_of(self());
    const args = [pd === 'undefined' ? [] : pd, st, parent, [], misc];
    const shown = mod.format_status === undefined ? misc : yield* call_cb(() => mod.format_status?.('normal', args));
    r = ['status', self(), ['module', mname], [...args.slice(0, 4), shown]];
  } else if (req === 'suspend' || req === 'resume') {
    next = req === 'suspend' ? 'suspended' : 'running';
  } else if (Array.isArray(req) && req[0] === 'terminate' && req.length === 2) {
    // No answer: sys.terminate waits for the process to go down.
    return { go: 'terminate', reason: req[1], misc };
  } else if (Array.isArray(req) && req[0] === 'debug' && req.length === 2) {
    r = debug_cmd(debug, req[1], self());
  } else if (is_change_code(req) && st === 'suspended') {
    const cc = yield* dispatch(() => mod.system_code_change(misc, req[1], req[2], req[3]) as Ret<unknown>);
    const v = cc[0] === 'EXIT' ? ['EXIT', cc[1]] : cc[1];
    if (Array.isArray(v) && v.length === 2 && v[0] === 'ok') {
      misc = v[1] as M;
      r = 'ok';
    } else r = ['error', v];
  } else {
    r = ['error', ['unknown_system_msg', req]];
  }
  reply(from, r);
  return { go: next, misc };
}

/**
 * sys:handle_system_msg(Request, From, Parent, Module, Debug, Misc) for a special process:
 * answers the request (and, once suspended, every system message until resume; the parent's
 * EXIT then ends it), then runs Module.system_continue (its result is this Proc's) or
 * Module.system_terminate. As in OTP, the process's loop calls it last: it does not come back
 * to the loop but continues it through system_continue (each system message nests one
 * generator, which is nothing for the few a process gets).
 */
function* handle_special<M>(req: unknown, from: unknown, parent: Pid, mod: SpecialModule<M>, debug: SysDebug, misc: M): Proc<unknown> {
  let st: SysState = 'running';
  for (;;) {
    const n = yield* special_cmd(st, req, from, parent, mod, debug, misc);
    misc = n.misc;
    if (n.go === 'terminate') return yield* call_cb(() => mod.system_terminate(n.reason, parent, debug, misc));
    if (n.go === 'running') return yield* call_cb(() => mod.system_continue(parent, debug, misc));
    st = 'suspended';
    const m = yield* receive(on(['system', _, _]), on(['EXIT', parent, _]));
    if (m[0] === 'EXIT') return yield* call_cb(() => mod.system_terminate(m[2], parent, debug, misc));
    [req, from] = [m[2], m[1]];
  }
}

export * from './sys_client';

// Re-exports leave this module's exports in V8's dictionary mode: see runtime/fast_exports.
fast_exports(module.exports as object);
