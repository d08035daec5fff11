// supervisor, more of OTP's supervisor_SUITE against OTP 25 (test/otp/37_supervisor_more.escript):
// sup_start_ignore_temporary_child(_start_child), ignore under simple_one_for_one,
// sup_start_restart_child_returns_error, sup_stop_brutal_kill_dynamic,
// do_not_save_start_parameters_for_temporary_children, get_callback_module, a dynamic child
// whose restart returns ignore (dropped, as OTP 26: OTP 25 keeps a phantom entry that crashes
// its shutdown), count_children_supervisor.
import { expect } from 'chai';
import { run, link, receive, on, after, _, exit, process_flag, Pid, Proc } from '../../runtime';
import * as supervisor from '../../actors/supervisor';
import * as gen_server from '../../actors/gen_server';
import type { ChildSpec, SupFlags } from '../../actors/supervisor';
import { crash_reports_per_test } from '../support/crash_reports';

const plain: gen_server.GenServerModule<null, null> = {
  name: 'plain',
  init: () => ['ok', null],
  handle_call: (req, _f, s) => ['reply', req, s],
  handle_cast: (_m, s) => ['noreply', s],
};

/** What toggle(Key) returns instead of starting (absent: start). */
const toggles = new Map<string, unknown>();

const kids = {
  name: 'kids',
  start_child: (arg?: unknown): unknown => (arg === 'ignore' ? 'ignore' : gen_server.start_link(plain, null)),
  toggle: (key: string): unknown => (toggles.has(key) ? toggles.get(key) : gen_server.start_link(plain, null)),
};

function tspec(id: string, arg: unknown, restart: 'temporary' | 'permanent'): ChildSpec {
  return [id, [kids, 'start_child', [arg]], restart, 1000, 'worker', []];
}

const sup_mod: supervisor.SupervisorModule<[SupFlags, ChildSpec[]]> = { name: 'more_sup', init: (a) => ['ok', a] };

function* sup(flags: SupFlags, specs: ChildSpec[]): Proc<Pid> {
  const s = yield* supervisor.start_link(sup_mod, [flags, specs]);
  return s !== 'ignore' && s[0] === 'ok' ? s[1] : exit(['start_failed', s]);
}

function* counts(s: Pid): Proc<number[]> {
  return (yield* supervisor.count_children(s)).map((c) => c[1]);
}

function* ids(s: Pid): Proc<unknown[]> {
  return (yield* supervisor.which_children(s)).map((c) => [c[0], c[1] instanceof Pid]);
}

function* exit_of(p: Pid): Proc<unknown> {
  return yield* receive(on(['EXIT', p, _], (m) => m[2]), after(1000, () => 'alive'));
}

function* stop(s: Pid): Proc<void> {
  exit(s, 'shutdown');
  yield* exit_of(s);
}

describe('actors/supervisor (more of supervisor_SUITE)', () => {
  const reports = crash_reports_per_test();
  const taken = (): unknown[] => {
    const out = reports.filter((x) => x.label === 'supervisor_report').map((x) => {
      const r = x.reason as unknown[][];
      return [r[1][1], ((r[3][1] as unknown[][]).find((f) => f[0] === 'id') as unknown[])[1], r[2][1]];
    });
    reports.length = 0;
    return out;
  };
  afterEach(() => toggles.clear());

  it('ignored temporary children are not kept; an ignored permanent one is, without a pid', async () => {
    const r = await run(function* () {
      process_flag('trap_exit', true);
      const s = yield* sup({}, [tspec('child1', 'ignore', 'temporary'), tspec('child2', 'ok', 'temporary')]);
      const out: unknown[] = [yield* ids(s), yield* counts(s)];
      out.push(yield* supervisor.start_child(s, tspec('child3', 'ignore', 'temporary')));
      out.push(yield* supervisor.start_child(s, tspec('child4', 'ignore', 'permanent')));
      out.push(yield* ids(s), yield* counts(s));
      yield* stop(s);
      for (const restart of ['temporary', 'permanent'] as const) {
        const d = yield* sup({ strategy: 'simple_one_for_one' }, [['c', [kids, 'start_child', []], restart, 1000, 'worker', []]]);
        out.push(yield* supervisor.start_child(d, ['ignore']), (yield* supervisor.start_child(d, []))[0], yield* counts(d));
        exit(d, 'shutdown');
        out.push(yield* exit_of(d));
      }
      return out;
    });
    expect(r).to.deep.equal([
      [['child2', true]], [1, 1, 0, 1], ['ok', 'undefined'], ['ok', 'undefined'], [['child4', false], ['child2', true]], [2, 1, 0, 2],
      ['ok', 'undefined'], 'ok', [1, 1, 0, 1], 'shutdown',
      ['ok', 'undefined'], 'ok', [1, 1, 0, 1], 'shutdown',
    ]);
  });

  it('restart_child whose start fails: {error, R} (junk too), ignore gives {ok, undefined}; no reports', async () => {
    const r = await run(function* () {
      process_flag('trap_exit', true);
      const s = yield* sup({}, [['t', [kids, 'toggle', ['t']], 'permanent', 1000, 'worker', []]]);
      const out: unknown[] = [yield* supervisor.terminate_child(s, 't')];
      toggles.set('t', ['error', 'reason']);
      out.push(yield* supervisor.restart_child(s, 't'));
      toggles.set('t', 'junk');
      out.push(yield* supervisor.restart_child(s, 't'));
      toggles.set('t', 'ignore');
      out.push(yield* supervisor.restart_child(s, 't'));
      out.push(yield* supervisor.which_children(s));
      toggles.delete('t');
      out.push((yield* supervisor.restart_child(s, 't'))[0], taken());
      yield* stop(s);
      return out;
    });
    expect(r).to.deep.equal([
      'ok', ['error', 'reason'], ['error', 'junk'], ['ok', 'undefined'], [['t', 'undefined', 'worker', []]], 'ok', [],
    ]);
  });

  it('brutal_kill of simple_one_for_one children: each killed, no report for temporary ones', async () => {
    const r = await run(function* () {
      process_flag('trap_exit', true);
      const s = yield* sup({ strategy: 'simple_one_for_one' }, [['c', [kids, 'start_child', []], 'temporary', 'brutal_kill', 'worker', []]]);
      const ps: Pid[] = [];
      for (let i = 0; i < 3; i++) {
        const p = (yield* supervisor.start_child(s, []))[1] as Pid;
        link(p);
        ps.push(p);
      }
      exit(s, 'shutdown');
      const out: unknown[] = [];
      for (const p of ps) out.push(yield* exit_of(p));
      return [out, yield* exit_of(s), taken()];
    });
    expect(r).to.deep.equal([['killed', 'killed', 'killed'], 'shutdown', []]);
  });

  it('get_childspec of a dynamic child has the spec’s start (no extra args) for each restart type; get_callback_module', async () => {
    const r = await run(function* () {
      process_flag('trap_exit', true);
      const out: unknown[] = [];
      for (const restart of ['temporary', 'transient', 'permanent'] as const) {
        const s = yield* sup({ strategy: 'simple_one_for_one' }, [['c', [kids, 'start_child', []], restart, 1000, 'worker', []]]);
        const p = (yield* supervisor.start_child(s, ['arg']))[1] as Pid;
        const spec = yield* supervisor.get_childspec(s, p);
        out.push(spec[0], spec[0] === 'ok' ? [spec[1].restart, spec[1].start[1], spec[1].start[2], spec[1].modules] : spec[1]);
        yield* stop(s);
      }
      const s = yield* sup({}, []);
      out.push((yield* supervisor.get_callback_module(s)) === sup_mod);
      yield* stop(s);
      return out;
    });
    expect(r).to.deep.equal([
      'ok', ['temporary', 'start_child', [], []], 'ok', ['transient', 'start_child', [], []], 'ok', ['permanent', 'start_child', [], []], true,
    ]);
  });

  it('a dynamic child whose restart returns ignore is dropped (OTP 26; OTP 25 keeps an entry that crashes its shutdown)', async () => {
    const r = await run(function* () {
      process_flag('trap_exit', true);
      const s = yield* sup({ strategy: 'simple_one_for_one', intensity: 5 }, [['c', [kids, 'toggle', ['d']], 'permanent', 1000, 'worker', []]]);
      const d = (yield* supervisor.start_child(s, []))[1] as Pid;
      toggles.set('d', 'ignore');
      exit(d, 'kill');
      yield* receive(after(50));
      const out: unknown[] = [yield* supervisor.which_children(s), yield* counts(s), taken()];
      exit(s, 'shutdown');
      out.push(yield* exit_of(s));
      return out;
    });
    expect(r).to.deep.equal([[], [1, 0, 0, 0], [['child_terminated', 'c', 'killed']], 'shutdown']);
  });

  it('count_children and which_children with a supervisor child', async () => {
    const r = await run(function* () {
      process_flag('trap_exit', true);
      const s = yield* sup({}, [
        { id: 'inner', start: [supervisor, 'start_link', [sup_mod, [{}, []]]], type: 'supervisor' },
        { id: 'w', start: [kids, 'start_child', []] },
      ]);
      const out = [yield* supervisor.count_children(s), (yield* supervisor.which_children(s)).map((c) => [c[0], c[2]])];
      yield* stop(s);
      return out;
    });
    expect(r).to.deep.equal([
      [['specs', 2], ['active', 2], ['supervisors', 1], ['workers', 1]], [['w', 'worker'], ['inner', 'supervisor']],
    ]);
  });
});
