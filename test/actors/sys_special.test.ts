// sys on special processes (sys_SUITE's special_process cases), against OTP 25's values in
// test/otp/50_sys_special.escript: a plain proc_lib process that passes its system messages
// to sys.handle_system_msg and implements the system_* callbacks.
import { expect } from 'chai';
import { run, self, send, receive, on, after, _, exit, process_flag, Pid, Proc, set_crash_logger, CrashLogger } from '../../runtime';
import * as proc_lib from '../../actors/proc_lib';
import * as sys from '../../actors/sys';

type Counter = number;

// The escript's module: misc is a counter, the state it shows is ['counter', N].
const counter: sys.SpecialModule<Counter> & { log: string[] } = {
  name: 'counter',
  log: [],
  system_continue: (parent, debug, n) => loop(parent, debug, n),
  system_terminate(reason, _parent, _debug, n) {
    this.log.push(`system_terminate ${String(reason)} ${n}`);
    return exit(reason);
  },
  system_get_state: (n) => ['ok', ['counter', n]],
  system_replace_state(fn, n) {
    const r = fn(['counter', n]) as ['counter', number];
    if (!(Array.isArray(r) && r[0] === 'counter')) throw new Error('badmatch');
    return ['ok', ['counter', r[1]], r[1]];
  },
  system_code_change(n, _mod, vsn, _extra) {
    return typeof vsn === 'number' ? ['ok', n + vsn] : ['error', ['bad_vsn', vsn]];
  },
};

function* loop(parent: Pid, debug: sys.SysDebug, n: Counter): Proc<unknown> {
  for (;;) {
    const m = yield* receive(on(['system', _, _]), on(['get', _]), on(['EXIT', parent, _]));
    if (m[0] === 'system') return yield* sys.handle_system_msg(m[2], m[1], parent, counter, debug, n);
    if (m[0] === 'get') {
      sys.handle_debug(debug, (ev) => `event = ${JSON.stringify(ev)}`, 'counter', ['get', n]);
      send(m[1] as Pid, ['value', n]);
    } else return exit(m[2]);
  }
}

function* counter_init(parent: Pid, n: Counter): Proc<unknown> {
  proc_lib.init_ack(parent, ['ok', self()]);
  return yield* loop(parent, sys.debug_options([]), n);
}

// A module with only the required callbacks: get_state and replace_state work on misc itself.
const bare: sys.SpecialModule<[string, number]> = {
  name: 'sys_special_bare',
  system_continue: (parent, debug, misc) => bare_loop(parent, debug, misc),
  system_terminate: (reason) => exit(reason),
  system_code_change: (misc) => ['ok', misc],
};

function* bare_loop(parent: Pid, debug: sys.SysDebug, misc: [string, number]): Proc<unknown> {
  const m = yield* receive(on(['system', _, _]));
  return yield* sys.handle_system_msg(m[2], m[1], parent, bare, debug, misc);
}

function* started(p: Proc<unknown>): Proc<Pid> {
  const r = (yield* p) as ['ok', Pid];
  return r[1];
}

function* value(p: Pid): Proc<unknown> {
  send(p, ['get', self()]);
  return yield* receive(on(['value', _], (m) => m[1]), after(1000, () => 'timeout'));
}

function* caught(p: Proc<unknown>): Proc<unknown> {
  try {
    return yield* p;
  } catch (e) {
    return ['EXIT', (e as { reason: unknown }).reason];
  }
}

describe('actors/sys special processes (test/otp/50_sys_special.escript)', () => {
  let old: CrashLogger;
  beforeEach(() => {
    old = set_crash_logger(() => {});
    counter.log = [];
  });
  afterEach(() => set_crash_logger(old));

  it('get_state, replace_state (a crashing fun: callback_failed), change_code when suspended, get_status, resume, terminate', async () => {
    const r = await run(function* () {
      process_flag('trap_exit', true);
      const me = self();
      const p = yield* started(proc_lib.start_link(counter_init, [me, 5]));
      const out: unknown[] = [yield* sys.get_state(p)];
      out.push(yield* sys.replace_state(p, (s) => ['counter', (s as [string, number])[1] * 2]));
      out.push(yield* value(p));
      out.push(yield* caught(sys.replace_state(p, () => { throw new Error('boom'); })));
      out.push(yield* sys.get_state(p));
      out.push(yield* sys.change_code(p, 'counter', 1, 'x'));
      out.push(yield* sys.suspend(p));
      send(p, ['get', me]);
      out.push(yield* receive(on(['value', _], (m) => m[1]), after(100, () => 'no_answer_while_suspended')));
      out.push(yield* sys.change_code(p, 'counter', 3, 'x'));
      out.push(yield* sys.change_code(p, 'counter', 'bad', 'x'));
      out.push(yield* sys.get_state(p));
      const st = (yield* sys.get_status(p)) as unknown[];
      out.push(yield* sys.resume(p));
      out.push(yield* receive(on(['value', _], (m) => m[1]), after(1000, () => 'timeout')));
      out.push(yield* sys.terminate(p, 'bye'));
      out.push(yield* receive(on(['EXIT', p, _], (m) => m[2]), after(1000, () => 'alive')));
      out.push(yield* caught(sys.get_state(p)));
      return { out, st, p, me };
    });
    const boom = r.out[3] as ['EXIT', [string, unknown, [string, unknown]]];
    expect(boom[1].slice(0, 2)).to.deep.equal(['callback_failed', ['counter', 'system_replace_state']]);
    expect(boom[1][2][0]).to.equal('error');
    expect([...r.out.slice(0, 3), ...r.out.slice(4)]).to.deep.equal([
      ['counter', 5], ['counter', 10], 10, ['counter', 10],
      ['error', ['unknown_system_msg', ['change_code', 'counter', 1, 'x']]],
      'ok', 'no_answer_while_suspended', 'ok', ['error', ['error', ['bad_vsn', 'bad']]], ['counter', 13],
      'ok', 13, 'ok', 'bye', ['EXIT', ['noproc', ['sys', 'get_state', [r.p]]]],
    ]);
    expect(r.st).to.deep.equal(['status', r.p, ['module', 'counter'], [
      [['$ancestors', [r.me]], ['$initial_call', ['undefined', 'counter_init', 2]]], 'suspended', r.me, [], 13]]);
    expect(counter.log).to.deep.equal(['system_terminate bye 13']);
  });

  it('without system_get_state/system_replace_state: misc itself; a throwing fun is named in callback_failed', async () => {
    const r = await run(function* () {
      process_flag('trap_exit', true);
      const me = self();
      const b = yield* started(proc_lib.start_link(function* (parent: Pid) {
        proc_lib.init_ack(parent, ['ok', self()]);
        return yield* bare_loop(parent, sys.debug_options(), ['bare', 1]);
      }, [me]));
      const out: unknown[] = [yield* sys.get_state(b)];
      out.push(yield* sys.replace_state(b, (m) => ['bare', (m as [string, number])[1] + 1]));
      out.push(yield* sys.get_state(b));
      const fn = (): never => { throw 'no'; };
      const e = (yield* caught(sys.replace_state(b, fn))) as ['EXIT', unknown[]];
      out.push([e[1][0], e[1][1] === fn, e[1][2]]);
      const st = (yield* sys.get_status(b)) as unknown[];
      out.push(st[2], (st[3] as unknown[])[4]);
      out.push(yield* sys.terminate(b, 'normal'));
      out.push(yield* receive(on(['EXIT', b, _], (m) => m[2]), after(1000, () => 'alive')));
      return out;
    });
    expect(r).to.deep.equal([
      ['bare', 1], ['bare', 2], ['bare', 2], ['callback_failed', true, ['throw', 'no']],
      ['module', 'sys_special_bare'], ['bare', 2], 'ok', 'normal',
    ]);
  });

  it('debug requests (statistics, trace) through handle_debug; the parent’s EXIT while suspended runs system_terminate', async () => {
    const lines: string[] = [];
    const prev = sys.set_trace_output((l) => lines.push(l));
    try {
      const r = await run(function* () {
        process_flag('trap_exit', true);
        const p = yield* started(proc_lib.start_link(counter_init, [self(), 1]));
        const out: unknown[] = [yield* sys.statistics(p, 'get'), yield* sys.trace(p, true), yield* value(p)];
        out.push(yield* sys.trace(p, false), yield* sys.get_state(p), yield* sys.terminate(p, 'shutdown'));
        out.push(yield* receive(on(['EXIT', p, _], (m) => m[2]), after(1000, () => 'alive')));
        return out;
      });
      expect(r).to.deep.equal([['ok', 'no_statistics'], 'ok', 1, 'ok', ['counter', 1], 'ok', 'shutdown']);
      expect(lines).to.deep.equal(['*DBG* counter event = ["get",1]\n']);
      expect(counter.log).to.deep.equal(['system_terminate shutdown 1']);
    } finally {
      sys.set_trace_output(prev);
    }
    counter.log = [];
    const log2 = await run(function* () {
      const me = self();
      const parent = yield* started(proc_lib.start(function* (starter: Pid) {
        process_flag('trap_exit', false);
        const c = yield* started(proc_lib.start_link(function* (par: Pid) {
          process_flag('trap_exit', true);
          proc_lib.init_ack(par, ['ok', self()]);
          return yield* loop(par, sys.debug_options(), 7);
        }, [self()]));
        proc_lib.init_ack(starter, ['ok', self()]);
        send(me, ['child', c]);
        yield* receive(on('die'));
        return exit('parent_gone');
      }, [me]));
      const c = yield* receive(on(['child', _], (m) => m[1] as Pid));
      yield* sys.suspend(c);
      send(parent, 'die');
      yield* receive(after(50));
      return counter.log;
    });
    expect(log2).to.deep.equal(['system_terminate parent_gone 7']);
  });
});
