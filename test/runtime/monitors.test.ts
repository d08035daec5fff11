// Monitors and DOWN messages, row for row with test/otp/10_process.escript (OTP 25).
import { expect } from 'chai';
import {
  run, spawn, spawn_monitor, self, send, receive, on, after, _, exit, error, monitor, demonitor,
  register, Pid, Ref, set_crash_logger, CrashLogger, Proc, link, unlink, process_flag,
} from '../../runtime';

function* down(ref: Ref): Proc<unknown> {
  return yield* receive(on(['DOWN', ref, _, _, _]), after(1000, () => 'none'));
}

function* wait_forever(): Proc<void> {
  yield* receive(on(_));
}

describe('runtime/monitors', () => {
  let old: CrashLogger;
  beforeEach(() => (old = set_crash_logger(() => {})));
  afterEach(() => set_crash_logger(old));

  it('DOWN reasons: normal return, exit(normal), exit(my_reason), kill, custom', async () => {
    const r = await run(function* () {
      const out: unknown[] = [];
      let [p, ref] = spawn_monitor(function* () {});
      out.push([yield* down(ref), p, ref]);
      [, ref] = spawn_monitor(function* () {
        exit('normal');
      });
      out.push(yield* down(ref));
      [, ref] = spawn_monitor(function* () {
        exit('my_reason');
      });
      out.push(yield* down(ref));
      [p, ref] = spawn_monitor(wait_forever);
      exit(p, 'kill');
      out.push(yield* down(ref));
      [p, ref] = spawn_monitor(wait_forever);
      exit(p, 'custom');
      out.push(yield* down(ref));
      return out;
    });
    const [[first, p0, r0], ...rest] = r as [[unknown, Pid, Ref], ...unknown[][]];
    expect(first).to.deep.equal(['DOWN', r0, 'process', p0, 'normal']);
    expect(rest.map((d) => (d as unknown[])[4])).to.deep.equal(['normal', 'my_reason', 'killed', 'custom']);
  });

  it('error(boom) gives [boom, Stack] with Erlang-shaped frames; a throw gives nocatch', async () => {
    const r = await run(function* () {
      let [, ref] = spawn_monitor(function* boomer() {
        error('boom');
      });
      const d1 = (yield* down(ref)) as unknown[];
      [, ref] = spawn_monitor(function* () {
        throw 'ball';
      });
      const d2 = (yield* down(ref)) as unknown[];
      return [d1[4], d2[4]];
    });
    const [[reason, stack], nocatch] = r as [[string, unknown[][]], unknown];
    expect(reason).to.equal('boom');
    const [mod, fn, arity, loc] = stack[0] as [string, string, number, unknown[][]];
    expect([mod, fn, arity]).to.deep.equal(['monitors.test', 'boomer', 0]);
    expect(loc[0][0]).to.equal('file');
    expect(loc[0][1]).to.match(/monitors\.test\.js$/);
    expect(loc[1][0]).to.equal('line');
    expect(loc[1][1]).to.be.a('number');
    expect(nocatch).to.deep.equal([['nocatch', 'ball'], []]);
  });

  it('exit(P, normal) on a process that does not trap exits: it keeps running, no DOWN', async () => {
    const r = await run(function* () {
      const [p, ref] = spawn_monitor(wait_forever);
      exit(p, 'normal');
      const got = yield* receive(on(['DOWN', ref, _, _, _]), after(50, () => 'still_alive'));
      exit(p, 'kill');
      return got;
    });
    expect(r).to.equal('still_alive');
  });

  it('monitoring a dead pid or an unregistered name gives DOWN noproc at once', async () => {
    const r = await run(function* () {
      const p = spawn(function* () {});
      yield* receive(after(5));
      const r1 = monitor('process', p);
      const d1 = yield* down(r1);
      const r2 = monitor('process', 'no_such_name');
      const d2 = yield* down(r2);
      return [d1, r1, p, d2, r2];
    });
    const [d1, r1, p, d2, r2] = r as [unknown, Ref, Pid, unknown, Ref];
    expect(d1).to.deep.equal(['DOWN', r1, 'process', p, 'noproc']);
    expect(d2).to.deep.equal(['DOWN', r2, 'process', ['no_such_name', 'nonode@nohost'], 'noproc']);
  });

  it('a monitor by registered name reports [Name, Node] in the DOWN', async () => {
    const r = await run(function* () {
      const p = spawn(function* () {
        register('mon_by_name', self());
        yield* wait_forever();
      });
      yield* receive(after(5));
      const ref = monitor('process', 'mon_by_name');
      exit(p, 'kill');
      return [yield* down(ref), ref];
    });
    const [d, ref] = r as [unknown, Ref];
    expect(d).to.deep.equal(['DOWN', ref, 'process', ['mon_by_name', 'nonode@nohost'], 'killed']);
  });

  it('demonitor: a delivered DOWN stays, [flush] removes it, [info] tells if it was active', async () => {
    const r = await run(function* () {
      const out: unknown[] = [];
      let [, ref] = spawn_monitor(function* () {});
      yield* receive(after(5));
      demonitor(ref, ['flush']);
      out.push(yield* receive(on(['DOWN', ref, _, _, _], () => 'still_there'), after(20, () => 'flushed')));
      [, ref] = spawn_monitor(function* () {});
      yield* receive(after(5));
      out.push([demonitor(ref), yield* receive(on(['DOWN', ref, _, _, _], () => 'still_there'), after(20, () => 'gone'))]);
      let p: Pid;
      [p, ref] = spawn_monitor(wait_forever);
      out.push(demonitor(ref, ['info']));
      exit(p, 'kill');
      out.push(yield* receive(on(['DOWN', ref, _, _, _], () => 'down after demonitor'), after(20, () => 'no DOWN')));
      [, ref] = spawn_monitor(function* () {});
      yield* receive(after(5));
      out.push(demonitor(ref, ['info']));
      [, ref] = spawn_monitor(function* () {});
      yield* receive(after(5));
      out.push(demonitor(ref, ['flush', 'info']));
      out.push(yield* receive(on(_), after(0, () => 'empty')));
      return out;
    });
    expect(r.slice(0, 4)).to.deep.equal(['flushed', [true, 'still_there'], true, 'no DOWN']);
    expect(r[4]).to.equal(false);
    expect(r[5]).to.equal(false);
    expect((r[6] as unknown[])[0]).to.equal('DOWN'); // the unflushed DOWN of the [info] row
  });

  it('bad arguments raise badarg', async () => {
    const r = await run(function* () {
      const out: unknown[] = [];
      for (const f of [
        () => monitor('port' as 'process', self()),
        () => monitor('process', 42 as unknown as Pid),
        () => demonitor('x' as unknown as Ref),
        () => demonitor(new Ref(), ['bogus' as 'flush']),
      ]) {
        try {
          f();
          out.push('no error');
        } catch (e) {
          out.push((e as { reason: unknown }).reason);
        }
      }
      return out;
    });
    expect(r).to.deep.equal(['badarg', 'badarg', 'badarg', 'badarg']);
  });

  it('monitor() outside a process throws a clear error', () => {
    expect(() => monitor('process', 'x')).to.throw(/outside any process/);
    void send;
  });

  it('after demonitor, unlink or a watched death, neither side keeps a links/monitors record', async () => {
    // The OTP guide's acceptor spawn_monitors each handler and demonitors it once started:
    // an idle handler should not carry an empty Map and record for the rest of its life.
    const r = await run(function* () {
      const me = self();
      const [h, ref] = spawn_monitor(wait_forever);
      const during = [me.proc?.ext !== null, h.proc?.ext !== null];
      demonitor(ref);
      const after_demonitor = [me.proc?.ext, h.proc?.ext];
      const [a, ref_a] = spawn_monitor(wait_forever);
      const mref = monitor('process', a);
      exit(a, 'kill');
      const downs = [yield* down(ref_a), yield* down(mref)];
      const after_down = me.proc?.ext;
      const b = spawn(wait_forever);
      link(b);
      unlink(b);
      const after_unlink = [me.proc?.ext, b.proc?.ext];
      process_flag('trap_exit', true);
      const c = spawn(wait_forever);
      link(c);
      unlink(c);
      const trapping = me.proc?.ext?.trap_exit; // kept: the record still holds something
      // And monitoring again works once the record has gone.
      exit(h, 'bye');
      const ref2 = monitor('process', h);
      return [during, after_demonitor, downs.map((d) => (d as unknown[])[4]), after_down, after_unlink, trapping, yield* down(ref2)];
    });
    expect(r).to.deep.equal([[true, true], [null, null], ['killed', 'killed'], null, [null, null], true, ['DOWN', (r as unknown[][])[6][1], 'process', (r as unknown[][])[6][3], 'noproc']]);
  });
});
