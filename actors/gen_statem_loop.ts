// The gen_statem process: OTP 25's event loop on the runtime. Events come from an internal
// queue first (next_event, postponed events after a state change, zero timeouts), then from
// the mailbox. After a state change the order is: the state enter call, the next_event
// events, the postponed events in their original order, then the rest.
import { isDeepStrictEqual } from 'util';
import {
  receive, on, _, send, self, exit, get, start_timer, cancel_timer, format_term, dictionary_of, Pid, Proc, Ref,
} from '../runtime';
import { ErlangError, ErlangExit, is_quiet_reason, reason_of } from '../runtime/exits';
import { dispatch, Dispatched } from './callback';
import { display_name, register_name, unregister_name, where } from './gen_name';
import { publish_state } from './behaviour_state';
import { format_status } from './gen_format_status';
import { debug_event, logged_events, handle_system_msg, is_system, status_header, SysDebug, SystemTarget, SysState } from './sys';
import type { From, ServerName, StartResult } from './gen_server_types';
import type { CallbackMode, EventType, GenStatemModule, Ret, StateFunction } from './gen_statem_types';
import { classify, current_stack, report_terminate, type ErrorClass, type TerminateInfo } from './gen_statem_report';

type Event = [EventType, unknown];
const TIMER_TAG = '$gen_statem_timeout';
/** OTP's event for the transition into the first state (what a report shows as the last event then). */
const INIT_STATE: Event = ['internal', 'init_state'];

class Stop {
  constructor(
    readonly reason: unknown,
    readonly exc?: unknown,
    /** A missing callback: reason is ['undef', [[Module, Function, Args]]], OTP's error:undef. */
    readonly undef = false,
  ) {}
}

/** The Class, Reason and Stacktrace of OTP's terminate for a Stop (a stop result's is exit). */
function stop_class(s: Stop): [ErrorClass, unknown, unknown[]] {
  if (s.undef) return ['error', 'undef', [...(s.reason as [string, unknown[]])[1], ...current_stack()]];
  if (s.exc === undefined) return ['exit', s.reason, current_stack()];
  const c = classify(s.exc);
  // callback_mode's undef (fetch_mode) is raised as error({undef, [Frame]}): the frame goes on the stack.
  const r = c[1];
  if (c[0] === 'error' && Array.isArray(r) && r.length === 2 && r[0] === 'undef' && Array.isArray(r[1])) return ['error', 'undef', [...(r[1] as unknown[]), ...c[2]]];
  return c;
}

/** An error-class stop, as OTP's terminate(error, Reason, Stack): the exit reason is [Reason, Stack]. */
function error_stop(reason: unknown): Stop {
  return new Stop(reason, new ErlangError(reason));
}

interface Timer {
  ref: Ref;
  type: EventType;
  msg: unknown;
}

/** What one callback result asks for, once parsed. */
interface Parsed {
  state: unknown;
  data: unknown;
  repeat: boolean;
  postpone: boolean;
  next_events: Event[];
  timeouts: unknown[][];
}

function timer_key(type: EventType): string {
  return typeof type === 'string' ? type : `g:${format_term(type[1])}`;
}

type Module<D> = GenStatemModule<unknown, D>;

export class Machine<D> implements SystemTarget {
  readonly module = 'gen_statem';
  /** sys's debug options, made on the first debug request. */
  dbg: SysDebug | null = null;
  /** The callback module stack (push_callback_module), the current one first. */
  modules: Module<D>[];
  state: unknown = undefined;
  data!: D;
  postponed: Event[] = [];
  queue: Event[] = [];
  timers = new Map<string, Timer>();
  mode: CallbackMode = 'state_functions';
  enter = false;
  /** The event being handled (OTP's head of Q), for the terminate report; null between events. */
  current: Event | null = null;

  constructor(
    readonly parent: Pid | null,
    readonly name: unknown,
    mod: Module<D>,
  ) {
    this.modules = [mod];
  }

  get mod(): Module<D> {
    return this.modules[0];
  }

  /**
   * gen_statem:system_code_change: the current module's code_change(OldVsn, State, Data,
   * Extra); ['ok', S, D] takes the new state and data and reads callback_mode again.
   */
  *code_change(_module: unknown, old_vsn: unknown, extra: unknown): Proc<'ok' | ['error', unknown]> {
    const m = this.mod;
    const [st, data] = [this.state, this.data];
    const cc = typeof m.code_change === 'function' ? (m.code_change as (...a: unknown[]) => unknown).bind(m) : undefined;
    const r: Dispatched<unknown> = cc === undefined
      ? ['EXIT', ['undef', [[m.name ?? 'undefined', 'code_change', [old_vsn, st, data, extra]]]], undefined]
      : yield* dispatch(() => cc(old_vsn, st, data, extra) as Ret<unknown>);
    if (r[0] === 'EXIT') return ['error', ['EXIT', r[1]]];
    const v = r[1];
    if (Array.isArray(v) && v[0] === 'ok' && v.length === 3) {
      let cm: [CallbackMode, boolean];
      try {
        cm = fetch_mode(m);
      } catch (e) {
        return ['error', ['EXIT', e instanceof Stop ? stop_reason(e) : e]];
      }
      this.state = v[1] as unknown;
      this.data = v[2] as D;
      [this.mode, this.enter] = cm;
      return 'ok';
    }
    // OTP's case has no clause for a 2-tuple ok: error({case_clause, V}), caught by sys.
    if (Array.isArray(v) && v[0] === 'ok' && v.length === 2) return ['error', ['EXIT', reason_of(new ErlangError(['case_clause', v]))]];
    return ['error', v];
  }

  get_state(): unknown {
    return [this.state, this.data];
  }

  replace_state(fn: (s: unknown) => unknown): unknown {
    const r = fn([this.state, this.data]);
    if (!Array.isArray(r) || r.length !== 2) throw new Error('replace_state: the fun must return [State, Data]');
    [this.state, this.data] = r as [unknown, D];
    return r;
  }

  /**
   * gen_statem:format_status: the header and the machine's data, through the callback
   * module's format_status (test/otp/51_gen_statem_status.escript).
   */
  status(st: SysState): unknown[] {
    const timeouts = list_timeouts(this.timers);
    const status = { state: this.state, data: this.data, postponed: this.postponed, log: logged_events(this.dbg), timeouts };
    const pd = dictionary_of(self());
    const ns = format_status(this.mod, 'normal', status, [pd === 'undefined' ? [] : pd, this.state, this.data]);
    let rest: unknown;
    if (ns.EXIT !== undefined) rest = [['data', [['State', [this.state, ns.EXIT]]]]];
    // A list of status items is the tail as it is, any other term is wrapped. Tuples being
    // arrays here, a list is an array of arrays (['data', ...] items); ['normal', S] is a term.
    else if ('$status' in ns) rest = is_item_list(ns.$status) ? ns.$status : [ns.$status];
    else rest = [['data', [['State', [ns.state, ns.data]]]]];
    return [
      ['header', status_header('Status for state machine', this.name)],
      ['data', [
        ['Status', st], ['Parent', this.parent ?? self()], ['Modules', this.modules.map((m) => m.name ?? 'undefined')],
        ['Time-outs', [timeouts.length, ns.timeouts]], ['Logged Events', ns.log], ['Postponed', ns.postponed],
      ]],
      ...(rest as unknown[]),
    ];
  }

  get debug(): SysDebug {
    return (this.dbg ??= { trace: false, on: false, opts: null });
  }

  /** Whether a debug option is on: events are made and reported only then. */
  debugging(): boolean {
    return this.dbg !== null && this.dbg.on;
  }

  /** sys's event (OTP's term) and its *DBG* text, when a debug option is on. */
  event(ev: unknown, text: () => string): void {
    if (this.dbg !== null && this.dbg.on) debug_event(this.dbg, this.name, ev, text);
  }
}

function is_item_list(v: unknown): v is unknown[] {
  return Array.isArray(v) && v.every((x) => Array.isArray(x));
}

/** Running timers as [Type, Msg], in OTP's order (descending by type: generic ones, timeout, state_timeout). */
function list_timeouts(timers: Map<string, Timer>): unknown[] {
  const rank = (t: Timer): number => (t.type === 'state_timeout' ? 2 : t.type === 'timeout' ? 1 : 0);
  return [...timers.values()]
    .sort((a, b) => rank(a) - rank(b) || -format_term(a.type).localeCompare(format_term(b.type)))
    .map((t) => [t.type, t.msg]);
}

function ack(starter: Pid, ret: StartResult): void {
  send(starter, ['ack', self(), ret]);
}

function mode_of(v: unknown): [CallbackMode, boolean] | null {
  const list: unknown[] = Array.isArray(v) ? v : [v];
  let mode: CallbackMode | null = null;
  let enter = false;
  for (const x of list) {
    if (x === 'state_functions' || x === 'handle_event_function') mode = x;
    else if (x === 'state_enter') enter = true;
    else return null;
  }
  return mode === null ? null : [mode, enter];
}

/** The exit reason a Stop gives: its exception's, or its reason. */
function stop_reason(s: Stop): unknown {
  return s.exc === undefined ? s.reason : reason_of(s.exc);
}

/**
 * get_callback_mode for a module taking over (code change, change or push or pop of the
 * callback module): [Mode, StateEnter], or throws the Stop OTP terminates with.
 */
function fetch_mode(mod: Module<unknown>): [CallbackMode, boolean] {
  if (typeof mod.callback_mode !== 'function') throw error_stop(['undef', [[mod.name ?? 'undefined', 'callback_mode', []]]]);
  let v: unknown;
  try {
    v = mod.callback_mode();
  } catch (e) {
    if (!(e instanceof Error)) v = e; // a throw is the result, as OTP's catch
    else throw new Stop(e instanceof ErlangExit || e instanceof ErlangError ? e.reason : e, e);
  }
  const cm = mode_of(v);
  if (cm === null) throw error_stop(['bad_return_from_callback_mode', v]);
  return cm;
}

/** The body of a state machine: registers, runs init, acks the starter, then loops. */
export function* init_it<A, D>(
  starter: Pid, parent: Pid | null, name: ServerName | null, mod: GenStatemModule<A, D>, args: A,
): Proc<void> {
  if (name !== null && !register_name(name, self())) {
    ack(starter, ['error', ['already_started', where(name)]]);
    exit('normal');
  }
  const r = yield* dispatch(() => mod.init(args));
  const fail = (reply: StartResult, reason: unknown): never => {
    if (name !== null) unregister_name(name);
    ack(starter, reply);
    return exit(reason);
  };
  // As OTP 25's: a crash in init or a bad return from it is reported (whatever its reason),
  // after the ack, with no state yet.
  const init_report = (c: [ErrorClass, unknown, unknown[]]): void => {
    const mname = mod.name ?? 'undefined';
    report_terminate(self(), {
      name: display_name(name, self()), mod, modules: [mname], callback_mode: 'state_functions', state_enter: false,
      state: 'undefined', data: 'undefined', queue: [], postponed: [], timeouts: [], log: [], cls: c[0], reason: c[1], stack: c[2],
    });
  };
  if (r[0] === 'EXIT') {
    // OTP 25's gen_statem (unlike gen_server) answers the exception's own reason: error(R) gives
    // ['error', R], while the process still exits with [R, Stack].
    const c = classify(r[2]);
    if (name !== null) unregister_name(name);
    ack(starter, ['error', c[1]]);
    init_report(c);
    throw r[2];
  }
  const v = r[1];
  if (v === 'ignore') fail('ignore', 'normal');
  if (Array.isArray(v) && v[0] === 'stop' && v.length === 2) fail(['error', v[1]], v[1]);
  if (!(Array.isArray(v) && v[0] === 'ok' && (v.length === 3 || v.length === 4))) {
    const reason = ['bad_return_from_init', v];
    if (name !== null) unregister_name(name);
    ack(starter, ['error', reason]);
    init_report(['error', reason, current_stack()]);
    exit(reason);
  }
  const m = mod as GenStatemModule<unknown, D>;
  const sm = new Machine<D>(parent, display_name(name, self()), m);
  sm.current = INIT_STATE;
  sm.state = (v as unknown[])[1];
  sm.data = (v as unknown[])[2] as D;
  // As OTP 25's: the ack first, then callback_mode, so a bad one stops a machine whose start
  // returned ['ok', Pid] (with [['bad_return_from_callback_mode', V], Stack]).
  ack(starter, ['ok', self()]);
  try {
    [sm.mode, sm.enter] = fetch_mode(m as Module<unknown>);
  } catch (e) {
    if (e instanceof Stop) return yield* terminate(sm, e);
    throw e;
  }
  publish_state(self(), sm);
  yield* run(sm, (v as unknown[])[3] ?? []);
}

/** The machine from its first state on: init's (or enter_loop's) actions, then the loop. */
function* run<D>(sm: Machine<D>, actions: unknown): Proc<void> {
  try {
    // The actions as a transition into the first state: its enter call runs (OldState = State).
    const p = parse_actions(sm as Machine<unknown>, actions, false, 'init', sm.state);
    p.state = sm.state;
    p.data = sm.data;
    yield* transition(sm, p, null, true);
    sm.current = null;
    yield* loop(sm);
  } catch (e) {
    if (e instanceof Stop) return yield* terminate(sm, e);
    throw e;
  }
}

/**
 * gen_statem:enter_loop: the calling process (started through proc_lib) becomes a state
 * machine in state with data, after the actions. With a name, the process must already be
 * registered under it (else exits process_not_registered, ..._globally, ..._via, as OTP's gen).
 */
export function* enter_loop<D>(
  mod: GenStatemModule<unknown, D>, state: unknown, data: D, opts: { name?: ServerName; actions?: unknown } = {},
): Proc<void> {
  const name = opts.name ?? null;
  if (name !== null && where(name) !== self()) {
    if ('local' in name) exit('process_not_registered');
    exit('global' in name ? 'process_not_registered_globally' : ['process_not_registered_via', name.via[0]]);
  }
  const anc = get('$ancestors');
  const parent = Array.isArray(anc) && anc[0] instanceof Pid ? (anc[0] as Pid) : exit('process_was_not_started_by_proc_lib');
  const sm = new Machine<D>(parent, display_name(name, self()), mod);
  sm.state = state;
  sm.data = data;
  sm.current = INIT_STATE;
  try {
    [sm.mode, sm.enter] = fetch_mode(mod as Module<unknown>);
  } catch (e) {
    if (e instanceof Stop) return yield* terminate(sm, e);
    throw e;
  }
  publish_state(self(), sm);
  yield* run(sm, opts.actions ?? []);
}

/**
 * OTP's terminate: terminate/3 (a crash there is reported and replaces the reason), then for
 * normal, shutdown or {shutdown, _} sys's terminate event, for any other reason the error
 * report (and no sys event), then the exit.
 */
function* terminate<D>(sm: Machine<D>, s: Stop): Proc<never> {
  const { reason, exc } = s;
  const t = sm.mod.terminate?.bind(sm.mod);
  if (t !== undefined) {
    const r = yield* dispatch(() => t(reason, sm.state, sm.data));
    if (r[0] === 'EXIT') {
      report(sm, classify(r[2]));
      throw r[2];
    }
  }
  // The reason OTP checks is the exception's own (error(normal) is quiet too), not the exit reason.
  const c = exc === undefined && is_quiet_reason(reason) ? null : stop_class(s);
  if (c !== null && !is_quiet_reason(c[1])) {
    report(sm, c);
  } else {
    const [why, st] = [c === null ? reason : c[1], sm.state];
    sm.event(['terminate', why, st], () => `terminate ${format_term(why)} in state ${format_term(st)}`);
  }
  if (exc !== undefined) throw exc;
  return exit(reason);
}

/** gen_statem:error_info for a running machine, from what it holds now. */
function report<D>(sm: Machine<D>, [cls, reason, stack]: [ErrorClass, unknown, unknown[]]): void {
  const info: TerminateInfo = {
    name: sm.name, mod: sm.mod, modules: sm.modules.map((m) => m.name ?? 'undefined'),
    callback_mode: sm.mode, state_enter: sm.enter, state: sm.state, data: sm.data,
    queue: sm.current === null ? [] : [sm.current, ...sm.queue],
    postponed: [...sm.postponed].reverse(), timeouts: list_timeouts(sm.timers), log: logged_events(sm.dbg),
    cls, reason, stack,
  };
  report_terminate(self(), info);
}

function* next_event<D>(sm: Machine<D>): Proc<Event | null> {
  const queued = sm.queue.shift();
  if (queued !== undefined) return queued;
  const ev = yield* receive_event(sm);
  // OTP traces 'receive' for events from the mailbox only (not queued or postponed ones).
  if (ev !== null && sm.debugging()) {
    const st = sm.state;
    sm.event(['in', ev, st], () => `receive ${event_string(ev)} in state ${format_term(st)}`);
  }
  return ev;
}

function* receive_event<D>(sm: Machine<D>): Proc<Event | null> {
  const msg = yield* receive(on(_));
  if (is_system(msg)) {
    const o = yield* handle_system_msg(msg[2], msg[1], sm);
    if (o !== 'continue') throw new Stop(o[1]);
    return null;
  }
  if (Array.isArray(msg) && msg.length === 3) {
    if (msg[0] === '$gen_call') return [['call', msg[1] as From], msg[2]];
    if (msg[0] === 'EXIT' && sm.parent !== null && msg[1] === sm.parent) throw new Stop(msg[2]);
    if (msg[0] === 'timeout' && Array.isArray(msg[2]) && msg[2][0] === TIMER_TAG) {
      const key = msg[2][1] as string;
      const t = sm.timers.get(key);
      if (t === undefined || t.ref !== msg[1]) return null; // cancelled or replaced: stale
      sm.timers.delete(key);
      return [t.type, t.msg];
    }
  }
  if (Array.isArray(msg) && msg.length === 2 && msg[0] === '$gen_cast') return ['cast', msg[1]];
  return ['info', msg];
}

function event_string(ev: Event): string {
  const [type, content] = ev;
  if (Array.isArray(type) && type[0] === 'call') return `call ${format_term(content)} from ${format_term((type[1] as From)[0])}`;
  return `${format_term(type)} ${format_term(content)}`;
}

function* loop<D>(sm: Machine<D>): Proc<never> {
  for (;;) {
    const ev = yield* next_event(sm);
    if (ev === null) continue;
    sm.current = ev;
    const r = yield* call_state(sm, ev[0], ev[1]);
    const p = parse_result(sm, r, false);
    yield* transition(sm, p, ev, false);
    sm.current = null;
  }
}

function* call_state<D>(sm: Machine<D>, type: EventType, content: unknown): Proc<unknown> {
  const mod = sm.mod;
  const st = sm.state;
  const data = sm.data;
  let r: Dispatched<unknown>;
  if (sm.mode === 'handle_event_function') {
    const h = mod.handle_event?.bind(mod);
    if (h === undefined) throw new Stop(['undef', [[mod.name ?? 'undefined', 'handle_event', [type, content, st, data]]]], undefined, true);
    r = yield* dispatch(() => h(type, content, st, data));
  } else {
    const f = typeof st === 'string' ? mod[st] : undefined;
    if (typeof f !== 'function') throw new Stop(['undef', [[mod.name ?? 'undefined', st, [type, content, data]]]], undefined, true);
    r = yield* dispatch(() => (f as StateFunction<D>).call(mod, type, content, data));
  }
  if (r[0] === 'EXIT') throw new Stop(r[1], r[2]);
  return r[1];
}

function bad(enter: boolean, what: 'return' | 'action', v: unknown): never {
  const tag = enter
    ? what === 'return' ? 'bad_state_enter_return_from_state_function' : 'bad_state_enter_action_from_state_function'
    : what === 'return' ? 'bad_return_from_state_function' : 'bad_action_from_state_function';
  throw error_stop([tag, v]);
}

function reply_to(sm: Machine<unknown>, from: unknown, r: unknown): void {
  if (!(Array.isArray(from) && from[0] instanceof Pid)) throw error_stop(['bad_action_from_state_function', ['reply', from, r]]);
  send(from[0], [from[1], r]);
  if (sm.debugging()) sm.event(['out', r, from], () => `send ${format_term(r)} to ${format_term(from[0])}`);
}

/** A callback's result as a transition; stop results end the process here. */
function parse_result<D>(sm: Machine<D>, r: unknown, enter: boolean): Parsed {
  const keep = (data: unknown, actions: unknown, repeat: boolean): Parsed => {
    const p = actions_of(sm, actions, enter, sm.state, data);
    p.state = sm.state;
    p.data = data;
    p.repeat = repeat;
    return p;
  };
  if (r === 'keep_state_and_data') return keep(sm.data, [], false);
  if (r === 'repeat_state_and_data') return keep(sm.data, [], true);
  if (r === 'stop') throw new Stop('normal');
  if (!Array.isArray(r)) return bad(enter, 'return', r);
  switch (r[0]) {
    case 'next_state':
      if (r.length === 3 || r.length === 4) {
        if (enter && !isDeepStrictEqual(r[1], sm.state)) return bad(true, 'return', r);
        const p = actions_of(sm, r[3] ?? [], enter, r[1], r[2]);
        p.state = r[1];
        p.data = r[2];
        return p;
      }
      break;
    case 'keep_state':
      if (r.length === 2 || r.length === 3) return keep(r[1], r[2] ?? [], false);
      break;
    case 'keep_state_and_data':
      if (r.length === 2) return keep(sm.data, r[1], false);
      break;
    case 'repeat_state':
      if (r.length === 2 || r.length === 3) return keep(r[1], r[2] ?? [], true);
      break;
    case 'repeat_state_and_data':
      if (r.length === 2) return keep(sm.data, r[1], true);
      break;
    case 'stop':
      if (r.length === 2) throw new Stop(r[1]);
      if (r.length === 3) {
        sm.data = r[2] as D;
        throw new Stop(r[1]);
      }
      break;
    case 'stop_and_reply':
      if (r.length === 3 || r.length === 4) {
        if (r.length === 4) sm.data = r[3] as D;
        for (const a of as_list(r[2])) {
          if (!(Array.isArray(a) && a[0] === 'reply' && a.length === 3)) return bad(enter, 'action', a);
          reply_to(sm as Machine<unknown>, a[1], a[2]);
        }
        throw new Stop(r[1]);
      }
      break;
  }
  return bad(enter, 'return', r);
}

/** A result's actions; a bad one stops the machine in the state and data the result asked for, as OTP's. */
function actions_of<D>(sm: Machine<D>, actions: unknown, enter: boolean, state: unknown, data: unknown): Parsed {
  try {
    return parse_actions(sm as Machine<unknown>, actions, enter, 'event', state);
  } catch (e) {
    if (e instanceof Stop) {
      sm.state = state;
      sm.data = data as D;
    }
    throw e;
  }
}

function as_list(a: unknown): unknown[] {
  return Array.isArray(a) && !is_single_action(a) ? a : [a];
}

/** A tuple action (as opposed to a list of actions): its first element is an action tag. */
function is_single_action(a: unknown[]): boolean {
  const t = a[0];
  // 'postpone' and 'hibernate' are actions alone too: a list may start with them.
  if (t === 'postpone' || t === 'hibernate') return a.length === 2 && typeof a[1] === 'boolean';
  if (typeof t === 'string') {
    return ['next_event', 'reply', 'timeout', 'state_timeout', 'change_callback_module', 'push_callback_module'].includes(t);
  }
  return Array.isArray(t) && t.length === 2 && t[0] === 'timeout' && a.length >= 2 && (typeof a[1] === 'number' || a[1] === 'infinity' || a[1] === 'cancel' || a[1] === 'update');
}

/** A callback module, as OTP's is_atom(Module): an object (not a list, not a pid). */
function is_module(m: unknown): m is Module<unknown> {
  return typeof m === 'object' && m !== null && !Array.isArray(m) && !(m instanceof Pid);
}

/** The module stack changes for the events after this one (and this transition's enter call). */
function set_modules(sm: Machine<unknown>, mods: Module<unknown>[], next: unknown): void {
  [sm.mode, sm.enter] = fetch_mode(mods[0]);
  sm.modules = mods;
  const mname = mods[0].name ?? 'undefined';
  sm.event(['module', mname, next], () => `module ${format_term(mname)} in state ${format_term(next)}`);
}

function parse_actions(sm: Machine<unknown>, actions: unknown, enter: boolean, _ctx: 'init' | 'event', next: unknown): Parsed {
  const p: Parsed = { state: undefined, data: undefined, repeat: false, postpone: false, next_events: [], timeouts: [] };
  for (const a of as_list(actions)) {
    if (a === 'postpone' || (Array.isArray(a) && a[0] === 'postpone' && a.length === 2 && typeof a[1] === 'boolean')) {
      if (enter || _ctx === 'init') bad(enter, 'action', a);
      p.postpone = a === 'postpone' || (a as unknown[])[1] === true;
    } else if (a === 'hibernate' || (Array.isArray(a) && a[0] === 'hibernate' && a.length === 2 && typeof a[1] === 'boolean')) {
      // Accepted (['hibernate', NotBool] is a bad action, as OTP's); the runtime's processes
      // need no hibernation to stay small, and the state and timers are kept as they are.
    } else if (Array.isArray(a) && a[0] === 'next_event' && a.length === 3) {
      if (enter) bad(true, 'action', a);
      p.next_events.push([a[1] as EventType, a[2]]);
    } else if (Array.isArray(a) && a[0] === 'reply' && a.length === 3) {
      reply_to(sm, a[1], a[2]);
    } else if (Array.isArray(a) && a.length === 2 && (a[0] === 'change_callback_module' || a[0] === 'push_callback_module') && is_module(a[1])) {
      if (enter) bad(true, 'action', a);
      set_modules(sm, a[0] === 'push_callback_module' ? [a[1], ...sm.modules] : [a[1], ...sm.modules.slice(1)], next);
    } else if (a === 'pop_callback_module' && sm.modules.length > 1) {
      if (enter) bad(true, 'action', a);
      set_modules(sm, sm.modules.slice(1), next);
    } else if (typeof a === 'number') {
      p.timeouts.push(['timeout', a, a]);
    } else if (Array.isArray(a) && (a[0] === 'timeout' || a[0] === 'state_timeout' || (Array.isArray(a[0]) && a[0][0] === 'timeout' && a[0].length === 2))) {
      const [, t] = a as unknown[];
      const ok = (a.length >= 3 && a.length <= 4 && (t === 'infinity' || (Number.isInteger(t) && (t as number) >= 0)) || t === 'update') ||
        (a.length === 2 && t === 'cancel');
      if (!ok) bad(enter, 'action', a);
      p.timeouts.push(a as unknown[]);
    } else {
      bad(enter, 'action', a);
    }
  }
  return p;
}

function cancel(sm: Machine<unknown>, key: string): void {
  const t = sm.timers.get(key);
  if (t === undefined) return;
  sm.timers.delete(key);
  cancel_timer(t.ref);
}

/**
 * Applies a parsed result: state and data, the enter call, then (as OTP's
 * loop_state_transition, so a report from the enter call sees the queue, postponed events
 * and timers as they were) postpone, the event timeout's cancel, the queue order, then timeouts.
 */
function* transition<D>(sm: Machine<D>, p: Parsed, ev: Event | null, initial: boolean): Proc<void> {
  const old = sm.state;
  const old_data = sm.data;
  const changed = initial || !isDeepStrictEqual(p.state, old);
  sm.state = p.state;
  sm.data = p.data as D;
  if (ev !== null && sm.debugging()) {
    const [tag, next] = [p.postpone ? 'postpone' : 'consume', p.state];
    const states = (): string => (changed ? `${format_term(old)} => ${format_term(next)}` : format_term(old));
    sm.event([tag, ev, old, next], () => `${tag} ${event_string(ev)} in state ${states()}`);
  }
  let timeouts = p.timeouts;
  if (sm.enter && (changed || p.repeat)) {
    for (;;) {
      let r: unknown;
      try {
        r = yield* call_state(sm, 'enter', initial ? sm.state : old);
      } catch (e) {
        // A crash in the enter call stops the machine in the state and data it left, as OTP's.
        if (e instanceof Stop) [sm.state, sm.data] = [old, old_data];
        throw e;
      }
      const e = parse_result(sm, r, true);
      sm.data = e.data as D;
      timeouts = [...timeouts, ...e.timeouts];
      if (!e.repeat) break;
    }
  }
  if (p.postpone && ev !== null) sm.postponed.push(ev);
  // Any event cancels the event timeout.
  if (ev !== null) cancel(sm as Machine<unknown>, 'timeout');
  if (changed && !initial) {
    cancel(sm as Machine<unknown>, 'state_timeout');
    sm.queue = [...p.next_events, ...sm.postponed, ...sm.queue];
    sm.postponed = [];
  } else {
    sm.queue = [...p.next_events, ...sm.queue];
  }
  for (const t of timeouts) set_timeout(sm as Machine<unknown>, t);
}

function set_timeout(sm: Machine<unknown>, a: unknown[]): void {
  const type = a[0] as EventType;
  const key = timer_key(type);
  const t = a[1];
  if (t === 'cancel') return cancel(sm, key);
  if (t === 'update') {
    const cur = sm.timers.get(key);
    if (cur !== undefined) cur.msg = a[2];
    else if (key !== 'timeout' || sm.queue.length === 0) sm.queue.push([type, a[2]]); // OTP: an update of no timer fires at once
    return;
  }
  cancel(sm, key);
  if (t === 'infinity') return;
  const abs = Array.isArray(a[3]) && (a[3] as unknown[][]).some((o) => o[0] === 'abs' && o[1] === true);
  const ms = abs ? Math.max(0, (t as number) - Date.now()) : (t as number);
  // The event timeout starts only when no event is queued: a queued event would cancel it.
  if (key === 'timeout' && sm.queue.length > 0) return;
  if (ms === 0) {
    sm.queue.push([type, a[2]]);
    return;
  }
  const ref = start_timer(ms, self(), [TIMER_TAG, key]);
  sm.timers.set(key, { ref, type, msg: a[2] });
}

