// A socket call not driven with yield* is loud: the calling process raises, naming the call,
// instead of a send silently dropping what did not fit at once (runtime/undriven.ts).
import { expect } from 'chai';
import * as socket from '../../sockets/socket';
import {
  run, spawn_monitor, receive, on, after, _, Proc, UndrivenProc, set_crash_logger, CrashLogger, send, self,
} from '../../runtime';
import { ok, listener, pair, close_all, open_fds } from './helpers';

/** Runs body in its own process (owning the sockets it opens); → its exit reason. */
function* exit_reason_of(body: () => Proc<unknown>): Proc<unknown> {
  const [pid, ref] = spawn_monitor(body);
  return yield* receive(on(['DOWN', ref, 'process', pid, _], (m) => m[4]), after(5000));
}

function undriven_of(reason: unknown): UndrivenProc {
  expect(reason).to.be.an('array');
  const e = (reason as unknown[])[0];
  expect(e).to.be.instanceOf(UndrivenProc);
  return e as UndrivenProc;
}

/** Reads from s until closed or a quiet 300 ms; → bytes read. */
function* drain_bytes(s: socket.Socket): Proc<[number, string]> {
  let n = 0;
  let tail = '';
  for (;;) {
    const r = yield* socket.recv(s, 0, 300);
    if (r[0] !== 'ok') return [n, tail + (r[1] === 'closed' ? '|closed' : '|quiet')];
    const b = r[1] as Buffer;
    n += b.length;
    tail = b.subarray(Math.max(0, b.length - 5)).toString('latin1');
  }
}

describe('sockets/socket: calls not driven with yield*', () => {
  let old: CrashLogger;
  let fds0 = 0;
  beforeEach(() => {
    old = set_crash_logger(() => {});
    fds0 = open_fds();
  });
  afterEach(() => {
    set_crash_logger(old);
    expect(open_fds(), 'fds leaked').to.equal(fds0);
  });

  it('20 x 1 MB sends without yield*: the process raises naming socket:send, and the later send never writes', () => run(function* () {
    const [l, sa] = listener();
    const parent = self();
    let after_sent = false;
    const reason = yield* exit_reason_of(function* () {
      const c = ok<socket.Socket>(socket.open('inet', 'stream'));
      expect(yield* socket.connect(c, sa)).to.equal('ok');
      send(parent, ['client', c]);
      const buf = Buffer.alloc(1 << 20, 120);
      for (let i = 0; i < 20; i++) void socket.send(c, buf); // the misuse
      yield* socket.send(c, 'after');
      after_sent = true;
    });
    const err = undriven_of(reason);
    expect(err.what).to.equal('socket:send');
    expect(err.message).to.match(/^erlsock: socket:send\(\) returned a Proc that was never driven with yield\*/);
    expect(after_sent).to.equal(false);
    // The client died with it: its socket is closed, and the peer never sees 'after'.
    yield* receive(on(['client', _]), after(0));
    const a = ok<socket.Socket>(yield* socket.accept(l, 2000));
    const [n, tail] = yield* drain_bytes(a);
    expect(tail.endsWith('|closed')).to.equal(true);
    expect(tail).to.not.contain('after');
    expect(n).to.be.below(20 << 20);
    close_all(l, a);
  }));

  it('a send that must wait, dropped: the raise comes where the process next waits; what was left is not sent', () => run(function* () {
    const [l, c, a] = yield* pair();
    const big = Buffer.alloc(32 << 20, 1);
    let caught: unknown = null;
    try {
      void socket.send(c, big); // fills the socket buffers, leaves the rest to a generator never driven
      yield* receive(after(50));
    } catch (e) {
      caught = e;
    }
    expect(caught).to.be.instanceOf(UndrivenProc);
    expect((caught as UndrivenProc).what).to.equal('socket:send');
    expect((caught as UndrivenProc).message).to.contain('(what it had left to do is lost)');
    // The socket stays usable: the process caught the error.
    socket.shutdown(c, 'write');
    const [n, tail] = yield* drain_bytes(a);
    expect(n).to.be.above(0).and.below(big.length);
    expect(tail.endsWith('|closed')).to.equal(true);
    close_all(l, c, a);
  }));

  it('a send that completes at once and a blocking recv, accept and connect, dropped, raise too, each named', () => run(function* () {
    const [l, c, a] = yield* pair();
    const cases: Array<[string, () => unknown]> = [
      ['socket:send', () => socket.send(c, 'x')],
      ['socket:sendto', () => socket.sendto(c, 'x', { family: 'inet', addr: [127, 0, 0, 1], port: 1 })],
      ['socket:recv', () => socket.recv(c, 0, 1000)],
      ['socket:recvfrom', () => socket.recvfrom(c, 0, 'infinity')],
      ['socket:accept', () => socket.accept(l, 1000)],
    ];
    const got: unknown[] = [];
    for (const [, call] of cases) {
      try {
        call();
        yield* receive(after(1));
        got.push('no raise');
      } catch (e) {
        got.push((e as UndrivenProc).what);
      }
    }
    expect(got).to.deep.equal(cases.map(([name]) => name));
    // Nothing was lost by the dropped recv: its waiting generator never ran.
    expect(yield* socket.send(a, 'hello')).to.equal('ok');
    expect(yield* socket.recv(c, 0, 1000)).to.deep.equal(['ok', Buffer.from('hello')]);
    close_all(l, c, a);
  }));

  it('a dropped connect that must wait is named socket:connect', () => run(function* () {
    const [l, sa] = listener();
    const c = ok<socket.Socket>(socket.open('inet', 'stream'));
    let caught: unknown = null;
    try {
      void socket.connect(c, sa, 1000);
      yield* receive(after(1));
    } catch (e) {
      caught = e;
    }
    expect(caught).to.be.instanceOf(UndrivenProc);
    expect((caught as UndrivenProc).what).to.equal('socket:connect');
    close_all(l, c);
  }));
});
