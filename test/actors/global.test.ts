// The global registry on one node and {global, Name} names for gen_server, gen_statem and
// supervisor, against OTP 25 as test/otp/35_global.escript shows it: register_name → yes | no
// (a taken name, or a pid that has a name), any term as a name, send exits {badarg, {Name,
// Msg}}, a dead process's name is gone, already_started and noproc as for local names.
import { expect } from 'chai';
import { run, receive, on, after, _, exit, spawn, send, process_flag, Pid, Proc, set_crash_logger, CrashLogger } from '../../runtime';
import * as global from '../../actors/global';
import * as gen_server from '../../actors/gen_server';
import * as gen_statem from '../../actors/gen_statem';
import * as supervisor from '../../actors/supervisor';
import * as sys from '../../actors/sys';

const cell: gen_server.GenServerModule<number, number> = {
  name: 'cell',
  init: (n) => ['ok', n],
  handle_call: (_req, _f, s) => ['reply', s, s],
  handle_cast: (msg, _s) => ['noreply', (msg as [string, number])[1]],
};

const machine: gen_statem.GenStatemModule<number, number> = {
  name: 'machine',
  callback_mode: () => 'handle_event_function',
  init: (n) => ['ok', 's', n],
  handle_event: (type, _c, s, n) => ['keep_state_and_data', [['reply', (type as ['call', gen_statem.From])[1], [s, n]]]],
};

function* started(r: Proc<gen_server.StartResult>): Proc<Pid> {
  const s = yield* r;
  return s !== 'ignore' && s[0] === 'ok' ? s[1] : exit(['start_failed', s]);
}

function* catching(p: Proc<unknown>): Proc<unknown> {
  try {
    return yield* p;
  } catch (e) {
    return ['EXIT', (e as { reason: unknown }).reason];
  }
}

function* idle(): Proc<void> {
  yield* receive(on('stop'));
}

function* sleep(ms: number): Proc<void> {
  yield* receive(after(ms));
}

describe('actors/global', () => {
  let old: CrashLogger;
  beforeEach(() => (old = set_crash_logger(() => {})));
  afterEach(() => set_crash_logger(old));

  it('register_name, whereis_name, send, unregister_name, re_register_name, registered_names; a dead pid’s name is gone', async () => {
    const r = await run(function* () {
      const a = spawn(idle);
      const b = spawn(idle);
      const out: unknown[] = [];
      out.push(global.register_name('ga', a), global.register_name('ga', b), global.register_name('gb', a));
      out.push(global.register_name(['any', Buffer.from('term')], b));
      out.push(global.whereis_name('ga') === a, global.whereis_name(['any', Buffer.from('term')]) === b, global.whereis_name('nobody'));
      out.push(global.send('ga', 'hello') === a, yield* catching((function* () { return global.send('nobody', 'hello'); })()));
      out.push(global.registered_names().length);
      out.push(global.unregister_name('ga'), global.unregister_name('ga'), global.whereis_name('ga'));
      out.push(global.register_name('ga', b), global.re_register_name('ga', a), global.whereis_name('ga') === a);
      send(a, 'stop');
      yield* sleep(10);
      out.push(global.whereis_name('ga'));
      out.push(global.register_name('gdead', a), global.whereis_name('gdead'));
      send(b, 'stop');
      yield* sleep(10);
      out.push(global.registered_names());
      return out;
    });
    expect(r).to.deep.equal([
      'yes', 'no', 'no', 'yes', true, true, 'undefined', true, ['EXIT', ['badarg', ['nobody', 'hello']]], 2,
      'ok', 'ok', 'undefined', 'no', 'yes', true, 'undefined', 'yes', 'undefined', [],
    ]);
  });

  it('gen_server: start, already_started, call, cast, sys, stop by {global, Name}; noproc for a missing one', async () => {
    const r = await run(function* () {
      const name = { global: 'cell' };
      const s = yield* started(gen_server.start(name, cell, 5));
      const again = yield* gen_server.start(name, cell, 6);
      const v1 = yield* gen_server.call(name, 'get');
      const cast = gen_server.cast(name, ['set', 7]);
      const v2 = yield* gen_server.call(name, 'get');
      const missing = yield* catching(gen_server.call({ global: 'nocell' }, 'get'));
      const cast_missing = gen_server.cast({ global: 'nocell' }, ['set', 1]);
      const st = yield* sys.get_state(name);
      const header = (((yield* sys.get_status(name)) as unknown[][])[3][4] as unknown[][])[0][1];
      const sys_missing = yield* catching(sys.get_state({ global: 'nocell' }));
      const stop = yield* gen_server.stop(name);
      const after_stop = global.whereis_name('cell');
      const stop2 = yield* catching(gen_server.stop(name));
      return { again: again[0] === 'error' && (again[1] as unknown[])[1] === s, v1, cast, v2, missing, cast_missing, st, header, sys_missing, stop, after_stop, stop2 };
    });
    expect(r).to.deep.equal({
      again: true, v1: 5, cast: 'ok', v2: 7, missing: ['EXIT', ['noproc', ['gen_server', 'call', [{ global: 'nocell' }, 'get']]]],
      cast_missing: 'ok', st: 7, header: 'Status for generic server cell',
      sys_missing: ['EXIT', ['noproc', ['sys', 'get_state', [{ global: 'nocell' }]]]], stop: 'ok', after_stop: 'undefined',
      stop2: ['EXIT', 'noproc'],
    });
  });

  it('gen_statem and supervisor by {global, Name}', async () => {
    const r = await run(function* () {
      process_flag('trap_exit', true);
      const m = yield* started(gen_statem.start({ global: 'machine' }, machine, 1));
      const again = yield* gen_statem.start({ global: 'machine' }, machine, 1);
      const v = yield* gen_statem.call({ global: 'machine' }, 'get');
      const missing = yield* catching(gen_statem.call({ global: 'nomachine' }, 'get'));
      const stop = yield* gen_statem.stop({ global: 'machine' });
      const sup_mod: supervisor.SupervisorModule<null> = { name: 'gsup', init: () => ['ok', [{}, []]] };
      const sup = yield* started(supervisor.start_link({ global: 'sup' }, sup_mod, null));
      const sup_again = yield* supervisor.start_link({ global: 'sup' }, sup_mod, null);
      const which = yield* supervisor.which_children({ global: 'sup' });
      const counts = yield* supervisor.count_children({ global: 'sup' });
      const nosup = yield* catching(supervisor.which_children({ global: 'nosup' }));
      exit(sup, 'shutdown');
      const why = yield* receive(on(['EXIT', sup, _], (x) => x[2]), after(1000, () => 'alive'));
      return {
        again: again[0] === 'error' && (again[1] as unknown[])[1] === m, v, missing, stop,
        sup_again: sup_again[0] === 'error' && (sup_again[1] as unknown[])[1] === sup, which, counts, nosup, why,
        gone: global.whereis_name('sup'),
      };
    });
    expect(r).to.deep.equal({
      again: true, v: ['s', 1], missing: ['EXIT', ['noproc', ['gen_statem', 'call', [{ global: 'nomachine' }, 'get', 'infinity']]]],
      stop: 'ok', sup_again: true, which: [], counts: [['specs', 0], ['active', 0], ['supervisors', 0], ['workers', 0]],
      nosup: ['EXIT', ['noproc', ['gen_server', 'call', [{ global: 'nosup' }, 'which_children', 'infinity']]]], why: 'shutdown',
      gone: 'undefined',
    });
  });
});
