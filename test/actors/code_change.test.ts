// sys:change_code for gen_server and gen_statem, and gen_statem's callback module actions
// (change_callback_module, push_callback_module, pop_callback_module), against OTP 25's
// answers as test/otp/34_code_change.escript shows them: only a suspended process changes
// code ({error, {unknown_system_msg, Request}} otherwise); ['ok', S] takes the state; another
// return R is ['error', R], a throw's value V ['error', V], a crash ['error', ['EXIT', Reason]].
import { expect } from 'chai';
import { run, receive, on, after, _, exit, error, monitor, demonitor, send, self, process_flag, Pid, Proc, set_crash_logger, CrashLogger } from '../../runtime';
import * as gen_server from '../../actors/gen_server';
import * as gen_statem from '../../actors/gen_statem';
import * as sys from '../../actors/sys';
import type { GenStatemModule, EventType, EventResult, From } from '../../actors/gen_statem';

function* started(r: Proc<gen_server.StartResult>): Proc<Pid> {
  const s = yield* r;
  return s !== 'ignore' && s[0] === 'ok' ? s[1] : exit(['start_failed', s]);
}

/** What code_change does for each Extra, as the escript's clauses. */
function change(extra: unknown, ok: unknown): unknown {
  if (extra === 'bad') return ['error', 'bad'];
  if (extra === 'crash') return error('boom');
  if (extra === 'throw') throw 'thrown'; // Erlang's throw: a thrown non-Error value
  if (extra === 'exit') return exit('gone');
  if (extra === 'two') return ['ok', 'two'];
  return ok;
}

const cell: gen_server.GenServerModule<number, unknown> = {
  name: 'cell',
  init: (n) => ['ok', n],
  handle_call: (_req, _f, s) => ['reply', s, s],
  handle_cast: (_m, s) => ['noreply', s],
  code_change: (old, s, extra) => change(extra, ['ok', [old, s]]),
};

const plain: gen_server.GenServerModule<number, number> = {
  name: 'cc_plain',
  init: (n) => ['ok', n],
  handle_call: (_req, _f, s) => ['reply', s, s],
  handle_cast: (_m, s) => ['noreply', s],
};

type Ev = EventResult<unknown>;
function reply_which(mod: string, type: EventType, state: unknown, data: unknown): Ev {
  return ['keep_state_and_data', [['reply', (type as ['call', From])[1], [mod, state, data]]]];
}
/** A call {Tag, M} → ok, then the action {Tag, M}; pop → ok, then pop_callback_module. */
function action_call(type: EventType, content: unknown): Ev | null {
  const from = (type as ['call', From])[1];
  if (content === 'pop') return ['keep_state_and_data', [['reply', from, 'ok'], 'pop_callback_module']];
  if (Array.isArray(content)) return ['keep_state_and_data', [['reply', from, 'ok'], content] as unknown as gen_statem.Actions];
  return null;
}

const cc_other: GenStatemModule<never, unknown> = {
  name: 'cc_other',
  callback_mode: () => 'handle_event_function',
  init: () => exit('not_used'),
  handle_event: (type, content, state, data) => action_call(type, content) ?? reply_which('cc_other', type, state, data),
  code_change: (old, s, d, extra) => ['ok', s, ['cc_other', old, d, extra]],
};

const cc_badmode: GenStatemModule<never, unknown> = {
  name: 'cc_badmode',
  callback_mode: () => 'sideways' as unknown as 'state_functions',
  init: () => exit('not_used'),
};

function machine(enter: boolean): GenStatemModule<null, unknown> {
  return {
    name: 'machine',
    callback_mode: () => (enter ? ['handle_event_function', 'state_enter'] : 'handle_event_function'),
    init: () => ['ok', 'a', 0],
    handle_event(type, content, state, data): Ev {
      if (type === 'enter') return ['keep_state_and_data', [['change_callback_module', cc_other]]];
      return action_call(type, content) ?? reply_which('machine', type, state, data);
    },
    code_change: (old, s, d, extra) => change(extra, ['ok', s, [old, d]]),
  };
}

/** The exit reason of pid (monitored before it could die), or 'alive' after a second. */
function* down(ref: unknown): Proc<unknown> {
  return yield* receive(on(['DOWN', ref, _, _, _], (m) => m[4]), after(1000, () => 'alive'));
}

/** An ['EXIT', [R, Stack]] with the stack checked to be a list and dropped. */
function no_stack(v: unknown): unknown {
  if (Array.isArray(v) && v[0] === 'error' && Array.isArray(v[1]) && v[1][0] === 'EXIT') return ['error', ['EXIT', no_stack(v[1][1])]];
  if (Array.isArray(v) && v.length === 2 && Array.isArray(v[1]) && v[1].every((f) => Array.isArray(f))) return [v[0], 'stack'];
  return v;
}

function* catching(p: Proc<unknown>): Proc<unknown> {
  try {
    return yield* p;
  } catch (e) {
    return ['EXIT', (e as { reason: unknown }).reason];
  }
}

describe('actors/code_change', () => {
  let old: CrashLogger;
  beforeEach(() => (old = set_crash_logger(() => {})));
  afterEach(() => set_crash_logger(old));

  it('gen_server: only suspended; ok takes the state; error, crash, throw, exit answers; no code_change is undef', async () => {
    const r = await run(function* () {
      const s = yield* started(gen_server.start(cell, 1));
      const running = yield* sys.change_code(s, 'cell', 'v1', 'ok');
      yield* sys.suspend(s);
      const ok = yield* sys.change_code(s, 'cell', 'v1', 'ok');
      const st1 = yield* sys.get_state(s);
      const errs = [];
      for (const x of ['bad', 'crash', 'throw', 'exit']) errs.push(no_stack(yield* sys.change_code(s, 'cell', 'v2', x)));
      const st2 = yield* sys.get_state(s);
      const ok2 = yield* sys.change_code(s, 'cell', 'v2', 'ok', 1000);
      yield* sys.resume(s);
      const got = yield* gen_server.call(s, 'get');
      const p = yield* started(gen_server.start(plain, 7));
      yield* sys.suspend(p);
      const undef = yield* sys.change_code(p, 'cc_plain', 'v1', 'x');
      const missing = yield* catching(sys.change_code('no_such_server', 'm', 'v1', 'x'));
      return { running, ok, st1, errs, st2, ok2, got, undef, missing };
    });
    expect(r.running).to.deep.equal(['error', ['unknown_system_msg', ['change_code', 'cell', 'v1', 'ok']]]);
    expect([r.ok, r.st1, r.st2, r.ok2]).to.deep.equal(['ok', ['v1', 1], ['v1', 1], 'ok']);
    expect(r.errs).to.deep.equal([
      ['error', ['error', 'bad']], ['error', ['EXIT', ['boom', 'stack']]], ['error', 'thrown'], ['error', ['EXIT', 'gone']],
    ]);
    expect(r.got).to.deep.equal(['v2', ['v1', 1]]);
    expect(r.undef).to.deep.equal(['error', ['EXIT', ['undef', [['cc_plain', 'code_change', ['v1', 7, 'x']]]]]]);
    expect(r.missing).to.deep.equal(['EXIT', ['noproc', ['sys', 'change_code', ['no_such_server', 'm', 'v1', 'x']]]]);
  });

  it('an unknown system request: {error, {unknown_system_msg, Request}}', async () => {
    const r = await run(function* () {
      const s = yield* started(gen_server.start(plain, 1));
      return yield* unknown_request(s);
    });
    expect(r).to.deep.equal(['error', ['unknown_system_msg', 'no_such_request']]);
  });

  it('gen_statem: code_change takes [State, Data]; a two-tuple ok is a case_clause; other answers as gen_server', async () => {
    const r = await run(function* () {
      const m = yield* started(gen_statem.start(machine(false), null));
      const running = yield* sys.change_code(m, 'machine', 'v1', 'ok');
      yield* sys.suspend(m);
      const out = [];
      for (const x of ['ok', 'two', 'bad', 'crash', 'throw', 'exit']) out.push(no_stack(yield* sys.change_code(m, 'machine', 'v1', x)));
      const st = yield* sys.get_state(m);
      yield* sys.resume(m);
      const which = yield* gen_statem.call(m, 'which');
      return { running, out, st, which };
    });
    expect(r.running).to.deep.equal(['error', ['unknown_system_msg', ['change_code', 'machine', 'v1', 'ok']]]);
    expect(r.out).to.deep.equal([
      'ok', ['error', ['EXIT', [['case_clause', ['ok', 'two']], 'stack']]], ['error', ['error', 'bad']],
      ['error', ['EXIT', ['boom', 'stack']]], ['error', 'thrown'], ['error', ['EXIT', 'gone']],
    ]);
    expect(r.st).to.deep.equal(['a', ['v1', 0]]);
    expect(r.which).to.deep.equal(['machine', 'a', ['v1', 0]]);
  });

  it('push, pop and change of the callback module; get_status lists the stack; code_change goes to the current module', async () => {
    const r = await run(function* () {
      const m = yield* started(gen_statem.start(machine(false), null));
      const calls: unknown[] = [];
      const modules = function* (): Proc<unknown> {
        const st = (yield* sys.get_status(m)) as unknown[];
        const misc = (st[3] as unknown[])[4] as unknown[][];
        return ((misc[1][1] as unknown[][]).find((x) => x[0] === 'Modules') as unknown[])[1];
      };
      calls.push(yield* gen_statem.call(m, 'which'));
      calls.push(yield* gen_statem.call(m, ['push_callback_module', cc_other]));
      calls.push(yield* gen_statem.call(m, 'which'));
      calls.push(yield* modules());
      yield* sys.suspend(m);
      calls.push(yield* sys.change_code(m, 'cc_other', 'v3', 'extra'));
      yield* sys.resume(m);
      calls.push(yield* gen_statem.call(m, 'which'));
      calls.push(yield* gen_statem.call(m, 'pop'));
      calls.push(yield* gen_statem.call(m, 'which'));
      calls.push(yield* gen_statem.call(m, ['change_callback_module', cc_other]));
      calls.push(yield* gen_statem.call(m, 'which'));
      calls.push(yield* modules());
      const ref = monitor('process', m);
      calls.push(yield* gen_statem.call(m, 'pop'));
      calls.push(no_stack(yield* down(ref)));
      return calls;
    });
    const data = ['cc_other', 'v3', 0, 'extra'];
    expect(r).to.deep.equal([
      ['machine', 'a', 0], 'ok', ['cc_other', 'a', 0], ['cc_other', 'machine'], 'ok', ['cc_other', 'a', data],
      'ok', ['machine', 'a', data], 'ok', ['cc_other', 'a', data], ['cc_other'],
      'ok', [['bad_action_from_state_function', 'pop_callback_module'], 'stack'],
    ]);
  });

  it('a module with a bad callback_mode (also from the start), a module that is not one, and a change in an enter call stop the machine as OTP', async () => {
    const r = await run(function* () {
      const out: unknown[] = [];
      for (const req of [['change_callback_module', cc_badmode], ['push_callback_module', 42]]) {
        const m = yield* started(gen_statem.start(machine(false), null));
        const ref = monitor('process', m);
        out.push(yield* gen_statem.call(m, req));
        out.push(no_stack(yield* down(ref)));
      }
      // It dies right after its ack: linked, the EXIT tells why.
      process_flag('trap_exit', true);
      const e = yield* started(gen_statem.start_link(machine(true), null));
      out.push(no_stack(yield* receive(on(['EXIT', e, _], (m) => m[2]), after(1000, () => 'alive'))));
      // A bad callback_mode from the start: the start returns ok, then the machine stops.
      const badstart: GenStatemModule<null, null> = {
        name: 'cc_badstart', callback_mode: () => 'sideways' as unknown as 'state_functions', init: () => ['ok', 's', null],
      };
      const bs = yield* gen_statem.start_link(badstart, null);
      out.push(bs[0], no_stack(yield* receive(on(['EXIT', bs[1], _], (m) => m[2]), after(1000, () => 'alive'))));
      return out;
    });
    expect(r).to.deep.equal([
      'ok', [['bad_return_from_callback_mode', 'sideways'], 'stack'],
      'ok', [['bad_action_from_state_function', ['push_callback_module', 42]], 'stack'],
      [['bad_state_enter_action_from_state_function', ['change_callback_module', cc_other]], 'stack'],
      'ok', [['bad_return_from_callback_mode', 'sideways'], 'stack'],
    ]);
  });
});

/** gen:call(S, system, no_such_request), as the escript sends it. */
function* unknown_request(s: Pid): Proc<unknown> {
  const ref = monitor('process', s);
  send(s, ['system', [self(), ref], 'no_such_request']);
  const r = yield* receive(on([ref, _], (m) => m[1]), after(1000, () => 'none'));
  demonitor(ref, ['flush']);
  return r;
}
