// sys against OTP 25 (values from test/otp/33_sys.escript): get_state, replace_state,
// get_status's layout, suspend/resume, and
// sys:trace's *DBG* lines (as probed on erl: "*DBG* <0.79.0> got cast {set,2}",
// "*DBG* <0.79.0> new state 2", "*DBG* <0.79.0> got call get from <0.9.0>",
// "*DBG* <0.79.0> sent 2 to <0.9.0>, new state 2").
import { expect } from 'chai';
import { run, self, receive, on, after, _, send, process_flag, Pid, Proc, set_crash_logger, CrashLogger } from '../../runtime';
import * as gen_server from '../../actors/gen_server';
import * as supervisor from '../../actors/supervisor';
import * as sys from '../../actors/sys';

const cell: gen_server.GenServerModule<number, number> = {
  name: 'cell',
  init: (n) => ['ok', n],
  handle_call: (req, _f, s) => (req === 'get' ? ['reply', s, s] : ['reply', 'ok', s]),
  handle_cast: (msg, _s) => ['noreply', (msg as [string, number])[1]],
  handle_info: (_m, s) => ['noreply', s],
};

function* started(r: Proc<gen_server.StartResult>): Proc<Pid> {
  const s = yield* r;
  return s !== 'ignore' && s[0] === 'ok' ? s[1] : (() => { throw new Error(String(s)); })();
}

describe('actors/sys', () => {
  let old: CrashLogger;
  beforeEach(() => (old = set_crash_logger(() => {})));
  afterEach(() => set_crash_logger(old));

  it('get_state and replace_state of a gen_server; a crashing fun leaves the state', async () => {
    const r = await run(function* () {
      const p = yield* started(gen_server.start_link(cell, 1));
      const a = yield* sys.get_state(p);
      const b = yield* sys.replace_state(p, (s) => (s as number) + 10);
      const c = yield* gen_server.call(p, 'get');
      let err: unknown = 'none';
      try {
        yield* sys.replace_state(p, () => {
          throw new Error('nope');
        });
      } catch (e) {
        err = (e as { reason: unknown }).reason;
      }
      const d = yield* sys.get_state(p);
      yield* gen_server.stop(p);
      return { a, b, c, err, d };
    });
    expect([r.a, r.b, r.c, r.d]).to.deep.equal([1, 11, 11, 11]);
    expect((r.err as unknown[])[0]).to.equal('callback_failed');
    expect((r.err as unknown[])[1]).to.deep.equal(['gen_server', 'system_replace_state']);
  });

  it('get_status: {status, Pid, {module, gen_server}, [PDict, running, Parent, [], Misc]}; format_status hides state', async () => {
    const r = await run(function* () {
      const p = yield* started(gen_server.start_link({ local: 'cell_status' }, cell, 5));
      const st = yield* sys.get_status(p);
      const secret = yield* started(gen_server.start_link({ ...cell, format_status: () => ({ state: 'hidden' }) }, 7));
      const st2 = (yield* sys.get_status(secret)) as unknown[];
      yield* gen_server.stop(p);
      yield* gen_server.stop(secret);
      return { st, st2, p, me: self() };
    });
    expect(r.st).to.deep.equal(['status', r.p, ['module', 'gen_server'], [
      [['$ancestors', [r.me]], ['$initial_call', ['cell', 'init', 1]]], 'running', r.me, [], [
        ['header', 'Status for generic server cell_status'],
        ['data', [['Status', 'running'], ['Parent', r.me], ['Logged events', []]]],
        ['data', [['State', 5]]],
      ]]]);
    expect(((r.st2[3] as unknown[])[4] as unknown[])[2]).to.deep.equal(['data', [['State', 'hidden']]]);
  });

  it('suspend: calls wait until resume; a supervisor answers sys too', async () => {
    const r = await run(function* () {
      process_flag('trap_exit', true);
      const p = yield* started(gen_server.start_link(cell, 3));
      yield* sys.suspend(p);
      const me = self();
      const status = ((yield* sys.get_status(p)) as [string, Pid, unknown, unknown[]])[3];
      // a call from another process must wait for resume
      const caller = (yield* started(gen_server.start({ ...cell, init: () => ['ok', 0] }, 0)));
      gen_server.cast(caller, ['x', 0]);
      send(p, ['$gen_call', [me, 'tag' as never], 'get']);
      const early = yield* receive(on(['tag', _]), after(50, () => 'waited'));
      yield* sys.resume(p);
      const late = yield* receive(on(['tag', _], (m) => m[1]), after(500, () => 'none'));
      const sup = yield* started(supervisor.start_link({ init: () => ['ok', [{}, []]] }, null));
      const sup_state = (yield* sys.get_state(sup)) as { strategy: string };
      yield* gen_server.stop(p);
      yield* gen_server.stop(sup);
      yield* gen_server.stop(caller);
      return { suspended: status[1], early, late, strategy: sup_state.strategy };
    });
    expect(r).to.deep.equal({ suspended: 'suspended', early: 'waited', late: 3, strategy: 'one_for_one' });
  });

  it('trace prints OTP’s *DBG* lines (with the registered name when there is one, as 33_sys.escript shows)', async () => {
    const lines: string[] = [];
    const prev = sys.set_trace_output((l) => lines.push(l));
    try {
      const r = await run(function* () {
        const p = yield* started(gen_server.start_link({ local: 'cell_trace' }, cell, 0));
        yield* sys.trace(p, true);
        gen_server.cast(p, ['set', 2]);
        const v = yield* gen_server.call(p, 'get');
        send(p, 'hello');
        yield* sys.trace(p, false);
        gen_server.cast(p, ['set', 3]);
        yield* gen_server.call(p, 'get');
        yield* gen_server.stop(p);
        return { p: String(p), me: String(self()), v };
      });
      expect(lines).to.deep.equal([
        '*DBG* cell_trace got cast {set,2}\n',
        '*DBG* cell_trace new state 2\n',
        `*DBG* cell_trace got call get from ${r.me}\n`,
        `*DBG* cell_trace sent 2 to ${r.me}, new state 2\n`,
        '*DBG* cell_trace got hello\n',
        '*DBG* cell_trace new state 2\n',
      ]);
    } finally {
      sys.set_trace_output(prev);
    }
  });

  it('a dead or missing process: exits {noproc, {sys, get_state, [Name]}} (the call’s own arguments)', async () => {
    const r = await run(function* () {
      try {
        yield* sys.get_state('no_such_server');
        return 'no exit';
      } catch (e) {
        return (e as { reason: unknown }).reason;
      }
    });
    expect(r).to.deep.equal(['noproc', ['sys', 'get_state', ['no_such_server']]]);
  });
});
