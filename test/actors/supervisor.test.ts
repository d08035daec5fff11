// supervisor against OTP 25 (supervisor_SUITE's groups: sup_start, sup_start_map, sup_flags,
// child_specs, child_adm, restart_*, normal/shutdown/abnormal_termination, sup_stop, order).
// Doubtful values are checked on erl by test/otp/30_supervisor.escript.
import { expect } from 'chai';
import {
  run, self, receive, on, after, _, exit, process_flag, whereis, monitor,
  is_process_alive, Pid, Proc,
} from '../../runtime';
import * as supervisor from '../../actors/supervisor';
import * as gen_server from '../../actors/gen_server';
import type { SupervisorModule, SupFlags, ChildSpec } from '../../actors/supervisor';
import { child } from './_sup_children';
import { spec, sup_mod, started, until, watch, logged } from './_sup_helpers';
import { crash_reports_per_test } from '../support/crash_reports';

function* pid_of(sup: Pid | string, id: unknown): Proc<unknown> {
  const w = yield* supervisor.which_children(sup);
  const e = w.find((c) => c[0] === id);
  return e === undefined ? 'none' : e[1];
}

function* down(pid: Pid): Proc<unknown> {
  const ref = monitor('process', pid);
  return yield* receive(on(['DOWN', ref, _, _, _], (m) => m[4]), after(3000, () => 'no_down'));
}

describe('actors/supervisor', () => {
  const reports = crash_reports_per_test();

  describe('flags and specs', () => {
    it('map defaults as OTP 25: get_childspec gives the full map, shutdown 5000 / infinity', async () => {
      const r = await run(function* () {
        watch();
        const specs: ChildSpec[] = [
          { id: 'w', start: [child, 'start_link', [{ id: 'w' }]] },
          { id: 's', start: [supervisor, 'start_link', [sup_mod({}, []), null]], type: 'supervisor' },
        ];
        const sup = yield* started(supervisor.start_link(sup_mod({}, specs), null));
        const w = yield* supervisor.get_childspec(sup, 'w');
        const s = yield* supervisor.get_childspec(sup, 's');
        const missing = yield* supervisor.get_childspec(sup, 'x');
        yield* gen_server.stop(sup);
        return [w, s, missing];
      });
      expect(r[0]).to.deep.equal(['ok', {
        id: 'w', start: [child, 'start_link', [{ id: 'w' }]], restart: 'permanent', significant: false,
        shutdown: 5000, type: 'worker', modules: [child],
      }]);
      expect((r[1] as [string, { shutdown: unknown; type: unknown }])[1]).to.include({ shutdown: 'infinity', type: 'supervisor' });
      expect(r[2]).to.deep.equal(['error', 'not_found']);
    });

    it('bad flags: {error, {supervisor_data, E}} with OTP’s terms', async () => {
      const r = await run(function* () {
        process_flag('trap_exit', true);
        const out: unknown[] = [];
        for (const f of [
          'junk', { strategy: 'all_for_none' }, { intensity: -1 }, { period: 0 }, { intensity: 1.5 },
          { auto_shutdown: 'sometimes' }, ['one_for_one', 'x', 5],
        ]) {
          out.push(yield* supervisor.start_link(sup_mod(f as SupFlags, []), null));
        }
        return out;
      });
      expect(r).to.deep.equal([
        ['error', ['supervisor_data', ['invalid_type', 'junk']]],
        ['error', ['supervisor_data', ['invalid_strategy', 'all_for_none']]],
        ['error', ['supervisor_data', ['invalid_intensity', -1]]],
        ['error', ['supervisor_data', ['invalid_period', 0]]],
        ['error', ['supervisor_data', ['invalid_intensity', 1.5]]],
        ['error', ['supervisor_data', ['invalid_auto_shutdown', 'sometimes']]],
        ['error', ['supervisor_data', ['invalid_intensity', 'x']]],
      ]);
    });

    it('check_childspecs: every error term, tuple form accepted', () => {
      const start = [child, 'start_link', []] as const;
      const check = supervisor.check_childspecs;
      expect(check([{ id: 'a', start }, ['b', start, 'temporary', 'brutal_kill', 'worker', 'dynamic']])).to.equal('ok');
      expect(check('x')).to.deep.equal(['error', ['badarg', 'x']]);
      expect(check([], 'bogus' as 'never')).to.deep.equal(['error', ['badarg', 'bogus']]);
      const cases: Array<[unknown, unknown]> = [
        [{ start }, 'missing_id'],
        [{ id: 'a' }, 'missing_start'],
        [{ id: 'a', start: ['m', 'f', []] }, ['invalid_mfa', ['m', 'f', []]]],
        [{ id: 'a', start: [child, 'f', 'x'] }, ['invalid_mfa', [child, 'f', 'x']]],
        [{ id: 'a', start, restart: 'sometimes' }, ['invalid_restart_type', 'sometimes']],
        [{ id: 'a', start, significant: 'yes' }, ['invalid_significant', 'yes']],
        [{ id: 'a', start, significant: true }, ['bad_combination', [['restart', 'permanent'], ['significant', true]]]],
        [{ id: 'a', start, type: 'boss' }, ['invalid_child_type', 'boss']],
        [{ id: 'a', start, shutdown: -1 }, ['invalid_shutdown', -1]],
        [{ id: 'a', start, shutdown: 'later' }, ['invalid_shutdown', 'later']],
        [{ id: 'a', start, modules: 'm' }, ['invalid_modules', 'm']],
        [{ id: 'a', start, modules: [1] }, ['invalid_module', 1]],
        ['junk', ['invalid_child_spec', 'junk']],
        [['a', start, 'permanent'], ['invalid_child_spec', ['a', start, 'permanent']]],
      ];
      for (const [s, e] of cases) expect(check([s])).to.deep.equal(['error', e]);
      expect(check([{ id: 'a', start }, { id: 'a', start }])).to.deep.equal(['error', ['duplicate_child_name', 'a']]);
      expect(check([{ id: ['x', 1], start }, { id: ['x', 1], start }])).to.deep.equal(['error', ['duplicate_child_name', ['x', 1]]]);
      // significant with auto_shutdown never, when the supervisor's setting is known
      expect(check([{ id: 'a', start, restart: 'transient', significant: true }], 'never')).to.deep.equal(
        ['error', ['bad_combination', [['auto_shutdown', 'never'], ['significant', true]]]],
      );
      expect(check([{ id: 'a', start, restart: 'transient', significant: true }])).to.equal('ok');
    });

    it('start_link: ignore, bad return, bad spec, a child that fails to start (started ones stopped)', async () => {
      const r = await run(function* () {
        watch();
        const ign = yield* supervisor.start_link({ init: () => 'ignore' }, null);
        const bad_mod = { init: () => ['ok', 'nope'] } as unknown as SupervisorModule<null>;
        const bad = yield* supervisor.start_link(bad_mod, null);
        const badspec = yield* supervisor.start_link(sup_mod({}, [{ id: 'a' } as ChildSpec]), null);
        const sofo = yield* supervisor.start_link(sup_mod({ strategy: 'simple_one_for_one' }, [spec('a'), spec('b')]), null);
        const fail = yield* supervisor.start_link(
          sup_mod({}, [spec('a', { trap: 'log' }), spec('b', { init: ['error', 'boom'] }), spec('c')]), null,
        );
        return { ign, bad, bad_mod, badspec, sofo, fail, log: yield* logged() };
      });
      expect(r.ign).to.equal('ignore');
      expect(r.bad).to.deep.equal(['error', ['bad_return', [r.bad_mod, 'init', ['ok', 'nope']]]]);
      expect(r.badspec).to.deep.equal(['error', ['start_spec', 'missing_start']]);
      expect(r.sofo[0]).to.equal('error');
      expect((r.sofo as unknown[])[1]).to.have.property('0', 'bad_start_spec');
      expect(r.fail).to.deep.equal(['error', ['shutdown', ['failed_to_start_child', 'b', 'boom']]]);
      expect(r.log).to.deep.equal([['started', 'a'], ['terminated', 'a', 'shutdown']]);
    });

    it('named: {local, Name}; already_started for a second start', async () => {
      const r = await run(function* () {
        process_flag('trap_exit', true);
        const sup = yield* started(supervisor.start_link({ local: 'my_sup' }, sup_mod({}, []), null));
        const again = yield* supervisor.start_link({ local: 'my_sup' }, sup_mod({}, []), null);
        const by_name = yield* supervisor.count_children('my_sup');
        yield* gen_server.stop('my_sup');
        return [whereis('my_sup'), again, sup, by_name];
      });
      expect(r[0]).to.equal('undefined');
      expect(r[1]).to.deep.equal(['error', ['already_started', r[2]]]);
      expect(r[3]).to.deep.equal([['specs', 0], ['active', 0], ['supervisors', 0], ['workers', 0]]);
    });
  });

  describe('child API', () => {
    it('start/terminate/restart/delete_child, which_children newest first, count_children', async () => {
      const r = await run(function* () {
        watch();
        const sup = yield* started(supervisor.start_link(sup_mod({}, [spec('a')]), null));
        const out: Record<string, unknown> = {};
        out.start_b = yield* supervisor.start_child(sup, spec('b'));
        out.again = yield* supervisor.start_child(sup, spec('b'));
        out.bad = yield* supervisor.start_child(sup, { id: 'c' } as ChildSpec);
        out.which = yield* supervisor.which_children(sup);
        out.count = yield* supervisor.count_children(sup);
        out.running_restart = yield* supervisor.restart_child(sup, 'b');
        out.running_delete = yield* supervisor.delete_child(sup, 'b');
        out.term = yield* supervisor.terminate_child(sup, 'b');
        out.term_again = yield* supervisor.terminate_child(sup, 'b');
        out.present = yield* supervisor.start_child(sup, spec('b'));
        out.which2 = yield* supervisor.which_children(sup);
        out.count2 = yield* supervisor.count_children(sup);
        out.restart = yield* supervisor.restart_child(sup, 'b');
        yield* supervisor.terminate_child(sup, 'b');
        out.del = yield* supervisor.delete_child(sup, 'b');
        out.nf = [
          yield* supervisor.terminate_child(sup, 'zz'), yield* supervisor.restart_child(sup, 'zz'),
          yield* supervisor.delete_child(sup, 'zz'), yield* supervisor.terminate_child(sup, self()),
        ];
        out.final = yield* supervisor.which_children(sup);
        yield* gen_server.stop(sup);
        return out;
      });
      const b = (r.start_b as [string, Pid])[1];
      expect(r.start_b).to.deep.equal(['ok', b]);
      expect(r.again).to.deep.equal(['error', ['already_started', b]]);
      expect(r.bad).to.deep.equal(['error', 'missing_start']);
      const a = (r.which as unknown[][])[1][1];
      expect(r.which).to.deep.equal([['b', b, 'worker', [child]], ['a', a, 'worker', [child]]]);
      expect(r.count).to.deep.equal([['specs', 2], ['active', 2], ['supervisors', 0], ['workers', 2]]);
      expect(r.running_restart).to.deep.equal(['error', 'running']);
      expect(r.running_delete).to.deep.equal(['error', 'running']);
      expect([r.term, r.term_again]).to.deep.equal(['ok', 'ok']);
      expect(r.present).to.deep.equal(['error', 'already_present']);
      expect(r.which2).to.deep.equal([['b', 'undefined', 'worker', [child]], ['a', a, 'worker', [child]]]);
      expect(r.count2).to.deep.equal([['specs', 2], ['active', 1], ['supervisors', 0], ['workers', 2]]);
      expect((r.restart as unknown[])[0]).to.equal('ok');
      expect(r.del).to.equal('ok');
      expect(r.nf).to.deep.equal([['error', 'not_found'], ['error', 'not_found'], ['error', 'not_found'], ['error', 'not_found']]);
      expect(r.final).to.deep.equal([['a', a, 'worker', [child]]]);
    });

    it('start functions: ignore (kept unless temporary), {error,R} and junk carry the child record, {ok,Pid,Info}', async () => {
      const r = await run(function* () {
        watch();
        const sup = yield* started(supervisor.start_link(sup_mod({}, []), null));
        const out: Record<string, unknown> = {};
        out.ign = yield* supervisor.start_child(sup, spec('i', { init: 'ignore' }));
        out.ign_tmp = yield* supervisor.start_child(sup, spec('t', { init: 'ignore' }, { restart: 'temporary' }));
        out.err = yield* supervisor.start_child(sup, { id: 'e', start: [child, 'returns', [['error', 'boom']]] });
        out.junk = yield* supervisor.start_child(sup, { id: 'j', start: [child, 'returns', ['junk']] });
        out.crash = yield* supervisor.start_child(sup, { id: 'c', start: [child, 'crash', []] });
        out.undef = yield* supervisor.start_child(sup, { id: 'u', start: [child, 'nope', []] });
        out.which = yield* supervisor.which_children(sup);
        out.info = yield* supervisor.start_child(sup, { id: 'x', start: [child, 'returns', [['ok', self(), 'extra']]] });
        return out;
      });
      expect(r.ign).to.deep.equal(['ok', 'undefined']);
      expect(r.ign_tmp).to.deep.equal(['ok', 'undefined']);
      const rec = (id: string, f: string, a: unknown[]) =>
        ['child', 'undefined', id, [child, f, a], 'permanent', false, 5000, 'worker', [child]];
      expect(r.err).to.deep.equal(['error', ['boom', rec('e', 'returns', [['error', 'boom']])]]);
      expect(r.junk).to.deep.equal(['error', ['junk', rec('j', 'returns', ['junk'])]]);
      expect(r.crash).to.deep.equal(['error', [['EXIT', 'start_crash'], rec('c', 'crash', [])]]);
      expect((r.undef as unknown[][])[1][0]).to.deep.equal(['EXIT', ['undef', [[child, 'nope', [], []]]]]);
      expect(r.which).to.deep.equal([['i', 'undefined', 'worker', [child]]]);
      expect((r.info as unknown[])[0]).to.equal('ok');
      expect((r.info as unknown[])[2]).to.equal('extra');
    });
  });

  describe('restarts', () => {
    it('one_for_one: only the dead child restarts; intensity 1 exceeded: the supervisor exits shutdown after stopping its children', async () => {
      const r = await run(function* () {
        watch();
        const sup = yield* started(supervisor.start_link(sup_mod({ intensity: 1, period: 5 }, [spec('a', { trap: 'log' }), spec('b', { trap: 'log' })]), null));
        const [a1, b1] = [yield* pid_of(sup, 'a'), yield* pid_of(sup, 'b')];
        yield* logged();
        exit(a1 as Pid, 'kill');
        yield* until(function* () {
          const p = yield* pid_of(sup, 'a');
          return p instanceof Pid && p !== a1;
        });
        const [a2, b2] = [yield* pid_of(sup, 'a'), yield* pid_of(sup, 'b')];
        const mid = yield* logged();
        const ref = monitor('process', sup);
        exit(b2 as Pid, 'kill');
        const why = yield* receive(on(['DOWN', ref, _, _, _], (m) => m[4]), after(2000, () => 'alive'));
        return { same_b: b1 === b2, new_a: a2 !== a1, mid, why, end: yield* logged(), a2_alive: is_process_alive(a2 as Pid) };
      });
      expect(r.same_b).to.equal(true);
      expect(r.new_a).to.equal(true);
      expect(r.mid).to.deep.equal([['started', 'a']]);
      expect(r.why).to.equal('shutdown');
      expect(r.end).to.deep.equal([['terminated', 'a', 'shutdown']]);
      expect(r.a2_alive).to.equal(false);
      const kinds = reports.filter((x) => x.label === 'supervisor_report').map((x) => (x.reason as unknown[][])[1][1]);
      expect(kinds).to.deep.equal(['child_terminated', 'child_terminated', 'shutdown']);
      const last = reports.filter((x) => x.label === 'supervisor_report')[2];
      expect((last.reason as unknown[][])[2]).to.deep.equal(['reason', 'reached_max_restart_intensity']);
      expect(last.text).to.match(/^=SUPERVISOR REPORT==== .* ===\n {4}supervisor: \{<0\.\d+\.0>,test_sup\}\n {4}errorContext: shutdown\n {4}reason: reached_max_restart_intensity\n {4}offender: \[\{pid,<0\.\d+\.0>\},\n {15}\{id,b\},\n {15}\{mfargs,\{supervisor_1,start_link,/);
    });

    it('intensity 0: the first crash stops the supervisor', async () => {
      const r = await run(function* () {
        process_flag('trap_exit', true);
        const sup = yield* started(supervisor.start_link(sup_mod({ intensity: 0 }, [spec('a')]), null));
        const a = yield* pid_of(sup, 'a');
        const ref = monitor('process', sup);
        exit(a as Pid, 'boom');
        return yield* receive(on(['DOWN', ref, _, _, _], (m) => m[4]), after(2000, () => 'alive'));
      });
      expect(r).to.equal('shutdown');
    });

    it('restarts older than the period no longer count (intensity 1, period 1: crashes 2.1 s apart are survived)', async () => {
      const r = await run(function* () {
        watch();
        const sup = yield* started(supervisor.start_link(sup_mod({ intensity: 1, period: 1 }, [spec('a')]), null));
        const ref = monitor('process', sup);
        for (let i = 0; i < 2; i++) {
          exit((yield* pid_of(sup, 'a')) as Pid, 'kill');
          // Counted in whole seconds: a restart at second T is forgotten once Now - 1 > T.
          const d = yield* receive(on(['DOWN', ref, _, _, _], (m) => m[4]), after(i === 0 ? 2100 : 200, () => null));
          if (d !== null) return ['died', i, d];
        }
        yield* gen_server.stop(sup);
        return 'survived';
      });
      expect(r).to.equal('survived');
    });

    it('one_for_all restarts every child (reverse-order stop, start order); rest_for_one those started after', async () => {
      const r = await run(function* () {
        watch();
        const specs = [spec('a', { trap: 'log' }), spec('b', { trap: 'log' }), spec('c', { trap: 'log' })];
        const all = yield* started(supervisor.start_link(sup_mod({ strategy: 'one_for_all', intensity: 5 }, specs), null));
        yield* logged();
        const b = yield* pid_of(all, 'b');
        exit(b as Pid, 'kill');
        yield* until(function* () {
          const p = yield* pid_of(all, 'b');
          return p instanceof Pid && p !== b;
        });
        const all_log = yield* logged();
        yield* gen_server.stop(all);
        yield* logged();
        const rest = yield* started(supervisor.start_link(sup_mod({ strategy: 'rest_for_one', intensity: 5 }, specs), null));
        yield* logged();
        const before = [yield* pid_of(rest, 'a'), yield* pid_of(rest, 'b'), yield* pid_of(rest, 'c')];
        exit(before[1] as Pid, 'kill');
        yield* until(function* () {
          const p = yield* pid_of(rest, 'b');
          return p instanceof Pid && p !== before[1];
        });
        const rest_log = yield* logged();
        const a_after = yield* pid_of(rest, 'a');
        yield* gen_server.stop(rest);
        return { all_log, rest_log, a_kept: a_after === before[0] };
      });
      expect(r.all_log).to.deep.equal([
        ['terminated', 'c', 'shutdown'], ['terminated', 'a', 'shutdown'], ['started', 'a'], ['started', 'b'], ['started', 'c'],
      ]);
      expect(r.rest_log).to.deep.equal([['terminated', 'c', 'shutdown'], ['started', 'b'], ['started', 'c']]);
      expect(r.a_kept).to.equal(true);
    });

    it('the restart matrix: permanent always; transient on abnormal only; temporary never (spec removed)', async () => {
      const r = await run(function* () {
        watch();
        const sup = yield* started(supervisor.start_link(sup_mod({ intensity: 10 }, [
          spec('p1'), spec('p2'), spec('tr1', {}, { restart: 'transient' }), spec('tr2', {}, { restart: 'transient' }),
          spec('tr3', {}, { restart: 'transient' }), spec('te1', {}, { restart: 'temporary' }), spec('te2', {}, { restart: 'temporary' }),
        ]), null));
        const old = new Map<string, unknown>();
        for (const id of ['p1', 'p2', 'tr1', 'tr2', 'tr3', 'te1', 'te2']) old.set(id, yield* pid_of(sup, id));
        const stop_with = (id: string, reason: unknown) => gen_server.cast(old.get(id) as Pid, reason);
        stop_with('p1', 'normal');
        stop_with('p2', 'died');
        stop_with('tr1', 'normal');
        stop_with('tr2', ['shutdown', 'x']);
        stop_with('tr3', 'died');
        stop_with('te1', 'normal');
        stop_with('te2', 'died');
        yield* receive(after(100));
        const out: Record<string, unknown> = {};
        for (const id of old.keys()) {
          const p = yield* pid_of(sup, id);
          out[id] = p === 'none' ? 'gone' : p === 'undefined' ? 'undefined' : p === old.get(id) ? 'same' : 'restarted';
        }
        yield* gen_server.stop(sup);
        return out;
      });
      expect(r).to.deep.equal({
        p1: 'restarted', p2: 'restarted', tr1: 'undefined', tr2: 'undefined', tr3: 'restarted', te1: 'gone', te2: 'gone',
      });
    });

    it('a restart that fails: the child is restarting, retried until intensity is spent', async () => {
      const r = await run(function* () {
        watch();
        // 'flaky' starts once, then its start fails: the supervisor retries and gives up.
        let starts = 0;
        const flaky = {
          start_link() {
            starts++;
            return starts === 1 ? gen_server.start_link(child_gs(), null) : ['error', 'no_resource'];
          },
        };
        const sup = yield* started(supervisor.start_link(sup_mod({ intensity: 3, period: 10 }, [
          { id: 'f', start: [flaky, 'start_link', []] }, spec('ok'),
        ]), null));
        const f = yield* pid_of(sup, 'f');
        const ref = monitor('process', sup);
        exit(f as Pid, 'kill');
        const why = yield* receive(on(['DOWN', ref, _, _, _], (m) => m[4]), after(2000, () => 'alive'));
        return { why, starts };
      });
      // the first start, then 3 restarts within the intensity, the 4th exceeds it
      expect(r).to.deep.equal({ why: 'shutdown', starts: 4 });
      const ctx = reports.filter((x) => x.label === 'supervisor_report').map((x) => (x.reason as unknown[][])[1][1]);
      expect(ctx).to.deep.equal(['child_terminated', 'start_error', 'start_error', 'start_error', 'shutdown']);
    });
  });

  describe('shutdown', () => {
    it('stops children in reverse start order; a child ignoring shutdown is killed after its timeout; brutal_kill', async () => {
      const r = await run(function* () {
        watch();
        const sup = yield* started(supervisor.start_link(sup_mod({}, [
          spec('a', { trap: 'log' }), spec('slow', { trap: 'ignore' }, { shutdown: 200 }),
          spec('brutal', { trap: 'log' }, { shutdown: 'brutal_kill' }), spec('c', { trap: 'log' }),
        ]), null));
        yield* logged();
        const slow = (yield* pid_of(sup, 'slow')) as Pid;
        const slow_ref = monitor('process', slow);
        const t0 = Date.now();
        yield* gen_server.stop(sup);
        const ms = Date.now() - t0;
        const slow_down = yield* receive(on(['DOWN', slow_ref, _, _, _], (m) => m[4]), after(0, () => 'none'));
        return { log: yield* logged(), ms, slow_down };
      });
      // brutal_kill runs no terminate; slow is killed after 200 ms; order c, brutal, slow, a
      expect(r.log).to.deep.equal([['terminated', 'c', 'shutdown'], ['terminated', 'a', 'shutdown']]);
      expect(r.slow_down).to.equal('killed');
      expect(r.ms).to.be.within(190, 1500);
      // permanent children that died killed on shutdown: shutdown_error for slow, none for brutal
      const errs = reports.filter((x) => x.label === 'supervisor_report');
      expect(errs.map((x) => [(x.reason as unknown[][])[1][1], (x.reason as unknown[][])[2][1]])).to.deep.equal([['shutdown_error', 'killed']]);
    });

    it('infinity waits for the child (a supervisor child) to finish', async () => {
      const r = await run(function* () {
        watch();
        const inner = sup_mod({}, [spec('deep', { trap: 'log' })]);
        const sup = yield* started(supervisor.start_link(sup_mod({}, [
          { id: 'inner', start: [supervisor, 'start_link', [inner, null]], type: 'supervisor' },
        ]), null));
        const spec_inner = yield* supervisor.get_childspec(sup, 'inner');
        yield* logged();
        yield* gen_server.stop(sup);
        return { shutdown: (spec_inner as [string, { shutdown: unknown }])[1].shutdown, log: yield* logged() };
      });
      expect(r).to.deep.equal({ shutdown: 'infinity', log: [['terminated', 'deep', 'shutdown']] });
    });

    it('the parent’s exit stops the supervisor and its children', async () => {
      const r = await run(function* () {
        watch();
        const sup = yield* started(supervisor.start_link(sup_mod({}, [spec('a', { trap: 'log' })]), null));
        yield* logged();
        exit(sup, 'shutdown');
        const why = yield* down(sup);
        return [why, yield* logged()];
      });
      expect(r).to.deep.equal(['shutdown', [['terminated', 'a', 'shutdown']]]);
    });
  });
});

function child_gs(): gen_server.GenServerModule<null, null> {
  return {
    init: () => ['ok', null],
    handle_call: (_r, _f, s) => ['reply', 'ok', s],
    handle_cast: (_m, s) => ['noreply', s],
  };
}
