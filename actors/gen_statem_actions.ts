// A gen_statem callback's result and its actions, checked as OTP 25 checks them: what the
// transition asks for (Parsed), replies sent at once, a bad result or action stopping the
// machine with OTP's reason.
import { isDeepStrictEqual } from 'util';
import { send, format_term, Pid } from '../runtime';
import { error_stop, fetch_mode, Machine, Stop, type Event, type Module } from './gen_statem_machine';
import type { EventType } from './gen_statem_types';

/** What one callback result asks for, once parsed. */
export interface Parsed {
  state: unknown;
  data: unknown;
  repeat: boolean;
  postpone: boolean;
  next_events: Event[];
  timeouts: unknown[][];
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
export function parse_result<D>(sm: Machine<D>, r: unknown, enter: boolean): Parsed {
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

export function parse_actions(sm: Machine<unknown>, actions: unknown, enter: boolean, _ctx: 'init' | 'event', next: unknown): Parsed {
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

