// The server process: OTP's gen_server:init_it/6 and loop, on the runtime. A process loop
// (not recursion) so a long-lived server runs in flat memory; the loop is an object driven as
// a generator (Server, below), so a waiting server keeps only its fields. System messages (sys) are
// answered between callbacks; handle_continue runs before the next message.
import { receive, on, after, _, send, self, exit, get, format_term, Pid, Proc } from '../runtime';
import { ProcessKilled } from '../runtime/exits';
import { receive_in } from '../runtime/receive';
import { proc_class } from '../runtime/scheduler';
import { caught, dispatch, dispatch_gen, is_generator, Dispatched } from './callback';
import { display_name, register_name, unregister_name, where } from './gen_name';
import { publish_state } from './behaviour_state';
import { is_quiet_reason, report_terminate } from './gen_server_report';
import { debug_event, logged_events, handle_system_msg, is_system, status_header, SysDebug, SystemTarget, SysState } from './sys';
import type { From, GenServerModule, InitResult, ServerName, StartResult, Timeout } from './gen_server_types';

const TIMEOUT = Symbol('gen_server.timeout');
const any = on(_);

function ack(starter: Pid, ret: StartResult): void {
  send(starter, ['ack', self(), ret]);
}

/**
 * The body of a server: registers, runs init, acks the starter, then loops. A plain function,
 * not a generator: when init is plain (most are) it all happens at once and the body is the
 * loop's generator itself, so no init_it frame stays suspended under the loop of every server
 * (a supervisor of 10,000 children kept 10,000 of them).
 */
export function init_it<A, S>(
  starter: Pid, parent: Pid | null, name: ServerName | null, mod: GenServerModule<A, S>, args: A,
): Proc<void> {
  if (name !== null && !register_name(name, self())) {
    // Lost a race with another start under the same name, as gen:register_name reports it.
    ack(starter, ['error', ['already_started', where(name)]]);
    exit('normal');
  }
  // init called here, not through a closure (as dispatch would take), with dispatch's catch.
  let r: Dispatched<InitResult<S>>;
  try {
    const v = mod.init(args);
    if (is_generator(v)) return init_wait(starter, parent, name, mod, dispatch_gen(v as Proc<InitResult<S>>));
    r = ['ok', v as InitResult<S>];
  } catch (e) {
    r = caught<InitResult<S>>(e);
  }
  return init_done(starter, parent, name, mod, r);
}

/** init was a generator: wait for it, then as init_done. */
function* init_wait<A, S>(
  starter: Pid, parent: Pid | null, name: ServerName | null, mod: GenServerModule<A, S>, g: Proc<Dispatched<InitResult<S>>>,
): Proc<void> {
  const r = yield* g;
  yield* init_done(starter, parent, name, mod, r);
}

/** init failed or declined: unregister before the ack (so the starter can start again under the name at once), ack, exit. */
function init_fail(starter: Pid, name: ServerName | null, reply: StartResult, reason: unknown): never {
  if (name !== null) unregister_name(name);
  ack(starter, reply);
  return exit(reason);
}

/** init's result read as OTP's init_it does: ack the starter; on ['ok', S] the loop to run. */
function init_done<A, S>(
  starter: Pid, parent: Pid | null, name: ServerName | null, mod: GenServerModule<A, S>, r: Dispatched<InitResult<S>>,
): Proc<void> {
  if (r[0] === 'EXIT') {
    ack(starter, ['error', r[1]]);
    throw r[2]; // the same exit reason as OTP's erlang:raise
  }
  const v = r[1] as unknown;
  if (v === 'ignore') init_fail(starter, name, 'ignore', 'normal');
  if (!Array.isArray(v)) init_fail(starter, name, ['error', ['bad_return_value', v]], ['bad_return_value', v]);
  if (v[0] === 'stop' && v.length === 2) init_fail(starter, name, ['error', v[1]], v[1]);
  if (v[0] !== 'ok' || (v.length !== 2 && v.length !== 3)) {
    init_fail(starter, name, ['error', ['bad_return_value', v]], ['bad_return_value', v]);
  }
  ack(starter, ['ok', self()]);
  return serve(parent, name, mod, v[1] as S, (v[2] as Timeout | undefined) ?? 'infinity');
}

/**
 * gen_server:enter_loop: the calling process (started through proc_lib) becomes a server
 * with this state. With a name, the process must already be registered under it.
 */
export function* enter_loop<S>(
  mod: GenServerModule<unknown, S>, state: S, opts: { name?: ServerName; timeout?: Timeout } = {},
): Proc<void> {
  const name = opts.name ?? null;
  if (name !== null && where(name) !== self()) exit('process_not_registered');
  const anc = get('$ancestors');
  const parent = Array.isArray(anc) && anc[0] instanceof Pid ? (anc[0] as Pid) : exit('process_was_not_started_by_proc_lib');
  yield* serve(parent, name, mod, state, opts.timeout ?? 'infinity');
}

/**
 * Runs terminate/2 (when the module has it), logs OTP's error report unless the reason is
 * normal, shutdown or {shutdown, _}, then exits with reason.
 */
function* terminate<S>(sv: Server<S>, reason: unknown, state: S, exc?: unknown): Proc<never> {
  const mod = sv.mod;
  if (mod.terminate !== undefined) {
    const t = mod.terminate.bind(mod);
    const r = yield* dispatch(() => t(reason, state));
    if (r[0] === 'EXIT') {
      sv.report(r[1], state);
      throw r[2]; // a crash in terminate replaces the reason, as in OTP
    }
  }
  sv.report(reason, state);
  if (exc !== undefined) throw exc;
  return exit(reason);
}

/** sys's event for a message in: ['in', Msg], as OTP's gen_server logs it. */
function debug_in(sys: SysDebug, name: unknown, msg: unknown): void {
  const m = msg === TIMEOUT ? 'timeout' : msg;
  debug_event(sys, name, ['in', m], () => {
    if (Array.isArray(m) && m.length === 3 && m[0] === '$gen_call') return `got call ${fmt(m[2])} from ${fmt((m[1] as From)[0])}`;
    if (Array.isArray(m) && m.length === 2 && m[0] === '$gen_cast') return `got cast ${fmt(m[1])}`;
    return `got ${fmt(m)}`;
  });
}

const fmt = format_term;

function is_continue(t: Timeout): t is ['continue', unknown] {
  return Array.isArray(t);
}

/** The clauses of a server's receive with no timeout: one array for every server. */
const ANY: [typeof any] = [any];

function timed_out(): typeof TIMEOUT {
  return TIMEOUT;
}

type Iter = Iterator<unknown, unknown, unknown>;

/** What a server's inner iterator is (Server.mode). */
const enum Inner {
  None,
  Receive,
  Callback,
  Other,
}

/**
 * The server loop, as an object rather than a generator: the callback state, the timeout,
 * and what the loop waits in (the receive, or a generator it runs: a generator callback, a
 * system message, terminate) are its fields, and it is the process's body, driven as a
 * generator is (next/throw/return). A waiting server keeps this object and its receive, where
 * a suspended generator kept its whole register file and the contexts of its closures (about
 * 500 bytes per server); a plain callback's message is handled by plain calls, with no
 * closure made. It is also the server's sys target.
 */
class Server<S> implements SystemTarget, Iter {
  // The fields are declared and set by the constructor (no initializers or parameter
  // properties, which TypeScript emits as a definition of each field and then an assignment:
  // twice the work, and an initializer function call, in code not yet optimized).
  declare readonly parent: Pid | null;
  declare readonly name: unknown;
  declare readonly mod: GenServerModule<unknown, S>;
  declare state: S;
  /** The timeout of the next receive ('infinity', 'hibernate', ms), or ['continue', C]. */
  declare timeout: Timeout;
  /** sys's debug options, made on the first debug request: a server with none has a null here. */
  declare dbg: SysDebug | null;
  /** The receive the server waits in, or a generator it runs; null between them. */
  private declare inner: Iter | null;
  /**
   * What inner is: the receive (its result is the next message), a generator callback (its
   * result is read as a plain callback's, its exceptions caught as dispatch does: run here,
   * with no generator around it), or another generator (sys, terminate). A callback returned
   * by handle() and not yet started is marked too (inner still null).
   */
  private declare mode: Inner;
  /** A generator callback's From and the state it was called with (for its result). */
  private declare cb_from: From | null;
  private declare cb_state: S | undefined;
  /** return() was called: the process is being stopped. */
  private declare ended: boolean;
  /** The message being handled (for the terminate report): what OTP passes to terminate. */
  declare last: unknown;

  constructor(parent: Pid | null, name: unknown, mod: GenServerModule<unknown, S>, state: S, timeout: Timeout) {
    this.parent = parent;
    this.name = name;
    this.mod = mod;
    this.state = state;
    this.timeout = timeout;
    this.dbg = null;
    this.inner = null;
    this.mode = Inner.None;
    this.cb_from = null;
    this.cb_state = undefined;
    this.ended = false;
    this.last = undefined;
  }

  get module(): string {
    return 'gen_server';
  }

  // ---- the process body: yield* drives it as it drives a generator ----

  [Symbol.iterator](): this {
    return this;
  }

  next(v?: unknown): IteratorResult<unknown, unknown> {
    const inner = this.inner;
    if (inner !== null) {
      if (this.mode !== Inner.Callback) return this.resumed(inner.next(v));
      let r: IteratorResult<unknown, unknown>;
      try {
        r = inner.next(v);
      } catch (e) {
        return this.callback_threw(e);
      }
      return this.resumed(r);
    }
    return this.ended ? { done: true, value: undefined } : this.run();
  }

  throw(e: unknown): IteratorResult<unknown, unknown> {
    const inner = this.inner;
    if (inner === null || inner.throw === undefined) {
      this.inner = null;
      this.ended = true;
      throw e;
    }
    if (this.mode !== Inner.Callback) return this.resumed(inner.throw(e));
    let r: IteratorResult<unknown, unknown>;
    try {
      r = inner.throw(e);
    } catch (e2) {
      return this.callback_threw(e2);
    }
    return this.resumed(r);
  }

  return(v?: unknown): IteratorResult<unknown, unknown> {
    const inner = this.inner;
    this.inner = null;
    this.ended = true;
    if (inner !== null && inner.return !== undefined) inner.return(v);
    return { done: true, value: v };
  }

  /** inner stepped: it waits again, or it finished (a message received, or a generator done). */
  private resumed(r: IteratorResult<unknown, unknown>): IteratorResult<unknown, unknown> {
    if (r.done !== true) return r;
    const mode = this.mode;
    this.inner = null;
    this.mode = Inner.None;
    let p: Proc<void> | null = null;
    if (mode === Inner.Receive) p = this.handle(r.value);
    else if (mode === Inner.Callback) p = this.callback_done(r.value);
    if (p !== null) {
      const r2 = this.first(p);
      if (r2 !== null) return r2;
    }
    return this.run();
  }

  /** A generator callback returned: its result read as a plain callback's. */
  private callback_done(v: unknown): Proc<void> | null {
    const from = this.cb_from;
    const st = this.cb_state as S;
    this.cb_from = null;
    this.cb_state = undefined;
    return this.result(v, from, st);
  }

  /** A generator callback threw (as run by dispatch): an Erlang throw is its result, a crash terminates. */
  private callback_threw(e: unknown): IteratorResult<unknown, unknown> {
    const from = this.cb_from;
    const st = this.cb_state as S;
    this.inner = null;
    this.mode = Inner.None;
    this.cb_from = null;
    this.cb_state = undefined;
    const p = this.failed(e, from, st);
    if (p !== null) {
      const r = this.first(p);
      if (r !== null) return r;
    }
    return this.run();
  }

  /**
   * The first step of what handle() (or a callback's result) returned: null when it finished
   * at once (the loop goes on), else its step, with it kept as inner.
   */
  private first(p: Proc<void>): IteratorResult<unknown, unknown> | null {
    if (this.mode !== Inner.Callback) {
      const r = p.next();
      if (r.done === true) return null;
      this.inner = p;
      this.mode = Inner.Other;
      return r;
    }
    let r: IteratorResult<unknown, unknown>;
    try {
      r = p.next();
    } catch (e) {
      return this.callback_threw(e);
    }
    if (r.done !== true) {
      this.inner = p;
      return r;
    }
    this.mode = Inner.None;
    const q = this.callback_done(r.value);
    return q === null ? null : this.first(q);
  }

  /** The loop: messages handled for as long as they are there and handled at once; returns when the server must wait. */
  private run(): IteratorResult<unknown, unknown> {
    for (;;) {
      let p: Proc<void> | null;
      const t = this.timeout;
      if (is_continue(t)) {
        p = this.continue_with(t[1]);
      } else {
        const op = (t === 'infinity' || t === 'hibernate' ? receive_in(ANY) : receive(any, after(t, timed_out))) as Iter;
        const r = op.next();
        if (r.done !== true) {
          this.inner = op;
          this.mode = Inner.Receive;
          this.last = undefined; // a waiting server keeps no handled message alive
          return r;
        }
        p = this.handle(r.value);
      }
      if (p !== null) {
        const r = this.first(p);
        if (r !== null) return r;
      }
    }
  }

  /** handle_continue(C, State), or terminate with undef when the module has none. */
  private continue_with(c: unknown): Proc<void> | null {
    const m = this.mod;
    const st = this.state;
    this.last = ['continue', c];
    if (m.handle_continue === undefined) {
      return terminate(this, ['undef', [[m.name ?? 'undefined', 'handle_continue', [c, st]]]], st);
    }
    let v: unknown;
    try {
      v = m.handle_continue(c, st);
    } catch (e) {
      return this.failed(e, null, st);
    }
    return is_generator(v) ? this.callback(v, null, st) : this.result(v, null, st);
  }

  /**
   * One message: a system message, or the callback it is for → null when it was handled at
   * once, or the generator to run to handle it (a generator callback, sys, terminate).
   */
  handle(msg: unknown): Proc<void> | null {
    if (is_system(msg)) return system(this, msg);
    this.last = msg;
    const dbg = this.dbg;
    if (dbg !== null && dbg.on) debug_in(dbg, this.name, msg);
    const m = this.mod;
    const st = this.state;
    let from: From | null = null;
    let v: unknown;
    try {
      if (msg === TIMEOUT) {
        v = m.handle_info === undefined ? ['noreply', st] : m.handle_info('timeout', st);
      } else if (Array.isArray(msg) && msg.length === 3 && msg[0] === '$gen_call') {
        from = msg[1] as From;
        v = m.handle_call(msg[2], from, st);
      } else if (Array.isArray(msg) && msg.length === 2 && msg[0] === '$gen_cast') {
        v = m.handle_cast(msg[1], st);
      } else if (this.parent !== null && Array.isArray(msg) && msg.length === 3 && msg[0] === 'EXIT' && msg[1] === this.parent) {
        // Trapping exits, the parent's exit is the server's: OTP's gen_server does the same.
        return terminate(this, msg[2], st);
      } else {
        v = m.handle_info === undefined ? ['noreply', st] : m.handle_info(msg, st);
      }
    } catch (e) {
      return this.failed(e, from, st);
    }
    return is_generator(v) ? this.callback(v, from, st) : this.result(v, from, st);
  }

  /** A generator callback to run (by first(), then next() and throw()), as dispatch would run it. */
  private callback(g: Proc<unknown>, from: From | null, st: S): Proc<void> {
    this.mode = Inner.Callback;
    this.cb_from = from;
    this.cb_state = st;
    return g as Proc<void>;
  }

  /** A callback threw: an Erlang throw is its return value, a crash terminates (a kill goes on up). */
  failed(e: unknown, from: From | null, st: S): Proc<void> | null {
    const r = caught<unknown>(e);
    return r[0] === 'EXIT' ? terminate(this, r[1], st, r[2]) : this.result(r[1], from, st);
  }

  /** A callback's return value read as OTP's handle_msg does → null (go on), or terminate's generator. */
  result(v: unknown, from: From | null, st: S): Proc<void> | null {
    if (!Array.isArray(v)) return terminate(this, ['bad_return_value', v], st);
    if (v[0] === 'reply' && from !== null && (v.length === 3 || v.length === 4)) {
      send(from[0], [from[1], v[1]]);
      this.state = v[2] as S;
      this.timeout = (v[3] as Timeout | undefined) ?? 'infinity';
      if (this.dbg?.on === true) {
        const r: unknown = v[1];
        const [f, ns] = [from, this.state];
        debug_event(this.dbg, this.name, ['out', r, f, ns], () => `sent ${fmt(r)} to ${fmt(f[0])}, new state ${fmt(ns)}`);
      }
      return null;
    }
    if (v[0] === 'noreply' && (v.length === 2 || v.length === 3)) {
      this.state = v[1] as S;
      this.timeout = (v[2] as Timeout | undefined) ?? 'infinity';
      if (this.dbg?.on === true) {
        const ns = this.state;
        debug_event(this.dbg, this.name, ['noreply', ns], () => `new state ${fmt(ns)}`);
      }
      return null;
    }
    if (v[0] === 'stop' && v.length === 3) return terminate(this, v[1], v[2] as S);
    if (v[0] === 'stop' && v.length === 4 && from !== null) return stop_and_reply(this, v[1], v[3] as S, from, v[2]);
    return terminate(this, ['bad_return_value', v], st);
  }

  // ---- sys ----

  get debug(): SysDebug {
    return (this.dbg ??= { trace: false, on: false, opts: null });
  }

  get_state(): unknown {
    return this.state;
  }

  replace_state(fn: (s: unknown) => unknown): unknown {
    this.state = fn(this.state) as S;
    return this.state;
  }

  /** gen_server:system_code_change: Mod:code_change(OldVsn, State, Extra) under catch. */
  *code_change(_module: unknown, old_vsn: unknown, extra: unknown): Proc<'ok' | ['error', unknown]> {
    const st = this.state;
    const cc = this.mod.code_change?.bind(this.mod);
    const r: Dispatched<unknown> = cc === undefined
      ? ['EXIT', ['undef', [[this.mod.name ?? 'undefined', 'code_change', [old_vsn, st, extra]]]], undefined]
      : yield* dispatch(() => cc(old_vsn, st, extra));
    if (r[0] === 'EXIT') return ['error', ['EXIT', r[1]]];
    const v = r[1];
    if (Array.isArray(v) && v.length === 2 && v[0] === 'ok') {
      this.state = v[1] as S;
      return 'ok';
    }
    return ['error', v];
  }

  /** The state as format_status/1 shows it (sys:get_status and the terminate report). */
  shown(state: S): unknown {
    const f = this.mod.format_status?.bind(this.mod);
    if (f === undefined) return state;
    try {
      const r = f({ state, log: [] });
      return r !== null && typeof r === 'object' && 'state' in r ? r.state : state;
    } catch (e) {
      return ['EXIT', e instanceof Error ? e.message : e];
    }
  }

  /** OTP's error_info: the error report of a server terminating for reason (none for a quiet one). */
  report(reason: unknown, state: S): void {
    if (is_quiet_reason(reason)) return;
    const msg: unknown = this.last;
    const call = Array.isArray(msg) && msg.length === 3 && msg[0] === '$gen_call';
    const last: unknown = call ? (msg as unknown[])[2] : msg === TIMEOUT ? 'timeout' : msg;
    const client = call ? ((msg as unknown[])[1] as From)[0] : null;
    report_terminate(self(), this.name, last, this.shown(state), reason, client);
  }

  status(st: SysState): unknown[] {
    const shown = this.shown(this.state);
    return [
      ['header', status_header('Status for generic server', this.name)],
      ['data', [['Status', st], ['Parent', this.parent ?? self()], ['Logged events', logged_events(this.dbg)]]],
      ['data', [['State', shown]]],
    ];
  }
}
// The scheduler runs a body whose result is a generator, or an iterator marked as a Proc.
proc_class(Server);

/** A system message: sys's answer; a terminate request (or the parent's exit while suspended) ends the server. */
function* system<S>(sv: Server<S>, msg: ['system', unknown, unknown]): Proc<void> {
  const o = yield* handle_system_msg(msg[2], msg[1], sv);
  // OTP keeps the timeout running across system messages; a fresh one is close enough here.
  if (o !== 'continue') {
    sv.last = []; // OTP's system_terminate passes no message
    yield* terminate(sv, o[1], sv.state);
  }
}

/** ['stop', Reason, Reply, State] from handle_call: terminate, then the reply, as OTP sends it. */
function* stop_and_reply<S>(sv: Server<S>, reason: unknown, st: S, from: From, reply: unknown): Proc<never> {
  try {
    return yield* terminate(sv, reason, st);
  } catch (e) {
    // terminate always ends in an exit; OTP replies after terminate/2, even when it crashes.
    if (!(e instanceof ProcessKilled)) send(from[0], [from[1], reply]);
    throw e;
  }
}

/** The server loop from its first receive (or handle_continue), published to sys. */
function serve<A, S>(
  parent: Pid | null, name: ServerName | null, mod: GenServerModule<A, S>, state: S, timeout: Timeout,
): Proc<void> {
  const sv = new Server<S>(parent, display_name(name, self()), mod as GenServerModule<unknown, S>, state, timeout);
  publish_state(self(), sv);
  return sv as unknown as Proc<void>;
}
