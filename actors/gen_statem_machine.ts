// A gen_statem's state (class Machine: what sys reads and changes) and how it stops (Stop):
// the callback mode, the module stack, the queue, postponed events and timers, as OTP 25's
// #params and #state hold them. The event loop is in gen_statem_loop.ts.
import { format_term, self, dictionary_of, Pid, Proc, Ref } from '../runtime';
import { ErlangError, ErlangExit, reason_of } from '../runtime/exits';
import { dispatch, Dispatched } from './callback';
import { format_status } from './gen_format_status';
import { debug_event, logged_events, status_header, SysDebug, SystemTarget, SysState } from './sys';
import type { CallbackMode, EventType, GenStatemModule, Ret } from './gen_statem_types';
import { classify, current_stack, type ErrorClass } from './gen_statem_report';

/** An event: [Type, Content]. */
export type Event = [EventType, unknown];
export const TIMER_TAG = '$gen_statem_timeout';

/** Thrown to stop the machine: the reason, and the exception when a callback raised one. */
export class Stop {
  constructor(
    readonly reason: unknown,
    readonly exc?: unknown,
    /** A missing callback: reason is ['undef', [[Module, Function, Args]]], OTP's error:undef. */
    readonly undef = false,
  ) {}
}

/** The Class, Reason and Stacktrace of OTP's terminate for a Stop (a stop result's is exit). */
export function stop_class(s: Stop): [ErrorClass, unknown, unknown[]] {
  if (s.undef) return ['error', 'undef', [...(s.reason as [string, unknown[]])[1], ...current_stack()]];
  if (s.exc === undefined) return ['exit', s.reason, current_stack()];
  const c = classify(s.exc);
  // callback_mode's undef (fetch_mode) is raised as error({undef, [Frame]}): the frame goes on the stack.
  const r = c[1];
  if (c[0] === 'error' && Array.isArray(r) && r.length === 2 && r[0] === 'undef' && Array.isArray(r[1])) return ['error', 'undef', [...(r[1] as unknown[]), ...c[2]]];
  return c;
}

/** An error-class stop, as OTP's terminate(error, Reason, Stack): the exit reason is [Reason, Stack]. */
export function error_stop(reason: unknown): Stop {
  return new Stop(reason, new ErlangError(reason));
}

export interface Timer {
  ref: Ref;
  type: EventType;
  msg: unknown;
}

export function timer_key(type: EventType): string {
  return typeof type === 'string' ? type : `g:${format_term(type[1])}`;
}

export type Module<D> = GenStatemModule<unknown, D>;

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
    // Postponed events the newest first, as OTP keeps them (test/otp/53).
    const status = { state: this.state, data: this.data, postponed: [...this.postponed].reverse(), log: logged_events(this.dbg), timeouts };
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
export function list_timeouts(timers: Map<string, Timer>): unknown[] {
  const rank = (t: Timer): number => (t.type === 'state_timeout' ? 2 : t.type === 'timeout' ? 1 : 0);
  return [...timers.values()]
    .sort((a, b) => rank(a) - rank(b) || -format_term(a.type).localeCompare(format_term(b.type)))
    .map((t) => [t.type, t.msg]);
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
export function stop_reason(s: Stop): unknown {
  return s.exc === undefined ? s.reason : reason_of(s.exc);
}

/**
 * get_callback_mode for a module taking over (code change, change or push or pop of the
 * callback module): [Mode, StateEnter], or throws the Stop OTP terminates with.
 */
export function fetch_mode(mod: Module<unknown>): [CallbackMode, boolean] {
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

