// Links, trap_exit and exit signals, row for row with test/otp/10_process.escript (OTP 25).
import { expect } from 'chai';
import {
  run, spawn, spawn_link, spawn_monitor, self, receive, on, after, _, exit, error, link, unlink,
  process_flag, monitor, is_process_alive, Pid, Ref, set_crash_logger, CrashLogger, Proc,
} from '../../runtime';

function* wait_forever(): Proc<void> {
  yield* receive(on(_));
}

function* down(ref: Ref): Proc<unknown> {
  return yield* receive(on(['DOWN', ref, _, _, _], (d) => d[4]), after(1000, () => 'none'));
}

describe('runtime/signals', () => {
  let old: CrashLogger;
  beforeEach(() => (old = set_crash_logger(() => {})));
  afterEach(() => set_crash_logger(old));

  it('trapping exits: EXIT messages for bye, normal, an error, killed, noproc, and a signal to self', async () => {
    const r = await run(function* () {
      process_flag('trap_exit', true);
      const out: unknown[] = [];
      let p = spawn_link(function* () {
        exit('bye');
      });
      out.push(yield* receive(on(['EXIT', p, _], ([, , why]) => ['exit_msg', why]), after(1000, () => 'none')));
      p = spawn_link(function* () {});
      out.push(yield* receive(on(['EXIT', p, _], ([, , why]) => ['exit_msg', why]), after(1000, () => 'none')));
      p = spawn_link(function* () {
        error('oops');
      });
      out.push(
        yield* receive(
          on(['EXIT', p, [_, _]], ([, , [why, st]]) => ['exit_msg', why, Array.isArray(st)]),
          after(1000, () => 'none'),
        ),
      );
      p = spawn(wait_forever);
      link(p);
      exit(p, 'kill');
      out.push(yield* receive(on(['EXIT', p, _], ([, , why]) => ['exit_msg', why]), after(1000, () => 'none')));
      const dead = spawn(function* () {});
      yield* receive(after(5));
      link(dead);
      out.push(yield* receive(on(['EXIT', dead, _], ([, , why]) => ['exit_msg', why]), after(500, () => 'none')));
      exit(self(), 'some_signal');
      out.push(yield* receive(on(['EXIT', self(), _], ([, , why]) => ['exit_msg_from_self', why]), after(500, () => 'none')));
      return out;
    });
    expect(r).to.deep.equal([
      ['exit_msg', 'bye'],
      ['exit_msg', 'normal'],
      ['exit_msg', 'oops', true],
      ['exit_msg', 'killed'],
      ['exit_msg', 'noproc'],
      ['exit_msg_from_self', 'some_signal'],
    ]);
  });

  it('signals that arrive before the target sets trap_exit act on it untrapped (the OTP 25 rows)', async () => {
    const trapper = function* (): Proc<void> {
      process_flag('trap_exit', true);
      const m = yield* receive(on(_));
      exit(['got', m]);
    };
    const r = await run(function* () {
      const out: unknown[] = [];
      for (const sig of ['kill', 'hello']) {
        const p = spawn(trapper);
        const ref = monitor('process', p);
        exit(p, sig);
        out.push(yield* down(ref));
      }
      return out;
    });
    expect(r).to.deep.equal(['killed', 'hello']); // 'normal' is the next test
  });

  it('a trapping process: kill still kills (killed), other signals become EXIT messages, normal too', async () => {
    const trapper = function* (): Proc<void> {
      process_flag('trap_exit', true);
      const m = yield* receive(on(_));
      exit(['got', m]);
    };
    const r = await run(function* () {
      const me = self();
      const out: unknown[] = [];
      for (const sig of ['kill', 'hello', 'normal']) {
        const p = spawn(trapper);
        const ref = monitor('process', p);
        yield* receive(after(2)); // let it set trap_exit
        exit(p, sig);
        out.push(yield* down(ref));
      }
      return [out, me];
    });
    const [out, me] = r as [unknown[], Pid];
    expect(out).to.deep.equal(['killed', ['got', ['EXIT', me, 'hello']], ['got', ['EXIT', me, 'normal']]]);
  });

  it('the OTP 25 row: exit(P, normal) to a trapper that has not run yet is ignored (no DOWN)', async () => {
    const r = await run(function* () {
      const p = spawn(function* () {
        process_flag('trap_exit', true);
        yield* receive(on('never'));
      });
      const ref = monitor('process', p);
      exit(p, 'normal');
      const got = yield* receive(on(['DOWN', ref, _, _, _]), after(50, () => 'none'));
      exit(p, 'kill');
      return got;
    });
    expect(r).to.equal('none');
  });

  it('a linked crash kills a non-trapping process; a linked normal exit does not', async () => {
    const r = await run(function* () {
      const [p1, r1] = spawn_monitor(function* () {
        spawn_link(function* () {
          exit('crash');
        });
        yield* receive(after(1000));
      });
      const d1 = yield* down(r1);
      const [, r2] = spawn_monitor(function* () {
        spawn_link(function* () {});
        return yield* receive(after(50, () => 'done'));
      });
      const d2 = yield* down(r2);
      return [p1 instanceof Pid, d1, d2];
    });
    expect(r).to.deep.equal([true, 'crash', 'normal']);
  });

  it('kill is seen as killed along links; exit(self(), normal) without trapping ends the process', async () => {
    const r = await run(function* () {
      const [, r1] = spawn_monitor(function* () {
        const p = spawn(wait_forever);
        link(p);
        exit(p, 'kill');
        yield* receive(after(1000));
      });
      const [, r2] = spawn_monitor(function* () {
        exit(self(), 'normal');
        yield* receive(after(1000));
      });
      return [yield* down(r1), yield* down(r2)];
    });
    expect(r).to.deep.equal(['killed', 'normal']);
  });

  it('link to a dead pid without trapping raises error noproc', async () => {
    const r = await run(function* () {
      const dead = spawn(function* () {});
      yield* receive(after(5));
      const [, ref] = spawn_monitor(function* () {
        link(dead);
      });
      return yield* down(ref);
    });
    const [reason, stack] = r as [string, unknown[]];
    expect(reason).to.equal('noproc');
    expect(stack).to.be.an('array');
  });

  it('unlink stops propagation; process_flag returns the old value', async () => {
    const r = await run(function* () {
      const p = spawn_link(wait_forever);
      unlink(p);
      exit(p, 'boom');
      yield* receive(after(5));
      return [is_process_alive(self()), process_flag('trap_exit', true), process_flag('trap_exit', false)];
    });
    expect(r).to.deep.equal([true, false, true]);
  });

  it('a chain of 10,000 linked processes all die from one crash, without deep recursion', async () => {
    const r = await run(function* () {
      process_flag('trap_exit', true);
      const pids: Pid[] = [];
      let prev = self();
      for (let i = 0; i < 10000; i++) {
        prev = spawn(function* (left: Pid): Proc<void> {
          link(left);
          yield* receive(on(_));
        }, prev);
        pids.push(prev);
      }
      yield* receive(after(20)); // all have linked to their left neighbour
      exit(pids[pids.length - 1], 'crash');
      const why = yield* receive(on(['EXIT', pids[0], _], ([, , w]) => w), after(1000, () => 'none'));
      return [why, pids.filter(is_process_alive).length];
    });
    expect(r).to.deep.equal(['crash', 0]);
  });

  it('a process that kills itself stops at once, even if its code catches the unwinding', async () => {
    const log: string[] = [];
    const r = await run(function* () {
      const [, r1] = spawn_monitor(function* () {
        try {
          exit(self(), 'kill');
          log.push('after exit/2');
        } finally {
          log.push('finally 1');
        }
      });
      const [, r2] = spawn_monitor(function* () {
        try {
          try {
            exit(self(), 'kill');
          } catch {
            log.push('caught');
          }
          yield* receive(on(_)); // it is dead: this receive does not wait, it ends the process
          log.push('after receive');
        } finally {
          log.push('finally 2');
        }
      });
      return [yield* down(r1), yield* down(r2)];
    });
    expect(r).to.deep.equal(['killed', 'killed']);
    expect(log).to.deep.equal(['finally 1', 'caught', 'finally 2']);
  });

  it('exit(P, R) with a non-pid raises badarg; link outside a process throws a clear error', () => {
    expect(() => exit('x' as unknown as Pid, 'r')).to.throw('badarg');
    expect(() => link(new Pid(1))).to.throw(/outside any process/);
  });
});
