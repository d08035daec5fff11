// send: to pids, to names, to the dead, from outside any process; order per sender.
import { expect } from 'chai';
import { run, spawn, self, send, bang, receive, on, after, _, register, Pid, ErlangError } from '../../runtime';

describe('runtime/send', () => {
  it('returns the message; to a dead pid it is silently dropped', async () => {
    const r = await run(function* () {
      const p = spawn(function* () {});
      yield* receive(after(5));
      return [send(p, 'msg_to_dead'), bang(self(), 'to_me'), yield* receive(on(_))];
    });
    expect(r).to.deep.equal(['msg_to_dead', 'to_me', 'to_me']);
  });

  it('to a registered name delivers; to an unregistered name raises badarg', async () => {
    const r = await run(function* () {
      register('send_test_name', self());
      send('send_test_name', 'hello');
      const got = yield* receive(on('hello', () => 'ok'), after(100, () => 'none'));
      let err: unknown = 'no error';
      try {
        send('no_such_name', 'hello');
      } catch (e) {
        err = (e as ErlangError).reason;
      }
      return [got, err];
    });
    expect(r).to.deep.equal(['ok', 'badarg']);
  });

  it('keeps one sender’s messages in order, with several senders interleaved', async () => {
    const r = await run(function* () {
      const me = self();
      for (const tag of ['a', 'b', 'c']) {
        spawn(function* () {
          for (let i = 0; i < 100; i++) {
            send(me, [tag, i]);
            if (i % 7 === 0) yield;
          }
        });
      }
      const seen: Record<string, number[]> = { a: [], b: [], c: [] };
      for (let i = 0; i < 300; i++) {
        const [tag, n] = yield* receive(on([_, _]));
        seen[tag as string].push(n as number);
      }
      return seen;
    });
    const upto = Array.from({ length: 100 }, (_v, i) => i);
    expect(r).to.deep.equal({ a: upto, b: upto, c: upto });
  });

  it('works from outside any process (an I/O or timer callback)', async () => {
    let pid: Pid | null = null;
    const done = run(function* () {
      pid = self();
      return yield* receive(on(['from_outside', _]), after(1000, () => 'none'));
    });
    await new Promise((res) => setTimeout(res, 5));
    send(pid as unknown as Pid, ['from_outside', 1]);
    expect(await done).to.deep.equal(['from_outside', 1]);
  });

  it('a bad destination raises badarg', () => {
    expect(() => send(42 as unknown as Pid, 'x')).to.throw('badarg');
  });
});
