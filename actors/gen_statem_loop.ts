// The gen_statem process: OTP 25's event loop on the runtime. Events come from an internal
// queue first (next_event, postponed events after a state change, zero timeouts), then from
// the mailbox. After a state change the order is: the state enter call, the next_event
// events, the postponed events in their original order, then the rest. The machine's state
// is in gen_statem_machine.ts, the parsing of callback results in gen_statem_actions.ts.
import { isDeepStrictEqual } from 'util';
import { receive, on, _, send, self, exit, get, start_timer, cancel_timer, format_term, Pid, Proc } from '../runtime';
import { is_quiet_reason } from '../runtime/exits';
import { dispatch, Dispatched } from './callback';
import { display_name, register_name, unregister_name, where } from './gen_name';
import { publish_state } from './behaviour_state';
import { logged_events, handle_system_msg, is_system } from './sys';
import type { From, ServerName, StartResult } from './gen_server_types';
import type { EventType, GenStatemModule, StateFunction } from './gen_statem_types';
import { classify, current_stack, report_terminate, type ErrorClass, type TerminateInfo } from './gen_statem_report';
import {
  fetch_mode, list_timeouts, Machine, Stop, stop_class, timer_key, TIMER_TAG, type Event, type Module,
} from './gen_statem_machine';
import { parse_actions, parse_result, type Parsed } from './gen_statem_actions';

/** OTP's event for the transition into the first state (what a report shows as the last event then). */
const INIT_STATE: Event = ['internal', 'init_state'];

function ack(starter: Pid, ret: StartResult): void {
  send(starter, ['ack', self(), ret]);
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

