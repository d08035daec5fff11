// supervisor, the rest of supervisor_SUITE's groups: simple_one_for_one (child_adm_simple,
// restart_simple_one_for_one, shutdown in parallel), significant children and auto_shutdown,
// trees (a crash loop takes its subtree down and the parent restarts it), progress reports,
// and the opt-in restart delay.
import { expect } from 'chai';
import {
  run, spawn, self, receive, on, after, _, exit, monitor,
  Pid, Proc,
} from '../../runtime';
import * as supervisor from '../../actors/supervisor';
import * as gen_server from '../../actors/gen_server';
import type { ChildSpecMap, SupFlags } from '../../actors/supervisor';
import { child, ChildOpts } from './_sup_children';
import { spec, sup_mod, started, until, watch, logged } from './_sup_helpers';
import { crash_reports_per_test } from '../support/crash_reports';

/** A simple_one_for_one spec: start_child(Sup, [Opts]) appends the opts. */
function dyn_spec(extra: Partial<ChildSpecMap> = {}): ChildSpecMap {
  return { id: 'ignored', start: [child, 'start_link', []], ...extra };
}

function* new_child(sup: Pid, o: ChildOpts): Proc<Pid> {
  const r = yield* supervisor.start_child(sup, [o]);
  if (r[0] !== 'ok' || !(r[1] instanceof Pid)) return exit(['start_child_failed', r]);
  return r[1];
}

function* down(pid: Pid, ms = 2000): Proc<unknown> {
  const ref = monitor('process', pid);
  return yield* receive(on(['DOWN', ref, _, _, _], (m) => m[4]), after(ms, () => 'alive'));
}

function* sleep(ms: number): Proc<void> {
  yield* receive(after(ms));
}

describe('actors/supervisor_server', () => {
  const reports = crash_reports_per_test();

  describe('simple_one_for_one', () => {
    it('start_child appends args; which_children oldest first with id undefined; the child API’s sofo answers', async () => {
      const r = await run(function* () {
        watch();
        const sup = yield* started(supervisor.start_link(sup_mod({ strategy: 'simple_one_for_one' }, [dyn_spec()]), null));
        const d1 = yield* new_child(sup, { id: 'd1' });
        const d2 = yield* new_child(sup, { id: 'd2' });
        const name1 = yield* gen_server.call(d1, 'id');
        const which = yield* supervisor.which_children(sup);
        const count = yield* supervisor.count_children(sup);
        const errs = [
          yield* supervisor.terminate_child(sup, 'x'), yield* supervisor.restart_child(sup, 'x'),
          yield* supervisor.delete_child(sup, 'x'), yield* supervisor.terminate_child(sup, self()),
          yield* supervisor.get_childspec(sup, self()),
        ];
        const bad = yield* supervisor.start_child(sup, [{ id: 'e', init: ['error', 'boom'] }]);
        const spec1 = yield* supervisor.get_childspec(sup, d1);
        const term = yield* supervisor.terminate_child(sup, d1);
        const dead = spawn(() => undefined);
        yield* sleep(1);
        const term_dead = yield* supervisor.terminate_child(sup, dead);
        const which2 = yield* supervisor.which_children(sup);
        yield* gen_server.stop(sup);
        return { d1, d2, name1, which, count, errs, bad, spec1, term, term_dead, which2 };
      });
      expect(r.name1).to.equal('d1');
      expect(r.which).to.deep.equal([['undefined', r.d1, 'worker', [child]], ['undefined', r.d2, 'worker', [child]]]);
      expect(r.count).to.deep.equal([['specs', 1], ['active', 2], ['supervisors', 0], ['workers', 2]]);
      expect(r.errs).to.deep.equal([
        ['error', 'simple_one_for_one'], ['error', 'simple_one_for_one'], ['error', 'simple_one_for_one'],
        ['error', 'not_found'], ['error', 'not_found'],
      ]);
      expect(r.bad).to.deep.equal(['error', 'boom']); // unwrapped on simple_one_for_one
      expect(r.spec1).to.deep.equal(['ok', {
        id: 'ignored', start: [child, 'start_link', []], restart: 'permanent', significant: false, shutdown: 5000,
        type: 'worker', modules: [child],
      }]);
      expect([r.term, r.term_dead]).to.deep.equal(['ok', 'ok']);
      expect(r.which2).to.deep.equal([['undefined', r.d2, 'worker', [child]]]);
    });

    it('a permanent dynamic child restarts with its args; a temporary one is removed', async () => {
      const r = await run(function* () {
        watch();
        const perm = yield* started(supervisor.start_link(sup_mod({ strategy: 'simple_one_for_one' }, [dyn_spec()]), null));
        const p = yield* new_child(perm, { id: 'p' });
        exit(p, 'kill');
        yield* until(function* () {
          const w = yield* supervisor.which_children(perm);
          return w.length === 1 && w[0][1] !== p;
        });
        const p2 = (yield* supervisor.which_children(perm))[0][1] as Pid;
        const id2 = yield* gen_server.call(p2, 'id');
        const tmp = yield* started(supervisor.start_link(sup_mod({ strategy: 'simple_one_for_one' }, [dyn_spec({ restart: 'temporary' })]), null));
        const t = yield* new_child(tmp, { id: 't' });
        const tspec = yield* supervisor.get_childspec(tmp, t);
        exit(t, 'kill');
        yield* sleep(20);
        return { id2, tmp_which: yield* supervisor.which_children(tmp), tspec };
      });
      expect(r.id2).to.equal('p');
      expect(r.tmp_which).to.deep.equal([]);
      expect((r.tspec as [string, { restart: string }])[1].restart).to.equal('temporary');
    });

    it('a dynamic child whose restart fails is restarting (count_children active excludes it) until intensity is spent', async () => {
      const r = await run(function* () {
        watch();
        let starts = 0;
        const flaky = {
          start_link(o: ChildOpts) {
            starts++;
            return starts <= 2 ? child.start_link(o) : ['error', 'no_resource'];
          },
        };
        const sup = yield* started(supervisor.start_link(sup_mod({ strategy: 'simple_one_for_one', intensity: 50, period: 10 }, [
          { id: 'x', start: [flaky, 'start_link', []], restart_delay: 100 },
        ]), null));
        const a = yield* new_child(sup, { id: 'a' });
        const b = yield* new_child(sup, { id: 'b' });
        exit(a, 'kill'); // its restart (after 100 ms) fails, and is retried every 100 ms
        yield* sleep(50);
        const which = (yield* supervisor.which_children(sup)).map((c) => c[1] === b ? 'b' : c[1]);
        const count = yield* supervisor.count_children(sup);
        const term = yield* supervisor.terminate_child(sup, a); // a restarting child can be terminated by its old pid
        const count2 = yield* supervisor.count_children(sup);
        yield* gen_server.stop(sup);
        return { which, count, term, count2 };
      });
      expect(r.which).to.deep.equal(['b', 'restarting']);
      expect(r.count).to.deep.equal([['specs', 1], ['active', 1], ['supervisors', 0], ['workers', 2]]);
      expect(r.term).to.equal('ok');
      expect(r.count2).to.deep.equal([['specs', 1], ['active', 1], ['supervisors', 0], ['workers', 1]]);
    });

    it('stops its children in parallel: three that ignore shutdown take one timeout, not three', async () => {
      const r = await run(function* () {
        watch();
        const sup = yield* started(supervisor.start_link(sup_mod({ strategy: 'simple_one_for_one' }, [dyn_spec({ shutdown: 150 })]), null));
        const kids: Pid[] = [];
        for (const id of ['a', 'b', 'c']) kids.push(yield* new_child(sup, { id, trap: 'ignore' }));
        const refs = kids.map((k) => monitor('process', k));
        const t0 = Date.now();
        yield* gen_server.stop(sup);
        const ms = Date.now() - t0;
        const reasons: unknown[] = [];
        for (const ref of refs) reasons.push(yield* receive(on(['DOWN', ref, _, _, _], (m) => m[4]), after(0, () => 'none')));
        return { ms, reasons };
      });
      expect(r.reasons).to.deep.equal(['killed', 'killed', 'killed']);
      expect(r.ms).to.be.within(140, 400);
      // one shutdown_error report for the reason, with nb_children 3
      const errs = reports.filter((x) => x.label === 'supervisor_report');
      expect(errs).to.have.length(1);
      expect((errs[0].reason as unknown[][])[3][1]).to.deep.include(['nb_children', 3]);
    });
  });

  describe('significant children', () => {
    it('any_significant: a significant child’s own exit stops the supervisor with shutdown; terminate_child does not', async () => {
      const r = await run(function* () {
        watch();
        const flags: SupFlags = { auto_shutdown: 'any_significant' };
        const sup = yield* started(supervisor.start_link(sup_mod(flags, [
          spec('sig', {}, { restart: 'transient', significant: true }), spec('sig2', {}, { restart: 'transient', significant: true }),
          spec('plain'),
        ]), null));
        const by_sup = yield* supervisor.terminate_child(sup, 'sig');
        const alive = (yield* supervisor.count_children(sup))[1];
        const sig2 = (yield* supervisor.which_children(sup)).find((c) => c[0] === 'sig2')?.[1] as Pid;
        const ref = monitor('process', sup);
        gen_server.cast(sig2, 'normal');
        const why = yield* receive(on(['DOWN', ref, _, _, _], (m) => m[4]), after(2000, () => 'alive'));
        return { by_sup, alive, why };
      });
      expect(r).to.deep.equal({ by_sup: 'ok', alive: ['active', 2], why: 'shutdown' });
    });

    it('all_significant: the supervisor stops when the last significant child has exited', async () => {
      const r = await run(function* () {
        watch();
        const sup = yield* started(supervisor.start_link(sup_mod({ auto_shutdown: 'all_significant' }, [
          spec('s1', {}, { restart: 'temporary', significant: true }), spec('s2', {}, { restart: 'transient', significant: true }),
        ]), null));
        const w = yield* supervisor.which_children(sup);
        gen_server.cast(w[1][1] as Pid, 'normal');
        yield* sleep(20);
        const after_first = yield* supervisor.which_children(sup);
        gen_server.cast(w[0][1] as Pid, 'shutdown');
        return { after_first: after_first.map((c) => [c[0], c[1] instanceof Pid]), why: yield* down(sup) };
      });
      expect(r).to.deep.equal({ after_first: [['s2', true]], why: 'shutdown' });
    });

    it('escalates: a significant child supervisor that auto-shuts down stops its parent too', async () => {
      const r = await run(function* () {
        watch();
        const inner = sup_mod({ auto_shutdown: 'any_significant' }, [spec('leaf', {}, { restart: 'transient', significant: true })]);
        const outer = yield* started(supervisor.start_link(sup_mod({ auto_shutdown: 'any_significant' }, [
          { id: 'inner', start: [supervisor, 'start_link', [inner, null]], type: 'supervisor', restart: 'transient', significant: true },
        ]), null));
        const inner_pid = (yield* supervisor.which_children(outer))[0][1] as Pid;
        const leaf = (yield* supervisor.which_children(inner_pid))[0][1] as Pid;
        gen_server.cast(leaf, 'normal');
        return yield* down(outer);
      });
      expect(r).to.equal('shutdown');
    });
  });

  describe('failed restarts of several children', () => {
    it('one_for_all: when another child fails to restart, the group is retried until all run', async () => {
      const r = await run(function* () {
        watch();
        let b_starts = 0;
        const b_mod = {
          start_link(o: ChildOpts) {
            b_starts++;
            return b_starts === 2 ? ['error', 'not_yet'] : child.start_link(o);
          },
        };
        const sup = yield* started(supervisor.start_link(sup_mod({ strategy: 'one_for_all', intensity: 10 }, [
          spec('a', { trap: 'log' }), { id: 'b', start: [b_mod, 'start_link', [{ id: 'b', trap: 'log' }]] },
        ]), null));
        yield* logged();
        const a1 = (yield* supervisor.which_children(sup)).find((c) => c[0] === 'a')?.[1] as Pid;
        exit(a1, 'kill');
        yield* until(function* () {
          return (yield* supervisor.which_children(sup)).every((c) => c[1] instanceof Pid && c[1] !== a1);
        });
        const log = yield* logged();
        yield* gen_server.stop(sup);
        return { b_starts, log };
      });
      // b stopped, a started, b failed; retried: a stopped again, both started
      expect(r.b_starts).to.equal(3);
      expect(r.log).to.deep.equal([
        ['terminated', 'b', 'shutdown'], ['started', 'a'], ['terminated', 'a', 'shutdown'], ['started', 'a'], ['started', 'b'],
      ]);
      const ctx = reports.filter((x) => x.label === 'supervisor_report').map((x) => (x.reason as unknown[][])[1][1]);
      expect(ctx).to.deep.equal(['child_terminated', 'start_error']);
    });
  });

  describe('trees', () => {
    it('a crash loop exceeding the inner intensity takes the subtree down; the outer supervisor restarts it', async () => {
      const r = await run(function* () {
        watch();
        const inner = sup_mod({ intensity: 1, period: 5 }, [spec('worker', { trap: 'log' })]);
        const outer = yield* started(supervisor.start_link(sup_mod({ intensity: 3 }, [
          { id: 'inner', start: [supervisor, 'start_link', [inner, null]], type: 'supervisor' }, spec('bystander'),
        ]), null));
        const inner1 = (yield* supervisor.which_children(outer)).find((c) => c[0] === 'inner')?.[1] as Pid;
        const by1 = (yield* supervisor.which_children(outer)).find((c) => c[0] === 'bystander')?.[1];
        const inner_ref = monitor('process', inner1);
        // the first crash is restarted; the second within 5 s exceeds intensity 1
        const w1 = (yield* supervisor.which_children(inner1))[0][1] as Pid;
        exit(w1, 'kill');
        yield* until(function* () {
          const x = (yield* supervisor.which_children(inner1))[0][1];
          return x instanceof Pid && x !== w1;
        });
        const w2 = (yield* supervisor.which_children(inner1))[0][1] as Pid;
        exit(w2, 'kill');
        const inner_why = yield* receive(on(['DOWN', inner_ref, _, _, _], (m) => m[4]), after(2000, () => 'alive'));
        yield* until(function* () {
          const p = (yield* supervisor.which_children(outer)).find((c) => c[0] === 'inner')?.[1];
          return p instanceof Pid && p !== inner1;
        });
        const inner2 = (yield* supervisor.which_children(outer)).find((c) => c[0] === 'inner')?.[1] as Pid;
        const leaf = yield* supervisor.which_children(inner2);
        const by2 = (yield* supervisor.which_children(outer)).find((c) => c[0] === 'bystander')?.[1];
        yield* gen_server.stop(outer);
        return { inner_why, leaf: leaf.map((c) => [c[0], c[1] instanceof Pid]), same_bystander: by1 === by2 };
      });
      expect(r).to.deep.equal({ inner_why: 'shutdown', leaf: [['worker', true]], same_bystander: true });
    });
  });

  describe('reports and restart delay', () => {
    it('progress reports for each child started, in OTP’s shape', async () => {
      await run(function* () {
        watch();
        const sup = yield* started(supervisor.start_link({ local: 'prog_sup' }, sup_mod({}, [spec('a')]), null));
        yield* gen_server.stop(sup);
      });
      const prog = reports.filter((x) => x.label === 'progress');
      expect(prog).to.have.length(1);
      expect((prog[0].reason as unknown[][])[0]).to.deep.equal(['supervisor', ['local', 'prog_sup']]);
      expect(prog[0].text).to.match(/^=PROGRESS REPORT==== .* ===\n {4}supervisor: \{local,prog_sup\}\n {4}started: \[\{pid,<0\.\d+\.0>\},\n {15}\{id,a\},/);
    });

    it('restart_delay (beyond OTP): the child shows restarting, then restarts after the delay', async () => {
      const r = await run(function* () {
        watch();
        const sup = yield* started(supervisor.start_link(sup_mod({}, [spec('a', {}, { restart_delay: 150 })]), null));
        const a = (yield* supervisor.which_children(sup))[0][1] as Pid;
        const t0 = Date.now();
        exit(a, 'kill');
        yield* sleep(20);
        const during = (yield* supervisor.which_children(sup))[0][1];
        const during_count = yield* supervisor.count_children(sup);
        const during_restart = yield* supervisor.restart_child(sup, 'a');
        yield* until(function* () {
          return (yield* supervisor.which_children(sup))[0][1] instanceof Pid;
        });
        const ms = Date.now() - t0;
        yield* gen_server.stop(sup);
        return { during, during_count, during_restart, ms };
      });
      expect(r.during).to.equal('restarting');
      expect(r.during_count).to.deep.equal([['specs', 1], ['active', 0], ['supervisors', 0], ['workers', 1]]);
      expect(r.during_restart).to.deep.equal(['error', 'restarting']);
      expect(r.ms).to.be.within(145, 1000);
      expect(supervisor.check_childspecs([{ id: 'a', start: [child, 'start_link', []], restart_delay: -1 }])).to.deep.equal(
        ['error', ['invalid_restart_delay', -1]],
      );
    });
  });
});
