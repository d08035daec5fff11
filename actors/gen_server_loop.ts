// The server process: OTP's gen_server:init_it/6 and loop, on the runtime. A process loop
// (not recursion) so a long-lived server runs in flat memory. System messages (sys) are
// answered between callbacks; handle_continue runs before the next message.
import { receive, on, after, _, send, self, exit, get, format_term, Pid, Proc } from '../runtime';
import { ProcessKilled } from '../runtime/exits';
import { dispatch, dispatch_now, Dispatched } from './callback';
import { display_name, register_name, unregister_name, where } from './gen_name';
import { publish_state } from './behaviour_state';
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
  const r = dispatch_now(() => mod.init(args));
  return Array.isArray(r) ? init_done(starter, parent, name, mod, r) : init_wait(starter, parent, name, mod, r);
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
  return loop(parent, name, mod, v[1] as S, (v[2] as Timeout | undefined) ?? 'infinity');
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
  yield* loop(parent, name, mod, state, opts.timeout ?? 'infinity');
}

/** Runs terminate/2 (when the module has it), then exits with reason. */
function* terminate<S>(mod: GenServerModule<unknown, S>, reason: unknown, state: S, exc?: unknown): Proc<never> {
  if (mod.terminate !== undefined) {
    const t = mod.terminate.bind(mod);
    const r = yield* dispatch(() => t(reason, state));
    if (r[0] === 'EXIT') throw r[2]; // a crash in terminate replaces the reason, as in OTP
  }
  if (exc !== undefined) throw exc;
  return exit(reason);
}

/** What sys sees of a server: the callback state, and OTP's get_status layout. */
class ServerSys<S> implements SystemTarget {
  readonly module = 'gen_server';
  /** sys's debug options, made on the first debug request: a server with none has a null here. */
  dbg: SysDebug | null = null;
  constructor(
    readonly parent: Pid | null,
    readonly name: unknown,
    readonly mod: GenServerModule<unknown, S>,
    public state: S,
  ) {}

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

  status(st: SysState): unknown[] {
    let shown: unknown = this.state;
    const f = this.mod.format_status?.bind(this.mod);
    if (f !== undefined) {
      try {
        const r = f({ state: this.state, log: [] });
        if (r !== null && typeof r === 'object' && 'state' in r) shown = r.state;
      } catch (e) {
        shown = ['EXIT', e instanceof Error ? e.message : e];
      }
    }
    return [
      ['header', status_header('Status for generic server', this.name)],
      ['data', [['Status', st], ['Parent', this.parent ?? self()], ['Logged events', logged_events(this.dbg)]]],
      ['data', [['State', shown]]],
    ];
  }
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

function* loop<A, S>(
  parent: Pid | null, name: ServerName | null, mod: GenServerModule<A, S>, state: S, timeout: Timeout,
): Proc<void> {
  const m = mod as GenServerModule<unknown, S>;
  const sys = new ServerSys<S>(parent, display_name(name, self()), m, state);
  publish_state(self(), sys);
  for (;;) {
    let from: From | null = null;
    let r: Dispatched<unknown>;
    const st = sys.state;
    if (is_continue(timeout)) {
      const c = timeout[1];
      const h = m.handle_continue?.bind(m);
      r = h === undefined
        ? ['EXIT', ['undef', [[m.name ?? 'undefined', 'handle_continue', [c, st]]]], undefined]
        : yield* dispatch(() => h(c, st));
      if (r[0] === 'EXIT' && r[2] === undefined) return yield* terminate(m, r[1], st);
    } else {
      const msg: unknown =
        timeout === 'infinity' || timeout === 'hibernate'
          ? yield* receive(any)
          : yield* receive(any, after(timeout, () => TIMEOUT));
      if (is_system(msg)) {
        const o = yield* handle_system_msg(msg[2], msg[1], sys);
        if (o !== 'continue') return yield* terminate(m, o[1], sys.state);
        // OTP keeps the timeout running across system messages; a fresh one is close enough here.
        continue;
      }
      if (sys.dbg?.on === true) debug_in(sys.dbg, sys.name, msg);
      if (msg === TIMEOUT) {
        r = yield* info(m, 'timeout', st);
      } else if (Array.isArray(msg) && msg.length === 3 && msg[0] === '$gen_call') {
        const f = msg[1] as From;
        from = f;
        r = yield* dispatch(() => m.handle_call(msg[2], f, st));
      } else if (Array.isArray(msg) && msg.length === 2 && msg[0] === '$gen_cast') {
        r = yield* dispatch(() => m.handle_cast(msg[1], st));
      } else if (parent !== null && Array.isArray(msg) && msg.length === 3 && msg[0] === 'EXIT' && msg[1] === parent) {
        // Trapping exits, the parent's exit is the server's: OTP's gen_server does the same.
        return yield* terminate(m, msg[2], st);
      } else {
        r = yield* info(m, msg, st);
      }
    }
    if (r[0] === 'EXIT') return yield* terminate(m, r[1], st, r[2]);
    const v = r[1];
    const bad = (): Proc<never> => terminate(m, ['bad_return_value', v], st);
    if (!Array.isArray(v)) return yield* bad();
    if (v[0] === 'reply' && from !== null && (v.length === 3 || v.length === 4)) {
      send(from[0], [from[1], v[1]]);
      [sys.state, timeout] = [v[2] as S, (v[3] as Timeout | undefined) ?? 'infinity'];
      if (sys.dbg?.on === true) {
        const r: unknown = v[1];
        const [f, st] = [from, sys.state];
        debug_event(sys.dbg, sys.name, ['out', r, f, st], () => `sent ${fmt(r)} to ${fmt(f[0])}, new state ${fmt(st)}`);
      }
    } else if (v[0] === 'noreply' && (v.length === 2 || v.length === 3)) {
      [sys.state, timeout] = [v[1] as S, (v[2] as Timeout | undefined) ?? 'infinity'];
      if (sys.dbg?.on === true) {
        const st = sys.state;
        debug_event(sys.dbg, sys.name, ['noreply', st], () => `new state ${fmt(st)}`);
      }
    } else if (v[0] === 'stop' && v.length === 3) {
      return yield* terminate(m, v[1], v[2] as S);
    } else if (v[0] === 'stop' && v.length === 4 && from !== null) {
      const f: From = from;
      try {
        return yield* terminate(m, v[1], v[3] as S);
      } catch (e) {
        // terminate always ends in an exit; OTP replies after terminate/2, even when it crashes.
        if (!(e instanceof ProcessKilled)) send(f[0], [f[1], v[2]]);
        throw e;
      }
    } else {
      return yield* bad();
    }
  }
}

function* info<S>(m: GenServerModule<unknown, S>, msg: unknown, st: S): Proc<Dispatched<unknown>> {
  if (m.handle_info === undefined) return ['ok', ['noreply', st]];
  const h = m.handle_info.bind(m);
  return yield* dispatch(() => h(msg, st));
}
