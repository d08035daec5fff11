// gen_server against OTP 25's behaviour (values checked with erl: call timeout and noproc
// reasons, init stop, already_started, start_link with trap_exit).
import { expect } from 'chai';
import {
  run, spawn, self, send, receive, on, after as timeout_after, _, exit, process_flag, whereis,
  is_process_alive, set_crash_logger, CrashLogger, Pid, Proc, monitor, register,
} from '../../runtime';
import * as gen_server from '../../actors/gen_server';
import * as proc_lib from '../../actors/proc_lib';
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

  it('call timeout exits with [timeout, [gen_server, call, Args]], Args as called', async () => {
    const r = await run(function* () {
      const pid = yield* started(gen_server.start(counter, 0));
      const a = yield* reason_of_call(() => gen_server.call(pid, 'slow', 50));
      const alive = is_process_alive(pid);
      yield* gen_server.stop(pid);
      return [a, alive, pid];
    });
    const [reason, alive, pid] = r as [unknown, boolean, Pid];
    expect(reason).to.deep.equal(['timeout', ['gen_server', 'call', [pid, 'slow', 50]]]);
    expect(alive).to.equal(true);
  });

  it('a dead server, an unregistered name, and self give noproc / calling_self', async () => {
    const r = await run(function* () {
      const dead = spawn(function* () {});
      yield* receive(timeout_after(10));
      const a = yield* reason_of_call(() => gen_server.call(dead, 'get'));
      const b = yield* reason_of_call(() => gen_server.call('nobody', 'x'));
      const c = gen_server.cast('nobody', 'x');
      const d = yield* reason_of_call(() => gen_server.stop('nobody'));
      const e = yield* reason_of_call(() => gen_server.call(self(), 'x'));
      return [a, b, c, d, e, dead, self()];
    });
    const [a, b, c, d, e, dead, me] = r as unknown[];
    expect(a).to.deep.equal(['noproc', ['gen_server', 'call', [dead, 'get']]]);
    expect(b).to.deep.equal(['noproc', ['gen_server', 'call', ['nobody', 'x']]]);
    expect([c, d]).to.deep.equal(['ok', 'noproc']);
    expect(e).to.deep.equal(['calling_self', ['gen_server', 'call', [me, 'x']]]);
  });

  it('the server dying during a call exits the caller with its reason', async () => {
    const r = await run(function* () {
      const pid = yield* started(gen_server.start(counter, 0));
      return yield* reason_of_call(() => gen_server.call(pid, 'bogus'));
    });
    expect((r as unknown[])[0]).to.deep.equal(['unknown_call', 'bogus']);
  });

  it('init: stop gives [error, R]; ignore; start_link with trap_exit gets the EXIT too', async () => {
    const r = await run(function* () {
      const a = yield* gen_server.start(counter, -1);
      const b = yield* gen_server.start({ ...counter, init: () => 'ignore' }, 0);
      const c = yield* gen_server.start({ ...counter, init: () => ['what'] as never }, 0);
      process_flag('trap_exit', true);
      const d = yield* gen_server.start_link(counter, -1);
      const e = yield* receive(on(['EXIT', _, _], (m) => m[2]), timeout_after(1000));
      return [a, b, c, d, e];
    });
    expect(r).to.deep.equal([
      ['error', 'negative'], 'ignore', ['error', ['bad_return_value', ['what']]],
      ['error', 'negative'], 'negative',
    ]);
  });

  it('a registered name: start, call and cast by name; already_started; freed after stop', async () => {
    const r = await run(function* () {
      const pid = yield* started(gen_server.start({ local: 'ctr' }, counter, 7));
      const a = [whereis('ctr') === pid, yield* gen_server.call('ctr', 'inc')];
      gen_server.cast('ctr', 2);
      a.push(yield* gen_server.call('ctr', 'get'));
      const again = yield* gen_server.start({ local: 'ctr' }, counter, 0);
      a.push(again[0], (again as unknown[][])[1][0], (again as unknown[][])[1][1] === pid);
      yield* gen_server.stop('ctr');
      a.push(whereis('ctr'));
      return a;
    });
    expect(r).to.deep.equal([true, 8, 10, 'error', 'already_started', true, 'undefined']);
  });

  it('generator callbacks wait (here in a receive) while the server is in them', async () => {
    const waiting: GenServerModule<null, Pid[]> = {
      init: function* () {
        yield* receive(timeout_after(5));
        return ['ok', []];
      },
      // 'wait' parks the caller's From until a 'go' info arrives; meanwhile calls still queue.
      handle_call: function* (req, from, s) {
        if (req === 'wait') {
          const go = yield* receive(on(['go', _], (m) => m[1]), timeout_after(1000));
          return ['reply', go, s];
        }
        return ['reply', req, s];
      },
      handle_cast: (_m, s) => ['noreply', s],
    };
    const r = await run(function* () {
      const pid = yield* started(gen_server.start(waiting, null));
      setTimeout(() => send(pid, ['go', 42]), 20);
      const a = yield* gen_server.call(pid, 'wait');
      const b = yield* gen_server.call(pid, 'echo');
      yield* gen_server.stop(pid);
      return [a, b];
    });
    expect(r).to.deep.equal([42, 'echo']);
  });

  it('a return timeout sends handle_info(timeout), as OTP', async () => {
    const t: GenServerModule<Pid, Pid> = {
      init: (p) => ['ok', p, 10],
      handle_call: (_r, _f, s) => ['reply', 'ok', s],
      handle_cast: (_m, s) => ['noreply', s],
      handle_info: (m, s) => {
        send(s, ['info', m]);
        return ['noreply', s];
      },
    };
    const r = await run(function* () {
      const pid = yield* started(gen_server.start(t, self()));
      const a = yield* receive(on(['info', _], (m) => m[1]), timeout_after(1000));
      yield* gen_server.stop(pid);
      return a;
    });
    expect(r).to.equal('timeout');
  });

  it('an init crash gives [error, Reason] with the exit reason; a thrown non-Error is a return', async () => {
    const r = await run(function* () {
      const boom = new Error('init boom');
      const a = yield* gen_server.start({ ...counter, init: () => { throw boom; } }, 0);
      const thrower: GenServerModule<null, number> = {
        ...(counter as unknown as GenServerModule<null, number>),
        init: () => ['ok', 1],
        // Erlang's throw({reply, thrown, S}) from a handle_call is its return value.
        handle_call: (_req, _f, s) => { throw ['reply', 'thrown', s]; },
      };
      const pid = yield* started(gen_server.start(thrower, null));
      const b = yield* gen_server.call(pid, 'x');
      yield* gen_server.stop(pid);
      const [, [err, stack]] = a as [string, [Error, unknown[]]];
      return [a[0], err === boom, Array.isArray(stack), b];
    });
    expect(r).to.deep.equal(['error', true, true, 'thrown']);
  });

  describe('OTP 25 completions', () => {
    it('handle_continue runs before the next message, from init and from a callback; hibernate is accepted', async () => {
      const steps: gen_server.GenServerModule<null, string[]> = {
        init: () => ['ok', ['init'], ['continue', 'c1']],
        handle_call: (req, _f, s) => (req === 'log' ? ['reply', s, s, 'hibernate'] : ['reply', 'ok', [...s, 'call'], ['continue', 'c2']]),
        handle_cast: (_m, s) => ['noreply', [...s, 'cast'], 'hibernate'],
        handle_continue: (c, s) => ['noreply', [...s, String(c)]],
      };
      const r = await run(function* () {
        const p = yield* started(gen_server.start(steps, null));
        send(p, 'early'); // arrives before handle_continue could run, yet waits for it
        yield* gen_server.call(p, 'x');
        gen_server.cast(p, 'y');
        const log = yield* gen_server.call(p, 'log');
        yield* gen_server.stop(p);
        return log;
      });
      expect(r).to.deep.equal(['init', 'c1', 'call', 'c2', 'cast']);
    });

    it('reply/2 from another process; enter_loop makes a proc_lib process a server', async () => {
      const r = await run(function* () {
        const deferring: gen_server.GenServerModule<null, null> = {
          init: () => ['ok', null],
          handle_call(req, from, s) {
            spawn(function* () {
              gen_server.reply(from, ['from_helper', req]);
            });
            return ['noreply', s];
          },
          handle_cast: (_m, s) => ['noreply', s],
        };
        const p = yield* started(gen_server.start(deferring, null));
        const a = yield* gen_server.call(p, 'q');
        yield* gen_server.stop(p);
        const entered = (yield* proc_lib.start_link(function* () {
          register('entered', self());
          proc_lib.init_ack(['ok', self()]);
          yield* gen_server.enter_loop(counter, { n: 41, log: [] }, { name: { local: 'entered' } });
        }, [])) as [string, Pid];
        const b = yield* gen_server.call('entered', 'inc');
        yield* gen_server.stop('entered');
        const not_proc_lib = yield* reason_of_call(function* () {
          yield* gen_server.enter_loop(counter, { n: 0, log: [] });
        });
        return [a, entered[0], b, not_proc_lib];
      });
      expect(r).to.deep.equal([['from_helper', 'q'], 'ok', 42, 'process_was_not_started_by_proc_lib']);
    });

    it('{via, Module, Name}: start, call, cast, already_started, stop; multi_call and abcast on one node', async () => {
      const table = new Map<unknown, Pid>();
      const registry: gen_server.ViaModule = {
        register_name: (n, p) => (table.has(n) ? 'no' : (table.set(n, p), 'yes')),
        unregister_name: (n) => table.delete(n),
        whereis_name: (n) => table.get(n) ?? 'undefined',
        send: (n, m) => {
          const p = table.get(n);
          return p === undefined ? exit(['badarg', [n, m]]) : send(p, m);
        },
      };
      const r = await run(function* () {
        const name = { via: [registry, ['svc', 1]] as [gen_server.ViaModule, unknown] };
        const p = yield* started(gen_server.start(name, counter, 5));
        const again = yield* gen_server.start(name, counter, 5);
        gen_server.cast(name, 2);
        const v = yield* gen_server.call(name, 'get');
        gen_server.cast({ via: [registry, 'nobody'] }, 1); // ignored, as OTP's cast
        yield* gen_server.stop(name);
        // OTP's gen_server does not unregister a via name at exit: the registry must watch its pids.
        const gone = table.size;
        const q = yield* started(gen_server.start({ local: 'mc' }, counter, 7));
        const mc = yield* gen_server.multi_call('mc', 'get');
        const ab = gen_server.abcast('mc', 1);
        const mc2 = yield* gen_server.multi_call('mc', 'get');
        const none = yield* gen_server.multi_call('nobody', 'get');
        yield* gen_server.stop(q);
        return { again: isDeep(again, ['error', ['already_started', p]]), v, gone, mc, ab, mc2, none };
      });
      expect(r).to.deep.equal({
        again: true, v: 7, gone: 1, mc: [[['nonode@nohost', 7]], []], ab: 'abcast', mc2: [[['nonode@nohost', 8]], []],
        none: [[], ['nonode@nohost']],
      });
    });
  });
});

function isDeep(a: unknown, b: unknown): boolean {
  return JSON.stringify(a, (_k, v: unknown) => (v instanceof Pid ? String(v) : v)) === JSON.stringify(b, (_k, v: unknown) => (v instanceof Pid ? String(v) : v));
}
