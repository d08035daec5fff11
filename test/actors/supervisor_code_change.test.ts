// The supervisor's code_change against OTP 25 (test/otp/40_supervisor_code_change.escript,
// after supervisor_SUITE's code_change cases): sys.change_code on a suspended supervisor
// runs init again; the new flags (here one_for_all) and specs are taken, running children
// keep their pids, new ids come without one; errors change nothing.
import { expect } from 'chai';
import { run, spawn_link, send, receive, on, after, exit, process_flag, Pid, Proc, set_crash_logger, CrashLogger } from '../../runtime';
import * as supervisor from '../../actors/supervisor';
import * as sys from '../../actors/sys';
import type { ChildSpecMap } from '../../actors/supervisor';

/** What init returns, by key (the escript's persistent_term). */
const inits = new Map<string, unknown>();
const sup_mod: supervisor.SupervisorModule<string> = {
  name: 'cc_sup',
  init: (key) => inits.get(key) as ['ok', [supervisor.SupFlags, supervisor.ChildSpec[]]],
};

const kids = {
  name: 'kids',
  start_child: (): ['ok', Pid] => ['ok', spawn_link(function* () {
    yield* receive(on('stop'));
  })],
};

const spec = (id: string, restart?: 'transient' | 'temporary'): ChildSpecMap =>
  (restart === undefined ? { id, start: [kids, 'start_child', []] } : { id, start: [kids, 'start_child', []], restart });

function* started(r: Proc<unknown>): Proc<Pid> {
  const s = (yield* r) as ['ok', Pid];
  return s[0] === 'ok' ? s[1] : exit(['start_failed', s]);
}

function* ids(s: Pid): Proc<unknown[]> {
  return (yield* supervisor.which_children(s)).map((c) => [c[0], c[1] instanceof Pid ? 'pid' : c[1]]);
}

function* change(s: Pid): Proc<unknown> {
  yield* sys.suspend(s);
  const r = yield* sys.change_code(s, 'cc_sup', 'old', 'extra');
  yield* sys.resume(s);
  return r;
}

describe('actors/supervisor (code_change)', () => {
  let old: CrashLogger;
  beforeEach(() => (old = set_crash_logger(() => {})));
  afterEach(() => {
    set_crash_logger(old);
    inits.clear();
  });

  it('new flags and specs; running children kept, new ones without a pid; errors change nothing', async () => {
    const r = await run(function* () {
      process_flag('trap_exit', true);
      inits.set('k', ['ok', [{}, [spec('a'), spec('b')]]]);
      const s = yield* started(supervisor.start_link(sup_mod, 'k'));
      const [[, b], [, a]] = yield* supervisor.which_children(s);
      const out: unknown[] = [yield* ids(s)];
      inits.set('k', ['ok', [{ strategy: 'one_for_all', intensity: 3 }, [spec('b', 'transient'), spec('c'), spec('d')]]]);
      out.push(yield* sys.change_code(s, 'cc_sup', 'old', 'extra'), yield* change(s), yield* ids(s));
      const now = yield* supervisor.which_children(s);
      out.push(now[0][1] === a && now[3][1] === b);
      const bs = yield* supervisor.get_childspec(s, 'b');
      out.push(bs[0] === 'ok' ? bs[1].restart : bs, yield* supervisor.count_children(s));
      out.push((yield* supervisor.restart_child(s, 'c'))[0], yield* ids(s));
      send(a as Pid, 'stop');
      yield* receive(after(50));
      out.push(yield* ids(s), (yield* supervisor.which_children(s)).some((c) => c[1] === b)); // one_for_all restarted all
      const errors: unknown[] = [];
      for (const init of [
        ['ok', [{ strategy: 'nonsense' }, []]], ['ok', ['junk', []]],
        ['ok', [{}, [{ id: 'x', start: [kids, 'start_child', []], restart: 'nonsense' }]]], ['ok', [{}, [spec('x'), spec('x')]]],
        'ignore', 'junk',
      ]) {
        inits.set('k', init);
        errors.push(yield* change(s));
      }
      out.push(errors, yield* ids(s));
      exit(s, 'kill');
      return out;
    });
    expect(r).to.deep.equal([
      [['b', 'pid'], ['a', 'pid']],
      ['error', ['unknown_system_msg', ['change_code', 'cc_sup', 'old', 'extra']]], 'ok',
      [['a', 'pid'], ['d', 'undefined'], ['c', 'undefined'], ['b', 'pid']], true,
      'transient', [['specs', 4], ['active', 2], ['supervisors', 0], ['workers', 4]],
      'ok', [['a', 'pid'], ['d', 'undefined'], ['c', 'pid'], ['b', 'pid']],
      [['a', 'pid'], ['d', 'pid'], ['c', 'pid'], ['b', 'pid']], false,
      [
        ['error', ['error', ['invalid_strategy', 'nonsense']]], ['error', ['error', ['bad_flags', 'junk']]],
        ['error', ['error', ['invalid_restart_type', 'nonsense']]], ['error', ['error', ['duplicate_child_name', 'x']]],
        'ok', ['error', 'junk'],
      ],
      [['a', 'pid'], ['d', 'pid'], ['c', 'pid'], ['b', 'pid']],
    ]);
  });

  it('simple_one_for_one: the one spec is replaced; running children stay', async () => {
    const r = await run(function* () {
      process_flag('trap_exit', true);
      inits.set('s', ['ok', [{ strategy: 'simple_one_for_one' }, [spec('c1')]]]);
      const d = yield* started(supervisor.start_link(sup_mod, 's'));
      const d1 = (yield* supervisor.start_child(d, []))[1];
      inits.set('s', ['ok', [{ strategy: 'simple_one_for_one' }, [spec('c2', 'temporary')]]]);
      const out: unknown[] = [yield* change(d)];
      const cs = yield* supervisor.get_childspec(d, d1);
      out.push(cs[0] === 'ok' ? [cs[1].id, cs[1].restart] : cs, yield* supervisor.count_children(d));
      exit(d, 'kill');
      return out;
    });
    expect(r).to.deep.equal(['ok', ['c2', 'temporary'], [['specs', 1], ['active', 1], ['supervisors', 0], ['workers', 1]]]);
  });
});
