// gen_statem's format_status (OTP 25's map form and the legacy format_status/2) as
// sys.get_status shows it, hibernate transitions and {via, Module, Name} names, against the
// values of test/otp/51_gen_statem_status.escript.
import { expect } from 'chai';
import { run, self, receive, on, _, after, process_flag, Pid, Proc, set_crash_logger, CrashLogger } from '../../runtime';
import * as gen_statem from '../../actors/gen_statem';
import * as global from '../../actors/global';
import * as sys from '../../actors/sys';
import type { GenStatemModule, EventResult, From, Actions } from '../../actors/gen_statem';

// The escript's machine: get → [State, Data]; ['go', S, Actions] → next_state S, Data + 1;
// 'later' postpones and starts a state timeout and a generic one.
const plain: GenStatemModule<number, number> = {
  name: 'fs_plain',
  callback_mode: () => 'handle_event_function',
  init: (d) => ['ok', 'idle', d],
  handle_event(type, content, s, d): EventResult<number> {
    if (Array.isArray(type) && type[0] === 'call') {
      const from = type[1] as From;
      if (content === 'get') return ['keep_state_and_data', [['reply', from, [s, d]]]];
      const [, s2, how] = content as ['go', string, Actions[]];
      return ['next_state', s2, d + 1, [['reply', from, 'ok'], ...how] as Actions];
    }
    if (type === 'cast' && content === 'later') {
      return ['keep_state_and_data', ['postpone', ['state_timeout', 60000, 'st'], [['timeout', 'g'], 60000, 'gt']]];
    }
    return 'keep_state_and_data';
  },
};

const with_fs = (name: string, format_status: GenStatemModule<number, number>['format_status']): GenStatemModule<number, number> =>
  ({ ...plain, name, format_status });

function* started(r: Proc<gen_statem.StartResult>): Proc<Pid> {
  const s = yield* r;
  return s !== 'ignore' && s[0] === 'ok' ? s[1] : (() => { throw new Error(String(s)); })();
}

/** The escript's status(P): [Module, Misc] of sys:get_status. */
function* status(p: Pid): Proc<unknown[]> {
  const st = (yield* sys.get_status(p)) as [string, Pid, [string, string], unknown[]];
  return [st[2][1], st[3][4]];
}

const header = (p: Pid, mod: string, me: Pid, timeouts: unknown, log: unknown, postponed: unknown): unknown[] => [
  ['header', `Status for state machine ${String(p)}`],
  ['data', [['Status', 'running'], ['Parent', me], ['Modules', [mod]], ['Time-outs', timeouts], ['Logged Events', log], ['Postponed', postponed]]],
];

describe('actors/gen_statem status, hibernate, via (test/otp/51_gen_statem_status.escript)', () => {
  let old: CrashLogger;
  beforeEach(() => (old = set_crash_logger(() => {})));
  afterEach(() => set_crash_logger(old));

  it('get_status without format_status, and with format_status/1 changing every value', async () => {
    const r = await run(function* () {
      const p0 = yield* started(gen_statem.start_link(plain, 1));
      gen_statem.cast(p0, 'later');
      const s0 = yield* status(p0);
      const hide = with_fs('fs_new', (m: gen_statem.GenStatemStatus) => ({
        state: ['hidden', m.state], data: 'secret', timeouts: (m.timeouts as unknown[]).length,
        postponed: (m.postponed as unknown[]).length, log: 'nolog',
      }));
      const p1 = yield* started(gen_statem.start_link(hide, 2));
      gen_statem.cast(p1, 'later');
      const s1 = yield* status(p1);
      const g1 = yield* sys.get_state(p1);
      const pk = yield* started(gen_statem.start_link(with_fs('fs_keys', (m: gen_statem.GenStatemStatus) => ({ ...m, data: Object.keys(m).sort() })), 0));
      const sk = yield* status(pk);
      for (const p of [p0, p1, pk]) yield* gen_statem.stop(p);
      return { p0, p1, pk, s0, s1, g1, sk, me: self() };
    });
    expect(r.s0).to.deep.equal(['gen_statem', [
      ...header(r.p0, 'fs_plain', r.me, [2, [[['timeout', 'g'], 'gt'], ['state_timeout', 'st']]], [], [['cast', 'later']]),
      ['data', [['State', ['idle', 1]]]]]]);
    expect(r.s1).to.deep.equal(['gen_statem', [
      ...header(r.p1, 'fs_new', r.me, [2, 2], 'nolog', 1), ['data', [['State', [['hidden', 'idle'], 'secret']]]]]]);
    expect(r.g1).to.deep.equal(['idle', 2]);
    expect(r.sk).to.deep.equal(['gen_statem', [
      ...header(r.pk, 'fs_keys', r.me, [0, []], [], []), ['data', [['State', ['idle', ['data', 'log', 'postponed', 'state', 'timeouts']]]]]]]);
  });

  it('format_status/1 failures as OTP 25: a part of the map, not a map, a crash; an extra key is kept out', async () => {
    const r = await run(function* () {
      const cases: Array<[string, GenStatemModule<number, number>['format_status']]> = [
        ['fs_part', () => ({ data: 'secret' }) as never],
        ['fs_other', (m: gen_statem.GenStatemStatus) => ({ ...m, extra: 1 })],
        ['fs_notmap', () => ['no'] as never],
        ['fs_crash', () => { throw new Error('boom'); }],
      ];
      const out: unknown[] = [];
      for (const [name, f] of cases) {
        const p = yield* started(gen_statem.start_link(with_fs(name, f), 3));
        out.push(((yield* status(p))[1] as unknown[])[2]);
        yield* gen_statem.stop(p);
      }
      return out;
    });
    expect(r).to.deep.equal([
      ['data', [['State', ['idle', 'fs_part:format_status/1 returned a map with unknown keys']]]],
      ['data', [['State', ['idle', 3]]]],
      ['data', [['State', ['idle', 'fs_notmap:format_status/1 did not return a map']]]],
      ['data', [['State', ['idle', 'fs_crash:format_status/1 crashed']]]],
    ]);
  });

  it('the legacy format_status(Opt, [PDict, State, Data]): a list is the tail, a term is wrapped, a throw is the result', async () => {
    const r = await run(function* () {
      const cases: Array<[string, GenStatemModule<number, number>['format_status']]> = [
        ['fs_old_list', (opt: string, [, s, d]: unknown[]) => [['data', [['State', [opt, s, (d as number) * 10]]]]]],
        ['fs_old_term', (opt: string, [, s]: unknown[]) => [opt, s]],
        ['fs_old_throw', (_opt: string, _a: unknown[]) => { throw 'thrown'; }],
        ['fs_old_crash', (_opt: string, _a: unknown[]) => { throw new Error('boom'); }],
      ];
      const out: unknown[] = [];
      for (const [name, f] of cases) {
        const p = yield* started(gen_statem.start_link(with_fs(name, f), 7));
        out.push(((yield* status(p))[1] as unknown[]).slice(2));
        yield* gen_statem.stop(p);
      }
      return out;
    });
    expect(r).to.deep.equal([
      [['data', [['State', ['normal', 'idle', 70]]]]],
      [['normal', 'idle']],
      ['thrown'],
      [['data', [['State', ['idle', 'fs_old_crash:format_status/2 crashed']]]]],
    ]);
  });

  it('hibernate: alone, in a list, [hibernate, Bool] keep state and data; [hibernate, maybe] is a bad action', async () => {
    const r = await run(function* () {
      process_flag('trap_exit', true);
      const h = yield* started(gen_statem.start_link(plain, 0));
      const out: unknown[] = [yield* gen_statem.call(h, ['go', 'a', ['hibernate']]), yield* gen_statem.call(h, 'get')];
      out.push(yield* gen_statem.call(h, ['go', 'b', [['hibernate', true]]]));
      out.push(yield* gen_statem.call(h, ['go', 'c', [['hibernate', false]]]), yield* gen_statem.call(h, 'get'));
      out.push(yield* gen_statem.call(h, ['go', 'd', [['hibernate', 'maybe']]]));
      out.push(yield* receive(on(['EXIT', h, _], (m) => (m[2] as unknown[])[0]), after(1000, () => 'alive')));
      return out;
    });
    expect(r).to.deep.equal(['ok', ['a', 1], 'ok', 'ok', ['c', 3], 'ok', ['bad_action_from_state_function', ['hibernate', 'maybe']]]);
  });

  it('{via: [Module, Name]}: start, already_started, call, cast, sys, stop, then noproc', async () => {
    const r = await run(function* () {
      const name = { via: [global, 'sm_via'] as [typeof global, string] };
      const first = (yield* gen_statem.start(name, plain, 20)) as unknown[];
      const out: unknown[] = [first[0]];
      const again = (yield* gen_statem.start(name, plain, 21)) as unknown[];
      out.push(again[0], yield* gen_statem.call(name, 'get'), gen_statem.cast(name, 'x'), yield* sys.get_state(name));
      out.push(yield* gen_statem.stop(name));
      try {
        yield* gen_statem.call(name, 'get');
      } catch (e) {
        out.push((e as { reason: unknown[] }).reason[0]);
      }
      out.push(gen_statem.cast(name, 'x'));
      return out;
    });
    expect(r).to.deep.equal(['ok', 'error', ['idle', 20], 'ok', ['idle', 20], 'ok', 'noproc', 'ok']);
  });
});
