// gen_server against OTP 25's behaviour (values checked with erl: call timeout and noproc
// reasons, init stop, already_started, start_link with trap_exit).
import { expect } from 'chai';
import {
  run, spawn, self, send, receive, on, after as timeout_after, _, exit, process_flag, whereis,
  is_process_alive, set_crash_logger, CrashLogger, Pid, Proc, monitor, register,
} from '../../runtime';
import * as gen_server from '../../actors/gen_server';
import type { GenServerModule, From } from '../../actors/gen_server';

type St = { n: number; log: unknown[] };

// A counter: call get/inc, cast add, info anything (logged), stop on request.
const counter: GenServerModule<number, St> = {
  init: (n) => (n < 0 ? ['stop', 'negative'] : ['ok', { n, log: [] }]),
  handle_call(req, from: From, s) {
    if (req === 'get') return ['reply', s.n, s];
    if (req === 'inc') return ['reply', s.n + 1, { ...s, n: s.n + 1 }];
    if (req === 'log') return ['reply', s.log, s];
    if (req === 'slow') return ['noreply', s]; // never answers
    if (req === 'stop_reply') return ['stop', 'normal', 'bye', s];
    if (req === 'later') {
      gen_server.reply(from, 'from reply/2');
      return ['noreply', s];
    }
    if (req === 'crash') throw new Error('bad call');
    return ['stop', ['unknown_call', req], s];
  },
  handle_cast: (msg, s) => (msg === 'stop' ? ['stop', 'shutdown', s] : ['noreply', { ...s, n: s.n + (msg as number) }]),
  handle_info: (msg, s) => ['noreply', { ...s, log: [...s.log, msg] }],
  terminate(reason, s) {
    const watcher = whereis('watcher');
    if (watcher !== 'undefined') send(watcher, ['terminated', reason, s.n]);
  },
};

function* started(r: Proc<gen_server.StartResult>): Proc<Pid> {
  const s = yield* r;
  if (s === 'ignore' || s[0] !== 'ok') return exit(['start_failed', s]);
  return s[1];
}

function* reason_of_call(fn: () => Proc<unknown>): Proc<unknown> {
  try {
    yield* fn();
    return 'no exit';
  } catch (e) {
    return (e as { reason: unknown }).reason;
  }
}

describe('actors/gen_server', () => {
  let old: CrashLogger;
  beforeEach(() => (old = set_crash_logger(() => {})));
  afterEach(() => set_crash_logger(old));

  it('a counter: call, cast, info, reply/2', async () => {
    const r = await run(function* () {
      const pid = yield* started(gen_server.start(counter, 10));
      const a = yield* gen_server.call(pid, 'get');
      const b = yield* gen_server.call(pid, 'inc');
      const c = gen_server.cast(pid, 5);
      send(pid, ['hello', 1]);
      const d = yield* gen_server.call(pid, 'get');
      const e = yield* gen_server.call(pid, 'log');
      const f = yield* gen_server.call(pid, 'later');
      yield* gen_server.stop(pid);
      return [a, b, c, d, e, f, is_process_alive(pid)];
    });
    expect(r).to.deep.equal([10, 11, 'ok', 16, [['hello', 1]], 'from reply/2', false]);
  });

  it('stop reasons: stop/1 normal, cast stop, stop with reply, a crash; terminate sees each', async () => {
    const r = await run(function* () {
      register('watcher', self());
      const out: unknown[] = [];
      const term = () => receive(on(['terminated', _, _], (m) => [m[1], m[2]]), timeout_after(1000));
      const down = (ref: unknown) => receive(on(['DOWN', ref, _, _, _], (m) => m[4]), timeout_after(1000));

      let pid = yield* started(gen_server.start(counter, 1));
      out.push(yield* gen_server.stop(pid), yield* term());

      pid = yield* started(gen_server.start(counter, 2));
      let ref = monitor('process', pid);
      gen_server.cast(pid, 'stop');
      out.push(yield* term(), yield* down(ref));

      pid = yield* started(gen_server.start(counter, 3));
      ref = monitor('process', pid);
      out.push(yield* gen_server.call(pid, 'stop_reply'), yield* term(), yield* down(ref));

      pid = yield* started(gen_server.start(counter, 4));
      ref = monitor('process', pid);
      const p2 = pid;
      const crash = (yield* reason_of_call(() => gen_server.call(p2, 'crash'))) as unknown[];
      const [[err, stack], [mod, fn, args]] = crash as [[Error, unknown[]], [string, string, unknown[]]];
      out.push([err.message, Array.isArray(stack), mod, fn, args[0] === p2, args.slice(1)]);
      const t = (yield* term()) as unknown[];
      out.push((t[0] as unknown[])[0] === err, ((yield* down(ref)) as unknown[])[0] === err);

      pid = yield* started(gen_server.start(counter, 5));
      out.push(yield* reason_of_call(() => gen_server.stop(p2)));
      out.push(yield* reason_of_call(() => gen_server.stop(pid, 'custom')), yield* term());
      return out;
    });
    expect(r).to.deep.equal([
      'ok', ['normal', 1],
      ['shutdown', 2], 'shutdown',
      'bye', ['normal', 3], 'normal',
      ['bad call', true, 'gen_server', 'call', true, ['crash']],
      true, true,
      'noproc',
      'no exit', ['custom', 5],
    ]);
  });
});
