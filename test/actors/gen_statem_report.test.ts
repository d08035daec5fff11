// The error report of a terminating gen_statem, multi-line and single-line, compared with what
// OTP 25 prints for the same machines (test/otp/53_gen_statem_report.escript, whose recorded
// transcript this test reads). As there, pids print as 'pid', refs as #Ref, a stack trace as
// [stack] (erlsock's frames are JS ones; that there is one, non-empty, is checked apart).
import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { run, self, receive, after, register, error, format_term, CrashReport, Pid, Proc } from '../../runtime';
import { crash_reports_per_test } from '../support/crash_reports';
import * as gen_statem from '../../actors/gen_statem';
import * as sys from '../../actors/sys';
import type { EventResult, EventType, GenStatemModule, GenStatemStatus, StatemInitResult } from '../../actors/gen_statem';

const expected_file = path.join(__dirname, '..', '..', '..', 'test', 'otp', 'expected', '53_gen_statem_report.txt');

/** The transcript's section for a case: the lines after its `== title` line. */
function otp(title: string): string[] {
  const lines = fs.readFileSync(expected_file, 'utf8').split('\n').filter((l) => l !== '');
  const at = lines.findIndex((l) => l.startsWith(`== ${title}`));
  expect(at, title).to.be.greaterThan(-1);
  const end = lines.findIndex((l, i) => i > at && l.startsWith('== '));
  return lines.slice(at + 1, end === -1 ? undefined : end);
}

// A stack frame as format_term prints erlsock's: {Module,Function,Arity,[{file,"F"},{line,L}]}.
const FRAME = String.raw`\{[^{}]*,\[\{file,"[^"]*"\},\{line,\d+\}\]\}`;
const STACK = new RegExp(String.raw`\[${FRAME}(?:,${FRAME})*\]`, 'g');

/** A report as the transcript shows it: whitespace squashed, pids, refs and stacks masked. */
function mask(s: string): string {
  return s.replace(/\s+/g, ' ').trim().replace(/<\d+\.\d+\.\d+>/g, 'pid').replace(/#Ref<[\d.]+>/g, '#Ref').replace(STACK, '[stack]');
}

function lines(r: CrashReport): string[] {
  return [...r.text.split('\n').slice(1).filter((l) => l !== ''), `single: ${r.single_line ?? ''}`].map(mask);
}

// The escript's rep_sf: postpones holds, arms timers, queues events, crashes on demand.
const rep_sf: GenStatemModule<unknown, number> = {
  name: 'rep_sf',
  callback_mode: () => 'state_functions',
  init: (a) => {
    if (a === 'crash') return error('init_boom');
    if (a === 'bad') return 'bad_init' as unknown as StatemInitResult<number>;
    return ['ok', 'idle', a as number];
  },
  idle(type: EventType, c: unknown, d: number): EventResult<number> {
    const tag: unknown = Array.isArray(c) ? (c as unknown[])[0] : c;
    if (Array.isArray(type)) return c === 'crash_call' ? error('call_boom') : 'keep_state_and_data';
    if (type === 'internal') return c === 'crash' ? error(['boom', d]) : 'keep_state_and_data';
    switch (tag) {
      case 'hold': return ['keep_state_and_data', 'postpone'];
      case 'arm': return ['keep_state', d + 1, [['state_timeout', 60000, 'st'], [['timeout', 'g'], 60000, 'gt']]];
      case 'go': return ['keep_state_and_data', [['next_event', 'internal', 'crash'], ['next_event', 'internal', 'later']]];
      case 'bad': return ['bad', d] as unknown as EventResult<number>;
      case 'stop': return ['stop', (c as unknown[])[1], 'new_data' as unknown as number];
      case 'bad_action': return ['next_state', (c as unknown[])[1], d * 2, [['bad_action']]] as unknown as EventResult<number>;
      case 'lost': return ['next_state', 'nowhere', d];
      case 'wait': return ['keep_state_and_data', [['timeout', 60000, 'evt']]];
      case 'push': return ['keep_state_and_data', [['push_callback_module', rep_fs2]]];
      case 'crash_now': return error('now_boom');
    }
    return 'keep_state_and_data';
  },
};

// rep_he: handle_event_function with state enter calls; state two's enter call crashes.
const rep_he: GenStatemModule<unknown, unknown> = {
  name: 'rep_he',
  callback_mode: () => ['handle_event_function', 'state_enter'],
  init: (d) => (d === 'two' ? ['ok', 'two', 0] : ['ok', 'one', d]),
  handle_event(type, c, s, d): EventResult<unknown> {
    if (type === 'enter') return s === 'two' ? error('enter_boom') : 'keep_state_and_data';
    if (c === 'hold') return ['keep_state_and_data', 'postpone'];
    return c === 'next' && s === 'one' ? ['next_state', 'two', ['new', d]] : 'keep_state_and_data';
  },
};

// rep_fs: format_status/1 changes every key the report shows; rep_fs2: the legacy format_status/2.
const crashing = (name: string): GenStatemModule<number, number> => ({
  name,
  callback_mode: () => 'handle_event_function',
  init: (d) => ['ok', 's', d],
  handle_event: () => error('fs_boom'),
});
const rep_fs: GenStatemModule<number, number> = {
  ...crashing('rep_fs'),
  format_status: (m: GenStatemStatus) => ({ ...m, data: 'hidden', reason: ['shown', m.reason], queue: ['q1', 'q2'], postponed: ['p'], timeouts: ['t'], state: ['st', m.state] }),
};
const rep_fs2: GenStatemModule<number, number> = {
  ...crashing('rep_fs2'),
  format_status: (opt: 'normal' | 'terminate', [, s, d]: unknown[]) => [opt, s, d],
};

// rep_tc: every cast is a stop with it as the reason; terminate/3 crashes.
const rep_tc: GenStatemModule<number, number> = {
  name: 'rep_tc',
  callback_mode: () => 'handle_event_function',
  init: (d) => ['ok', 's', d],
  handle_event: (_t, c) => ['stop', c],
  terminate: (r) => error(['term_boom', r]),
};

function* start<A, D>(mod: GenStatemModule<A, D>, arg: A, name?: string): Proc<Pid> {
  const r = name === undefined ? yield* gen_statem.start(mod, arg) : yield* gen_statem.start({ local: name }, mod, arg);
  if (r === 'ignore' || r[0] !== 'ok') throw new Error(`start: ${String(r)}`);
  return r[1];
}

function* settle(): Proc<void> {
  yield* receive(after(20, () => null));
}

describe('actors/gen_statem_report (test/otp/53_gen_statem_report.escript)', () => {
  const reports = crash_reports_per_test();

  const errors = (): CrashReport[] => reports.filter((r) => r.label === 'error_report');
  /** The one error report, followed by the runtime's crash report of the same process. */
  const only = (): CrashReport => {
    expect(errors()).to.have.length(1);
    const [e] = errors();
    const crash = reports.filter((r) => r.label === undefined);
    expect(crash.map((r) => r.pid)).to.deep.equal([e.pid]);
    expect(reports.indexOf(crash[0])).to.be.greaterThan(reports.indexOf(e));
    return e;
  };

  it('a crash in a state callback: last event, queued and postponed events, timers, stack', async () => {
    await run(function* () {
      const p = yield* start(rep_sf, 5, 'sm1');
      for (const m of [['hold', 1], ['hold', 2], 'arm', 'go']) gen_statem.cast(p, m);
      yield* settle();
    });
    const r = only();
    expect(lines(r)).to.deep.equal(otp('a crash in a state callback'));
    // The layout the squashed transcript cannot show, and a real stack (JS frames).
    expect(r.text).to.contain('\n** When server state  = {idle,6}\n');
    expect(r.text).to.match(new RegExp(String.raw`\n\*\* Stacktrace =\n\*\*  \[${FRAME}`));
    expect(reports.find((x) => x.label === undefined)?.reason).to.satisfy((v: unknown) => Array.isArray(v) && (v[0] as unknown[])[0] === 'boom');
  });

  it('a call that crashes names its live, registered caller', async () => {
    await run(function* () {
      register('caller', self());
      const p = yield* start(rep_sf, 1);
      try {
        yield* gen_statem.call(p, 'crash_call');
      } catch {
        // the call exits with the machine's reason
      }
      yield* settle();
    });
    expect(lines(only())).to.deep.equal(otp('a call that crashes'));
  });

  for (const [title, arg, msgs] of [
    ['a bad return value', 2, ['bad']],
    ['stop with a custom reason and new data', 3, [['stop', ['custom', 1]]]],
    ['a bad action in a transition to another state', 4, [['bad_action', 'other']]],
    ['an event in a state with no state function', 6, ['lost', 'where']],
  ] as const) {
    it(title, async () => {
      await run(function* () {
        const p = yield* start(rep_sf, arg);
        for (const m of msgs) gen_statem.cast(p, m);
        yield* settle();
      });
      expect(lines(only())).to.deep.equal(otp(title));
    });
  }

  it('a crash in init and a bad return from init: no state yet', async () => {
    await run(function* () {
      expect(yield* gen_statem.start(rep_sf, 'crash')).to.deep.equal(['error', 'init_boom']);
      yield* settle();
      expect(yield* gen_statem.start(rep_sf, 'bad')).to.deep.equal(['error', ['bad_return_from_init', 'bad_init']]);
      yield* settle();
    });
    expect(errors().map(lines)).to.deep.equal([otp('a crash in init'), otp('a bad return from init')]);
    expect(reports.filter((r) => r.label === undefined).map((r) => r.reason)[1]).to.deep.equal(['bad_return_from_init', 'bad_init']);
  });

  it('a crash in the state enter call: the state, queue and postponed events before the change', async () => {
    let final: unknown[] = [];
    const mod: GenStatemModule<unknown, unknown> = { ...rep_he, terminate: (_r, s, d) => { final = [s, d]; } };
    await run(function* () {
      const p = yield* start(mod, 7);
      gen_statem.cast(p, 'hold');
      gen_statem.cast(p, 'next');
      yield* settle();
    });
    expect(lines(only())).to.deep.equal(otp('a crash in the state enter call'));
    expect(final).to.deep.equal(['one', 7]); // terminate/3 sees them too, as OTP's
  });

  it('a crash in the first state enter call: the event is {internal, init_state}', async () => {
    await run(function* () {
      yield* start(rep_he, 'two');
      yield* settle();
    });
    expect(lines(only())).to.deep.equal(otp('a crash in the first state enter call'));
  });

  it('format_status shapes the report: the map form any key, the legacy form the state', async () => {
    await run(function* () {
      gen_statem.cast(yield* start(rep_fs, 8), 'crash');
      yield* settle();
      gen_statem.cast(yield* start(rep_fs2, 9), 'crash');
      yield* settle();
    });
    expect(errors().map(lines)).to.deep.equal([otp('format_status/1 shapes'), otp('format_status/2 gives')]);
  });

  it('a crash with an event timeout running: the timer is still listed (OTP cancels it after the callback)', async () => {
    await run(function* () {
      const p = yield* start(rep_sf, 10);
      gen_statem.cast(p, 'wait');
      gen_statem.cast(p, 'crash_now');
      yield* settle();
    });
    expect(lines(only())).to.deep.equal(otp('a crash with an event timeout running'));
  });

  it('a crash with the sys log on: the log, multi-line and single-line', async () => {
    await run(function* () {
      const p = yield* start(rep_sf, 11);
      expect(yield* sys.log(p, true)).to.equal('ok');
      gen_statem.cast(p, ['hold', 1]);
      gen_statem.cast(p, 'crash_now');
      yield* settle();
    });
    expect(lines(only())).to.deep.equal(otp('a crash with the sys log on'));
  });

  it('a crash in a pushed callback module: the module stack, and format_status from the current one', async () => {
    await run(function* () {
      const p = yield* start(rep_sf, 12);
      gen_statem.cast(p, 'push');
      gen_statem.cast(p, 'crash_now');
      yield* settle();
    });
    expect(lines(only())).to.deep.equal(otp('a crash in a pushed callback module'));
  });

  it('sys:terminate with a custom reason: no event, a stack', async () => {
    await run(function* () {
      const p = yield* start(rep_sf, 13);
      expect(yield* sys.terminate(p, ['custom', 13])).to.equal('ok');
      yield* settle();
    });
    expect(lines(only())).to.deep.equal(otp('sys:terminate with a custom reason'));
  });

  it('a crash in terminate/3 after a normal stop: its own report only', async () => {
    await run(function* () {
      gen_statem.cast(yield* start(rep_tc, 14), 'normal');
      yield* settle();
    });
    expect([...lines(only()), 'no report']).to.deep.equal(otp('a crash in terminate/3'));
  });

  it('sys:get_status lists postponed events as the report does, the newest first', async () => {
    let shown = '';
    await run(function* () {
      const p = yield* start(rep_sf, 15);
      gen_statem.cast(p, ['hold', 1]);
      gen_statem.cast(p, ['hold', 2]);
      const [, , , [, , , , misc]] = (yield* sys.get_status(p)) as [unknown, unknown, unknown, unknown[][]];
      const items = (misc as unknown[][])[1][1] as unknown[][];
      const postponed = items.find((it) => it[0] === 'Postponed')?.[1] as unknown[];
      shown = `Postponed [${postponed.map((e) => format_term(e)).join(',')}]`;
    });
    expect([shown]).to.deep.equal(otp('sys:get_status lists postponed events'));
  });

  it('normal, shutdown and {shutdown, _} stop without a report', async () => {
    await run(function* () {
      for (const reason of ['normal', 'shutdown', ['shutdown', 'x']]) gen_statem.cast(yield* start(rep_sf, 0), ['stop', reason]);
      yield* settle();
    });
    expect(reports).to.deep.equal([]);
    for (const r of ['normal', 'shutdown', '{shutdown,x}']) expect(otp(`stop with reason ${r}`)).to.deep.equal(['no report']);
  });
});
