// supervisor, the stop cases of OTP's supervisor_SUITE not in supervisor.test.ts, against OTP 25
// as test/otp/36_supervisor_stop.escript shows it: sup_stop_race (children that end on their
// own while the supervisor stops another), sup_stop_non_shutdown_exit_dynamic, child_unlink
// (a child unlinked from its supervisor is still stopped through the monitor, and killed when
// it ignores shutdown), simple_global_supervisor (a global child restarted under its name),
// and a child whose name is taken outside the supervisor. Reports as [Context, Id, Reason].
import { expect } from 'chai';
import {
  run, spawn, link, unlink, send, receive, on, after, _, exit, monitor, process_flag, Pid, Proc,
} from '../../runtime';
import * as supervisor from '../../actors/supervisor';
import * as gen_server from '../../actors/gen_server';
import * as global from '../../actors/global';
import type { ChildSpecMap, SupFlags } from '../../actors/supervisor';
import { crash_reports_per_test } from '../support/crash_reports';

type Arg = ['reason', unknown] | ['slow', number] | ['naughty', Pid] | 'plain';

// The escript's child: ['reason', R] traps exits and ends with R however it is stopped (on
// 'stop' it stops normal, then its terminate exits R: supervisor_4); ['slow', Ms] takes Ms to
// stop (supervisor_2); ['naughty', Sup] unlinks from its supervisor (naughty_child).
const kid: gen_server.GenServerModule<Arg, Arg> = {
  name: 'kid',
  init(a) {
    if (Array.isArray(a) && (a[0] === 'reason' || a[0] === 'slow')) process_flag('trap_exit', true);
    if (Array.isArray(a) && a[0] === 'naughty') unlink(a[1]);
    return ['ok', a];
  },
  handle_call: (req, _f, s) => ['reply', req, s],
  handle_cast: (_m, s) => ['noreply', s],
  handle_info: (m, s) => (m === 'stop' ? ['stop', 'normal', s] : ['noreply', s]),
  *terminate(_r, s) {
    if (Array.isArray(s) && s[0] === 'reason') exit(s[1]);
    if (Array.isArray(s) && s[0] === 'slow') yield* receive(after(s[1]));
  },
};

function* ignore_all(sup: Pid): Proc<void> {
  unlink(sup);
  process_flag('trap_exit', true);
  for (;;) yield* receive(on(_));
}

const kids = {
  name: 'kids',
  start_child: (a: Arg) => gen_server.start_link(kid, a),
  naughty: (sup: Pid) => gen_server.start_link(kid, ['naughty', sup]),
  /** Unlinks from its supervisor and ignores exit signals: only a kill ends it. */
  stubborn: (sup: Pid): ['ok', Pid] => {
    const p = spawn(ignore_all, sup);
    link(p);
    return ['ok', p];
  },
};

function spec(id: unknown, a: Arg | null, restart: 'temporary' | 'transient' | 'permanent', shutdown: number): ChildSpecMap {
  return { id, start: [kids, 'start_child', a === null ? [] : [a]], restart, shutdown };
}

function sup_mod(flags: SupFlags, specs: ChildSpecMap[]): supervisor.SupervisorModule<null> {
  return { name: 'stop_sup', init: () => ['ok', [flags, specs]] };
}

function* started(r: Proc<gen_server.StartResult>): Proc<Pid> {
  const s = yield* r;
  return s !== 'ignore' && s[0] === 'ok' ? s[1] : exit(['start_failed', s]);
}

function* exit_of(p: Pid): Proc<unknown> {
  return yield* receive(on(['EXIT', p, _], (m) => m[2]), after(3000, () => 'alive'));
}

function* sleep(ms: number): Proc<void> {
  yield* receive(after(ms));
}

function* stop_after(ms: number, pids: Pid[]): Proc<void> {
  yield* sleep(ms);
  for (const p of pids) send(p, 'stop');
}

/** Modules as their names (a spec's modules are the callback objects). */
function names(mods: unknown): unknown {
  return Array.isArray(mods) ? mods.map((m: unknown) => (typeof m === 'object' && m !== null && 'name' in m ? (m as { name: unknown }).name : m)) : mods;
}

const REASONS: unknown[] = ['normal', 'shutdown', ['shutdown', 'test'], 'other'];

describe('actors/supervisor (stop races)', () => {
  const reports = crash_reports_per_test();
  /** The supervisor reports so far, as [Context, Id, Reason], and forgets them. */
  const taken = (): unknown[] => {
    const out = reports.filter((x) => x.label === 'supervisor_report').map((x) => {
      const r = x.reason as unknown[][];
      const offender = r[3][1] as unknown[][];
      return [r[1][1], (offender.find((f) => f[0] === 'id') as unknown[])[1], r[2][1]];
    });
    reports.length = 0;
    return out;
  };

  it('sup_stop_race: children that end by themselves during the stop keep their reasons; shutdown_error as OTP 25', async function () {
    this.timeout(10000);
    const r = await run(function* () {
      process_flag('trap_exit', true);
      const sup = yield* started(supervisor.start_link(sup_mod({ intensity: 0 }, []), null));
      const a = (yield* supervisor.start_child(sup, spec('a', 'plain', 'temporary', 1000)))[1] as Pid;
      link(a);
      const cases: Array<[Pid, string, unknown]> = [];
      for (const restart of ['temporary', 'transient', 'permanent'] as const) {
        for (const reason of REASONS) {
          const p = (yield* supervisor.start_child(sup, spec([restart, reason], ['reason', reason], restart, 1000)))[1] as Pid;
          link(p);
          cases.push([p, restart, reason]);
        }
      }
      const z = (yield* supervisor.start_child(sup, spec('z', ['slow', 300], 'temporary', 2000)))[1] as Pid;
      link(z);
      spawn(stop_after, 100, cases.map((c) => c[0]));
      exit(sup, 'shutdown');
      const out: unknown[] = [yield* exit_of(sup), yield* exit_of(z)];
      const each: unknown[] = [];
      for (const [p, restart, reason] of cases) each.push([restart, reason, yield* exit_of(p)]);
      out.push(each, yield* exit_of(a));
      return out;
    });
    expect(r).to.deep.equal([
      'shutdown', 'shutdown',
      ['temporary', 'transient', 'permanent'].flatMap((restart) => REASONS.map((reason) => [restart, reason, reason])),
      'shutdown',
    ]);
    // Newest first (the stop order); only what OTP counts as unclean for the restart type.
    expect(taken()).to.deep.equal([
      ['shutdown_error', ['permanent', 'other'], 'other'],
      ['shutdown_error', ['permanent', ['shutdown', 'test']], ['shutdown', 'test']],
      ['shutdown_error', ['permanent', 'normal'], 'normal'],
      ['shutdown_error', ['transient', 'other'], 'other'],
      ['shutdown_error', ['temporary', 'other'], 'other'],
    ]);
  });

  it('sup_stop_non_shutdown_exit_dynamic: simple_one_for_one children that end with their own reason when stopped', async () => {
    const seen: unknown[] = [];
    for (const restart of ['temporary', 'transient', 'permanent'] as const) {
      const r = await run(function* () {
        process_flag('trap_exit', true);
        const sup = yield* started(supervisor.start_link(sup_mod({ strategy: 'simple_one_for_one' }, [spec('child', null, restart, 5000)]), null));
        const ps: Array<[Pid, unknown]> = [];
        for (const reason of REASONS) {
          const p = (yield* supervisor.start_child(sup, [['reason', reason]]))[1] as Pid;
          link(p);
          ps.push([p, reason]);
        }
        exit(sup, 'shutdown');
        const sup_reason = yield* exit_of(sup);
        const children: unknown[] = [];
        for (const [p, reason] of ps) children.push([reason, yield* exit_of(p)]);
        return [sup_reason, children];
      });
      const reps = taken().map((x) => JSON.stringify(x)).sort();
      seen.push([restart, r, reps]);
    }
    const children = REASONS.map((x) => [x, x]);
    const rep = (reason: unknown): string => JSON.stringify(['shutdown_error', 'child', reason]);
    expect(seen).to.deep.equal([
      ['temporary', ['shutdown', children], [rep('other')]],
      ['transient', ['shutdown', children], [rep('other')]],
      ['permanent', ['shutdown', children], [rep('normal'), rep('other'), rep(['shutdown', 'test'])].sort()],
    ]);
  });

  it('child_unlink: an unlinked child is stopped through the monitor; one that also ignores shutdown is killed after the timeout', async () => {
    const r = await run(function* () {
      process_flag('trap_exit', true);
      const u = yield* started(supervisor.start_link(sup_mod({}, []), null));
      const n = (yield* supervisor.start_child(u, { id: 'naughty', start: [kids, 'naughty', [u]], shutdown: 1000 }))[1] as Pid;
      const nm = monitor('process', n);
      const out: unknown[] = [yield* supervisor.terminate_child(u, 'naughty')];
      out.push(yield* receive(on(['DOWN', nm, _, _, _], (m) => m[4]), after(0, () => 'alive')));
      const st = (yield* supervisor.start_child(u, { id: 'stubborn', start: [kids, 'stubborn', [u]], shutdown: 200 }))[1] as Pid;
      const sm = monitor('process', st);
      const t0 = Date.now();
      out.push(yield* supervisor.terminate_child(u, 'stubborn'), Date.now() - t0 >= 195);
      out.push(yield* receive(on(['DOWN', sm, _, _, _], (m) => m[4]), after(0, () => 'alive')));
      out.push((yield* supervisor.which_children(u)).map((c) => [c[0], c[1], c[2]]));
      // The supervisor did not hang: it answers at once.
      out.push((yield* supervisor.count_children(u))[0]);
      exit(u, 'shutdown');
      yield* exit_of(u);
      return out;
    });
    expect(r).to.deep.equal([
      'ok', 'shutdown', 'ok', true, 'killed',
      [['stubborn', 'undefined', 'worker'], ['naughty', 'undefined', 'worker']], ['specs', 2],
    ]);
    expect(taken()).to.deep.equal([['shutdown_error', 'stubborn', 'killed']]);
  });

  it('a global child is restarted under its name; a child whose name a process outside has: already_started with the child record', async () => {
    const r = await run(function* () {
      process_flag('trap_exit', true);
      const u = yield* started(supervisor.start_link(sup_mod({}, []), null));
      const g1 = (yield* supervisor.start_child(u, { id: 'g', start: [gen_server, 'start_link', [{ global: 'g_child' }, kid, 'plain']] }))[1] as Pid;
      const out: unknown[] = [global.whereis_name('g_child') === g1];
      exit(g1, 'kill');
      yield* sleep(20);
      const g2 = global.whereis_name('g_child');
      out.push(g2 instanceof Pid && g2 !== g1, taken());
      const outside = yield* started(gen_server.start({ local: 'taken_name' }, kid, 'plain'));
      const res = yield* supervisor.start_child(u, { id: 't', start: [gen_server, 'start_link', [{ local: 'taken_name' }, kid, 'plain']] });
      const [tag, [already, record]] = res as ['error', [[string, Pid], unknown[]]];
      out.push(tag, already[0], already[1] === outside, record.slice(0, 3), [...record.slice(4, 8), names(record[8])]);
      out.push((yield* supervisor.which_children(u)).map((c) => [c[0], c[1] === g2, c[2], names(c[3])]), taken());
      exit(u, 'shutdown');
      yield* exit_of(u);
      yield* gen_server.stop(outside);
      return out;
    });
    expect(r).to.deep.equal([
      true, true, [['child_terminated', 'g', 'killed']],
      'error', 'already_started', true, ['child', 'undefined', 't'], ['permanent', false, 5000, 'worker', ['gen_server']],
      [['g', true, 'worker', ['gen_server']]], [],
    ]);
  });
});
