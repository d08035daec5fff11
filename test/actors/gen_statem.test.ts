// gen_statem against OTP 25: event order after a state change (checked on erl by
// test/otp/31_gen_statem.escript: enter call, next_event events, postponed events in their
// original order, a zero state_timeout, then the mailbox; the zero event timeout cancelled),
// both callback modes, timeouts, replies, stop, call's exit reasons, sys.
import { expect } from 'chai';
import { run, self, send, receive, on, _, after, exit, process_flag, Pid, Proc, set_crash_logger, CrashLogger } from '../../runtime';
import * as gen_statem from '../../actors/gen_statem';
import * as supervisor from '../../actors/supervisor';
import * as sys from '../../actors/sys';
import type { GenStatemModule, EventType, EventResult, From } from '../../actors/gen_statem';

function* started(r: Proc<gen_statem.StartResult>): Proc<Pid> {
  const s = yield* r;
  return s !== 'ignore' && s[0] === 'ok' ? s[1] : exit(['start_failed', s]);
}

function* sleep(ms: number): Proc<void> {
  yield* receive(after(ms));
}

type Log = unknown[];

// The oracle's machine, in handle_event_function mode with state enter calls.
const order: GenStatemModule<null, Log> = {
  name: 'order',
  callback_mode: () => ['handle_event_function', 'state_enter'],
  init: () => ['ok', 'a', []],
  handle_event(type: EventType, content: unknown, state: unknown, log: Log): EventResult<Log> {
    if (type === 'enter') return ['keep_state', [...log, ['enter', content, state]]];
    if (Array.isArray(type) && type[0] === 'call' && content === 'log') return ['keep_state_and_data', [['reply', type[1], log]]];
    if (type === 'cast' && content === 'switch' && state === 'a') {
      return ['next_state', 'b', [...log, 'switch'], [
        ['next_event', 'internal', 'n1'], ['next_event', 'internal', 'n2'], ['timeout', 0, 't0'], ['state_timeout', 0, 'st0'],
      ]];
    }
    if (type === 'cast' && state === 'a') return ['keep_state', [...log, ['postponed', content]], ['postpone']];
    return ['keep_state', [...log, [type, content]]];
  },
};

// A door in state_functions mode: locked/open, a code, an auto-lock state_timeout.
type Door = { code: string; buttons: string; opened: number };
const door: GenStatemModule<string, Door> = {
  name: 'door',
  callback_mode: () => 'state_functions',
  init: (code) => ['ok', 'locked', { code, buttons: '', opened: 0 }],
  locked(type: EventType, content: unknown, d: Door): EventResult<Door> {
    if (type === 'cast') {
      const b = d.buttons + String(content);
      if (b === d.code) return ['next_state', 'open', { ...d, buttons: '', opened: d.opened + 1 }, [['state_timeout', 60, 'lock']]];
      return ['keep_state', { ...d, buttons: b }];
    }
    if (Array.isArray(type) && type[0] === 'call') {
      if (content === 'stop') return ['stop_and_reply', 'normal', [['reply', type[1] as From, 'bye']]];
      return ['keep_state_and_data', [['reply', type[1] as From, ['locked', d.opened]]]];
    }
    return 'keep_state_and_data';
  },
  open(type: EventType, content: unknown, d: Door): EventResult<Door> {
    if (type === 'state_timeout' && content === 'lock') return ['next_state', 'locked', d];
    if (Array.isArray(type) && type[0] === 'call') return ['keep_state_and_data', [['reply', type[1] as From, ['open', d.opened]]]];
    if (type === 'cast') return ['keep_state_and_data', 'postpone']; // buttons wait for locked
    return 'keep_state_and_data';
  },
};

describe('actors/gen_statem', () => {
  let old: CrashLogger;
  beforeEach(() => (old = set_crash_logger(() => {})));
  afterEach(() => set_crash_logger(old));

  it('event order after a state change, as OTP 25 (enter, next_event, postponed, zero state_timeout, mailbox)', async () => {
    const r = await run(function* () {
      const p = yield* started(gen_statem.start(order, null));
      for (const m of ['go1', 'go2', 'switch', 'after_switch']) gen_statem.cast(p, m);
      yield* sleep(20);
      const log = yield* gen_statem.call(p, 'log');
      const st = yield* sys.get_state(p);
      yield* gen_statem.stop(p);
      return { log, st: (st as unknown[])[0] };
    });
    expect(r.log).to.deep.equal([
      ['enter', 'a', 'a'], ['postponed', 'go1'], ['postponed', 'go2'], 'switch', ['enter', 'a', 'b'],
      ['internal', 'n1'], ['internal', 'n2'], ['cast', 'go1'], ['cast', 'go2'], ['state_timeout', 'st0'], ['cast', 'after_switch'],
    ]);
    expect(r.st).to.equal('b');
  });

  it('state_functions: the door opens on its code, postpones buttons while open, locks on its state_timeout', async () => {
    const r = await run(function* () {
      const p = yield* started(gen_statem.start_link({ local: 'door' }, door, '123'));
      for (const b of ['1', '2', '3']) gen_statem.cast('door', b);
      const a = yield* gen_statem.call('door', 'state');
      for (const b of ['1', '2', '3']) gen_statem.cast(p, b); // postponed until locked, then open it again
      yield* sleep(90);
      const b = yield* gen_statem.call(p, 'state');
      yield* sleep(90);
      const c = yield* gen_statem.call(p, 'state');
      const bye = yield* gen_statem.call(p, 'stop');
      return [a, b, c, bye];
    });
    expect(r).to.deep.equal([['open', 1], ['open', 2], ['locked', 2], 'bye']);
  });

  it('event timeouts are cancelled by any event; generic timeouts survive events; cancel and update', async () => {
    const timers: GenStatemModule<null, Log> = {
      callback_mode: () => 'handle_event_function',
      init: () => ['ok', 's', [], [['timeout', 40, 'ev'], [['timeout', 'g'], 60, 'gen'], [['timeout', 'h'], 50, 'h1']]],
      handle_event(type, content, _s, log) {
        if (Array.isArray(type) && type[0] === 'call') return ['keep_state_and_data', [['reply', type[1], log]]];
        if (type === 'cast' && content === 'poke') return ['keep_state', [...log, 'poke'], [[['timeout', 'h'], 'update', 'h2']]];
        if (type === 'cast' && content === 'cancel') return ['keep_state', [...log, 'cancel'], [[['timeout', 'g'], 'cancel']]];
        return ['keep_state', [...log, [type, content]]];
      },
    };
    const r = await run(function* () {
      const p = yield* started(gen_statem.start(timers, null));
      gen_statem.cast(p, 'poke'); // cancels the event timeout, updates h's message
      yield* sleep(100);
      const first = yield* gen_statem.call(p, 'log');
      const q = yield* started(gen_statem.start(timers, null));
      gen_statem.cast(q, 'cancel');
      yield* sleep(100);
      const second = yield* gen_statem.call(q, 'log');
      yield* gen_statem.stop(p);
      yield* gen_statem.stop(q);
      return { first, second };
    });
    expect(r.first).to.deep.equal(['poke', [['timeout', 'h'], 'h2'], [['timeout', 'g'], 'gen']]);
    expect(r.second).to.deep.equal(['cancel', [['timeout', 'h'], 'h1']]);
  });

  it('call exits as OTP: noproc and timeout with [Server, Request, Timeout]; bad returns stop the machine', async () => {
    const r = await run(function* () {
      process_flag('trap_exit', true);
      const reason = function* (fn: () => Proc<unknown>): Proc<unknown> {
        try {
          yield* fn();
          return 'no exit';
        } catch (e) {
          return (e as { reason: unknown }).reason;
        }
      };
      const p = yield* started(gen_statem.start(order, null));
      const dead = yield* reason(() => gen_statem.call('nobody', 'x'));
      const slow = yield* reason(() => gen_statem.call(p, ['never'], 10));
      yield* gen_statem.stop(p);
      const bad: GenStatemModule<null, null> = {
        callback_mode: () => 'handle_event_function', init: () => ['ok', 's', null],
        handle_event: () => ['bogus'] as unknown as EventResult<null>,
      };
      const b = yield* started(gen_statem.start_link(bad, null));
      gen_statem.cast(b, 'x');
      const exit_msg = yield* receive(on(['EXIT', b, _], (m) => m[2]), after(1000, () => 'none'));
      return { dead, slow, exit_msg };
    });
    expect(r.dead).to.deep.equal(['noproc', ['gen_statem', 'call', ['nobody', 'x', 'infinity']]]);
    expect((r.slow as unknown[])[0]).to.equal('timeout');
    expect(((r.slow as unknown[][])[1][2] as unknown[]).slice(1)).to.deep.equal([['never'], 10]);
    // An error-class stop, as OTP's terminate(error, ...): the reason comes with a stack.
    expect((r.exit_msg as unknown[])[0]).to.deep.equal(['bad_return_from_state_function', ['bogus']]);
    expect((r.exit_msg as unknown[])[1]).to.be.an('array');
  });

  it('runs under a supervisor and restarts there; sys:replace_state sets [State, Data]', async () => {
    const r = await run(function* () {
      process_flag('trap_exit', true);
      const sup = yield* started(supervisor.start_link({ init: () => ['ok', [{}, [{ id: 'door', start: [gen_statem, 'start_link', [door, '42']] }]]] }, null));
      const d1 = (yield* supervisor.which_children(sup))[0][1] as Pid;
      yield* sys.replace_state(d1, (s) => ['open', (s as [string, Door])[1]]);
      const a = yield* gen_statem.call(d1, 'state');
      exit(d1, 'kill');
      yield* sleep(20);
      const d2 = (yield* supervisor.which_children(sup))[0][1] as Pid;
      const b = yield* gen_statem.call(d2, 'state');
      send(sup, 'ignored');
      yield* supervisor.terminate_child(sup, 'door');
      return { a, b, fresh: d2 !== d1 };
    });
    expect(r).to.deep.equal({ a: ['open', 0], b: ['locked', 0], fresh: true });
  });

  it('sys:trace prints OTP 25’s lines (test/otp/32_gen_statem_trace.escript): receive, postpone, consume, send', async () => {
    const traced: GenStatemModule<null, number> = {
      callback_mode: () => ['handle_event_function', 'state_enter'],
      init: () => ['ok', 'a', 0],
      handle_event(type, content, state, d) {
        if (type === 'enter') return 'keep_state_and_data';
        if (Array.isArray(type) && type[0] === 'call') return ['keep_state_and_data', [['reply', type[1], d]]];
        if (type === 'cast' && content === 'go' && state === 'a') return ['next_state', 'b', d + 1];
        if (type === 'cast' && state === 'a') return ['keep_state_and_data', ['postpone']];
        return ['keep_state', d];
      },
    };
    const lines: string[] = [];
    const prev = sys.set_trace_output((l) => lines.push(l));
    try {
      const me = await run(function* () {
        const p = yield* started(gen_statem.start({ local: 'sm' }, traced, null));
        yield* sys.trace(p, true);
        gen_statem.cast(p, 'x');
        gen_statem.cast(p, 'go');
        yield* gen_statem.call(p, 'get');
        yield* sys.trace(p, false);
        yield* gen_statem.stop(p);
        return String(self());
      });
      expect(lines).to.deep.equal([
        '*DBG* sm receive cast x in state a\n',
        '*DBG* sm postpone cast x in state a\n',
        '*DBG* sm receive cast go in state a\n',
        '*DBG* sm consume cast go in state a => b\n',
        '*DBG* sm consume cast x in state b\n',
        `*DBG* sm receive call get from ${me} in state b\n`,
        `*DBG* sm send 1 to ${me}\n`,
        `*DBG* sm consume call get from ${me} in state b\n`,
      ]);
    } finally {
      sys.set_trace_output(prev);
    }
  });
});
