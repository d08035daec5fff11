// Process aliases, against the OTP 25 transcript of test/otp/45_alias.escript (each case
// receives before it unaliases there, as a message still in flight at unalias is dropped on OTP).
import { expect } from 'chai';
import {
  run, spawn, send, monitor, demonitor, alias, unalias, exit, receive, on, after, _, self, register, make_ref, Ref, Pid, Proc,
} from '../../runtime';
import { RemotePid, Router, set_router } from '../../runtime/remote';
import type { Process } from '../../runtime/process';

const NONE = Symbol('none');

/** Every message in the mailbox now (OTP's flush() in the escript, without its 50 ms wait). */
function* flush(): Proc<unknown[]> {
  const out: unknown[] = [];
  for (;;) {
    const m = yield* receive(on(_, (x) => x), after(0, () => NONE));
    if (m === NONE) return out;
    out.push(m);
  }
}

function* idle(): Proc<void> {
  yield* receive(on('stop'));
}

function badarg(f: () => unknown): unknown {
  try {
    f();
    return 'no error';
  } catch (e) {
    return (e as { reason?: unknown }).reason;
  }
}

describe('runtime/alias', () => {
  afterEach(() => set_router(null));

  it('delivers while active and drops after unalias; unalias is true once, then false', async () => {
    const r = await run(function* () {
      const a = alias();
      send(a, 'one');
      send(a, 'two');
      const f1 = yield* flush();
      const u1 = unalias(a);
      send(a, 'three');
      return [a instanceof Ref, f1, u1, unalias(a), yield* flush()];
    });
    expect(r).to.deep.equal([true, ['one', 'two'], true, false, []]);
  });

  it("alias(['reply']) takes one message; the last of the options wins", async () => {
    const r = await run(function* () {
      const out: unknown[] = [];
      for (const opts of [['reply'], ['explicit_unalias'], ['reply', 'explicit_unalias'], ['explicit_unalias', 'reply']] as const) {
        const a = alias(opts);
        send(a, 'one');
        send(a, 'two');
        out.push([yield* flush(), unalias(a)]);
      }
      return out;
    });
    expect(r).to.deep.equal([[['one'], false], [['one', 'two'], true], [['one', 'two'], true], [['one'], false]]);
  });

  it('raises badarg for bad options and a non-ref; a plain ref is no alias (send drops, unalias false)', async () => {
    const r = await run(function* () {
      return [
        badarg(() => alias(['bad' as 'reply'])),
        badarg(() => alias('reply' as unknown as ['reply'])),
        badarg(() => unalias(self() as unknown as Ref)),
        badarg(() => unalias('foo' as unknown as Ref)),
        unalias(make_ref()),
        send(make_ref(), 'plain'),
        yield* flush(),
      ];
    });
    expect(r).to.deep.equal(['badarg', 'badarg', 'badarg', 'badarg', false, 'plain', []]);
  });

  it("another process's alias: unalias is false and the alias stays; a dead owner's alias drops", async () => {
    const r = await run(function* () {
      const me = self();
      const owner = spawn(function* () {
        send(me, ['alias', alias()]);
        const m = yield* receive(on(_, (x) => x));
        send(me, ['owner_got', m]);
      });
      const a = yield* receive(on(['alias', _], (m) => m[1] as Ref));
      const u = unalias(a);
      send(a, 'hello');
      const got = yield* receive(on(['owner_got', _], (m) => m[1]), after(500, () => 'none'));
      yield* receive(after(10));
      send(a, 'after death');
      return [u, got, owner.proc === null, yield* flush()];
    });
    expect(r).to.deep.equal([false, 'hello', true, []]);
  });

  it("monitor with ['alias', 'explicit_unalias']: demonitor and the DOWN keep the alias", async () => {
    const r = await run(function* () {
      const p = spawn(idle);
      const m = monitor('process', p, [['alias', 'explicit_unalias']]);
      send(m, 'one');
      const d = demonitor(m);
      send(m, 'two');
      const f = yield* flush();
      const u = unalias(m);
      send(m, 'three');
      const f1 = yield* flush();
      const q = spawn(idle);
      const m2 = monitor('process', q, [['alias', 'explicit_unalias']]);
      send(q, 'stop');
      const reason = yield* receive(on(['DOWN', m2, _, _, _], (x) => x[4]));
      send(m2, 'after_down');
      exit(p, 'kill');
      return [d, f, u, f1, reason, yield* flush(), unalias(m2)];
    });
    expect(r).to.deep.equal([true, ['one', 'two'], true, [], 'normal', ['after_down'], true]);
  });

  it("monitor with ['alias', 'demonitor']: demonitor, the DOWN, or noproc at once take the alias", async () => {
    const r = await run(function* () {
      const p = spawn(idle);
      const m = monitor('process', p, [['alias', 'demonitor']]);
      send(m, 'one');
      const f = yield* flush();
      const d = demonitor(m);
      send(m, 'two');
      const u = unalias(m);
      exit(p, 'kill');
      const q = spawn(idle);
      const m2 = monitor('process', q, [['alias', 'demonitor']]);
      send(q, 'stop');
      const reason = yield* receive(on(['DOWN', m2, _, _, _], (x) => x[4]));
      send(m2, 'after_down');
      const f2 = yield* flush();
      const dead = spawn(function* () {});
      yield* receive(after(5));
      const m3 = monitor('process', dead, [['alias', 'demonitor']]);
      const f3 = yield* flush();
      send(m3, 'after_down');
      return [f, d, u, reason, f2, unalias(m2), f3.length, (f3[0] as unknown[])[4], yield* flush(), unalias(m3)];
    });
    expect(r).to.deep.equal([['one'], true, false, 'normal', [], false, 1, 'noproc', [], false]);
  });

  it("monitor with ['alias', 'reply_demonitor']: the first reply takes alias and monitor; demonitor takes the alias", async () => {
    const r = await run(function* () {
      const p = spawn(idle);
      const m = monitor('process', p, [['alias', 'reply_demonitor']]);
      send(m, 'reply');
      send(m, 'again');
      const f = yield* flush();
      const u = unalias(m);
      const d = demonitor(m, ['info']);
      send(p, 'stop');
      yield* receive(after(5));
      const f2 = yield* flush();
      const q = spawn(idle);
      const m2 = monitor('process', q, [['alias', 'reply_demonitor']]);
      const d2 = demonitor(m2);
      send(m2, 'one');
      exit(q, 'kill');
      return [f, u, d, f2, d2, yield* flush(), unalias(m2)];
    });
    expect(r).to.deep.equal([['reply'], false, false, [], true, [], false]);
  });

  it("demonitor of another process's monitor alias leaves that alias active", async () => {
    const r = await run(function* () {
      const me = self();
      const target = spawn(idle);
      const owner = spawn(function* () {
        const m = monitor('process', target, [['alias', 'demonitor']]);
        send(me, ['mref', m]);
        const got = yield* receive(on(['via', _], (x) => x[1]));
        send(me, ['owner_got', got]);
      });
      const m = yield* receive(on(['mref', _], (x) => x[1] as Ref));
      const d = demonitor(m, ['info']);
      send(m, ['via', 'still active']);
      const got = yield* receive(on(['owner_got', _], (x) => x[1]), after(500, () => 'lost'));
      exit(target, 'kill');
      exit(owner, 'kill');
      return [d, got];
    });
    expect(r).to.deep.equal([false, 'still active']);
  });

  it('monitor by name with an alias; bad monitor options raise badarg', async () => {
    const r = await run(function* () {
      const p = spawn(idle);
      register('named_alias_test', p);
      const m = monitor('process', 'named_alias_test', [['alias', 'demonitor']]);
      send(m, 'one');
      send(p, 'stop');
      const reason = yield* receive(on(['DOWN', m, _, _, _], (x) => x[4]));
      send(m, 'two');
      const q = spawn(idle);
      const bad = [[['alias', 'bad']], ['alias'], [['alias']], [['foo', 'bar']], ['alias', 'demonitor']].map((o) =>
        badarg(() => monitor('process', q, o as unknown as [['alias', 'demonitor']])));
      const ok = demonitor(monitor('process', q, []));
      exit(q, 'kill');
      return [reason, yield* flush(), bad, ok];
    });
    expect(r[0]).to.equal('normal');
    expect(r[1]).to.deep.equal(['one']);
    expect(r[2]).to.deep.equal(['badarg', 'badarg', 'badarg', 'badarg', 'badarg']);
    expect(r[3]).to.equal(true);
  });

  it('an alias deactivated and a process with no alias leave no per-process state', async () => {
    const r = await run(function* () {
      const me = self().proc as Process;
      const before = me.ext;
      const a = alias();
      const during = me.ext?.aliases === a;
      unalias(a);
      return [before, during, me.ext];
    });
    expect(r).to.deep.equal([null, true, null]);
  });

  it('hands a send to a ref that is not a local alias to the router; a remote monitor alias goes with its DOWN', async () => {
    const calls: unknown[][] = [];
    const far = new RemotePid('far@host', 7, 0, 3);
    const router: Router = {
      node: () => 'here@host',
      send: () => undefined,
      reg_send: () => false,
      link: () => undefined,
      unlink: () => undefined,
      exit: () => undefined,
      monitor: (from: Process, to, ref) => void calls.push(['monitor', from.pid, to, ref]),
      demonitor: () => false,
      alias_send: (to, msg, from) => void calls.push(['alias_send', to, msg, from?.pid]),
    };
    set_router(router);
    const { remote_down } = await import('../../runtime/monitors');
    const r = await run(function* () {
      const other = make_ref();
      send(other, 'out');
      const m = monitor('process', far, [['alias', 'demonitor']]);
      send(m, 'local');
      const f = yield* flush();
      remote_down(self(), m, far, 'noconnection');
      send(m, 'dropped');
      return [other, self(), m, f, yield* flush(), unalias(m)] as [Ref, Pid, Ref, unknown[], unknown[], boolean];
    });
    expect(calls).to.deep.equal([['alias_send', r[0], 'out', r[1]], ['monitor', r[1], far, r[2]]]);
    expect(r[3]).to.deep.equal(['local']);
    expect(r[4]).to.deep.equal([['DOWN', r[2], 'process', far, 'noconnection']]);
    expect(r[5]).to.equal(false);
  });
});
