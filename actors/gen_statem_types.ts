// The types of OTP 25's gen_statem: event types, callback results and actions as tuples.
import type { From, Ret } from './gen_server_types';

export type { From, Ret };

export type CallbackMode = 'state_functions' | 'handle_event_function';
export type CallbackModeResult = CallbackMode | [CallbackMode] | [CallbackMode, 'state_enter'];

/** An event's type: ['call', From] | 'cast' | 'info' | 'timeout' | ['timeout', Name] | 'state_timeout' | 'internal', and 'enter' for a state enter call. */
export type EventType =
  | ['call', From]
  | 'cast'
  | 'info'
  | 'timeout'
  | ['timeout', unknown]
  | 'state_timeout'
  | 'internal'
  | 'enter';

export type TimeoutTime = number | 'infinity';
export type TimeoutOpts = Array<['abs', boolean]>;

export type Action =
  | 'postpone'
  | ['postpone', boolean]
  | 'hibernate'
  | ['hibernate', boolean]
  | ['next_event', EventType, unknown]
  | ['reply', From, unknown]
  | number
  | ['timeout', TimeoutTime, unknown]
  | ['timeout', TimeoutTime, unknown, TimeoutOpts]
  | ['timeout', 'cancel']
  | ['timeout', 'update', unknown]
  | ['state_timeout', TimeoutTime, unknown]
  | ['state_timeout', TimeoutTime, unknown, TimeoutOpts]
  | ['state_timeout', 'cancel']
  | ['state_timeout', 'update', unknown]
  | [['timeout', unknown], TimeoutTime, unknown]
  | [['timeout', unknown], TimeoutTime, unknown, TimeoutOpts]
  | [['timeout', unknown], 'cancel']
  | [['timeout', unknown], 'update', unknown]
  /** OTP 25's callback module actions: the module (an object) handles the events after this one. */
  | ['change_callback_module', object]
  | ['push_callback_module', object]
  | 'pop_callback_module';

export type Actions = Action | Action[];

export type EventResult<D> =
  | ['next_state', unknown, D]
  | ['next_state', unknown, D, Actions]
  | ['keep_state', D]
  | ['keep_state', D, Actions]
  | 'keep_state_and_data'
  | ['keep_state_and_data', Actions]
  | ['repeat_state', D]
  | ['repeat_state', D, Actions]
  | 'repeat_state_and_data'
  | ['repeat_state_and_data', Actions]
  | 'stop'
  | ['stop', unknown]
  | ['stop', unknown, D]
  | ['stop_and_reply', unknown, Actions]
  | ['stop_and_reply', unknown, Actions, D];

export type StatemInitResult<D> = ['ok', unknown, D] | ['ok', unknown, D, Actions] | 'ignore' | ['stop', unknown];

/**
 * gen_statem's status map, as format_status/1 gets it. For the terminate report it also has
 * the reason and the queue (the event being handled first), which it may change too.
 */
export interface GenStatemStatus {
  state: unknown;
  data: unknown;
  postponed: unknown;
  log: unknown;
  timeouts: unknown;
  reason?: unknown;
  queue?: unknown;
}

/** A state function (state_functions mode): the module's method named after the state. */
export type StateFunction<D> = (type: EventType, content: unknown, data: D) => Ret<EventResult<D>>;

/**
 * A gen_statem callback module. In state_functions mode each state is a method named after it
 * (states are strings then); in handle_event_function mode handle_event gets every event.
 */
export interface GenStatemModule<A, D> {
  callback_mode(): CallbackModeResult;
  init(args: A): Ret<StatemInitResult<D>>;
  handle_event?(type: EventType, content: unknown, state: unknown, data: D): Ret<EventResult<D>>;
  terminate?(reason: unknown, state: unknown, data: D): Ret<unknown>;
  /**
   * sys:change_code's callback, on a suspended machine: ['ok', State, Data] takes them (and
   * callback_mode is read again); any other return (or a throw's value) is answered as
   * ['error', It].
   */
  code_change?(old_vsn: unknown, state: unknown, data: D, extra: unknown): Ret<['ok', unknown, D] | unknown>;
  /**
   * What sys:get_status shows. OTP 25's map form, declared with one parameter:
   * format_status(status) gets {state, data, postponed, log, timeouts} and returns the map
   * with values changed (all its keys: a part of it is refused, as OTP 25 does). The legacy
   * form, declared with two: format_status('normal', [PDict, State, Data]) → the status's
   * tail (a list of ['data', ...] items, or one term).
   */
  format_status?: ((status: GenStatemStatus) => GenStatemStatus) | ((opt: 'normal' | 'terminate', args: unknown[]) => unknown);
  readonly name?: string;
  /** State functions, by state name. */
  [state: string]: unknown;
}
