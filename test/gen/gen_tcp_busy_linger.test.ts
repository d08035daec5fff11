// gen_tcp_misc_SUITE's linger_zero and busy groups, with the values OTP 25's default gen_tcp
// gives (test/otp/44_busy_linger.escript). Where OTP's port queue takes a send at once and
// reports send_pend, erlsock's send waits in the sending process until the kernel takes the
// bytes: the "busy" sender here is a process blocked in send.
import { expect } from 'chai';
import * as gen_tcp from '../../gen/gen_tcp';
import * as inet from '../../gen/inet';
import { run, spawn, self, send, receive, on, after, _, exit, process_info, Proc, Pid } from '../../runtime';
import { ok, open_fds } from '../support/sockets';

type S = gen_tcp.GenSocket;

const pause = (ms: number): Proc<number> => receive(after(ms, () => 0));

/** What an active socket delivers until 300 ms pass quietly: [bytes, other messages]. */
function* drain_active(s: S): Proc<[number, unknown[]]> {
  let n = 0;
  const other: unknown[] = [];
  for (;;) {
    const m = (yield* receive(
      on(['tcp', s, _], (x) => x), on(['tcp_error', s, _], (x) => x), on(['tcp_closed', s], (x) => x), after(300, () => null),
    )) as unknown[] | null;
    if (m === null) return [n, other];
    if (m[0] === 'tcp') n += (m[2] as Buffer).length;
    else other.push(m[0] === 'tcp_error' ? ['tcp_error', m[2]] : 'tcp_closed');
  }
}

/** Sends Msg `count` times from a new process, telling `to` before each send and at the end. */
function sender(c: S, to: Pid, count: number, msg: Buffer): Pid {
  return spawn(function* () {
    for (let i = 0; i < count; i++) {
      send(to, ['sending', i]);
      const r = yield* gen_tcp.send(c, msg);
      if (r !== 'ok') {
        send(to, ['send_result', i, r]);
        return;
      }
    }
    send(to, ['send_result', count, 'done']);
  });
}

/** The index of the send the sender is blocked in (no news for 300 ms), -1 if none began. */
function* blocked_at(): Proc<number> {
  let last = -1;
  for (;;) {
    const n = (yield* receive(on(['sending', _], (m) => m[1] as number), after(300, () => null))) as number | null;
    if (n === null) return last;
    last = n;
  }
}

describe('gen_tcp: linger_zero and busy send (gen_tcp_misc_SUITE)', function () {
  this.timeout(30000);
  let fds0 = 0;
  beforeEach(() => { fds0 = open_fds(); });
  afterEach(() => { expect(open_fds(), 'fds leaked').to.equal(fds0); });

  for (const active of [false, true]) {
    for (const show of [true, false]) {
      it(`linger_zero: close with {linger, {true, 0}} and bytes unsent resets; the peer ${active ? 'active' : 'passive'}, show_econnreset ${show}`, () => run(function* () {
        const l = ok<S>(gen_tcp.listen(0, ['binary', ['active', false], ['recbuf', 4096], ['show_econnreset', show]]));
        const c = ok<S>(yield* gen_tcp.connect('localhost', ok<number>(inet.port(l)), ['binary', ['active', false], ['sndbuf', 4096]]));
        const s = ok<S>(yield* gen_tcp.accept(l, 2000));
        gen_tcp.close(l);
        const me = self();
        // 1 MB the peer does not read: the sender blocks in send, as OTP's send_pend > 0.
        const p = sender(c, me, 1, Buffer.alloc(1 << 20, 'a'));
        expect(yield* blocked_at()).to.equal(0);
        expect(inet.setopts(c, [['linger', [true, 0]]])).to.equal('ok');
        expect(inet.getopts(c, ['linger'])).to.deep.equal(['ok', [['linger', [true, 0]]]]);
        gen_tcp.close(c);
        // The blocked send ends: the socket it sends on is closed.
        expect(yield* receive(on(['send_result', _, _], (m) => m[2]), after(2000, () => 'none'))).to.deep.equal(['error', 'closed']);
        expect(yield* gen_tcp.send(c, 'x')).to.deep.equal(['error', 'closed']);
        yield* pause(50);
        if (!active) {
          expect(yield* gen_tcp.recv(s, 1 << 20, 1000)).to.deep.equal(['error', show ? 'econnreset' : 'closed']);
          // inet: enotconn; erlsock: closed (the socket closed at the reset, exit_on_close).
          expect(yield* gen_tcp.recv(s, 0, 1000)).to.deep.equal(['error', 'closed']);
        } else {
          expect(inet.setopts(s, [['active', true]])).to.equal('ok');
          const [n, rest] = yield* drain_active(s);
          expect(n).to.be.above(0); // the bytes that arrived before the reset
          expect(rest).to.deep.equal(show ? [['tcp_error', 'econnreset'], 'tcp_closed'] : ['tcp_closed']);
        }
        exit(p, 'kill');
        gen_tcp.close(s);
      }));
    }
  }

  it('linger_zero with nothing unsent: the peer reads what came, then econnreset', () => run(function* () {
    const l = ok<S>(gen_tcp.listen(0, ['binary', ['active', false], ['show_econnreset', true]]));
    const c = ok<S>(yield* gen_tcp.connect('localhost', ok<number>(inet.port(l)), ['binary', ['active', false], ['linger', [true, 0]]]));
    const s = ok<S>(yield* gen_tcp.accept(l, 2000));
    expect(yield* gen_tcp.send(c, 'abc')).to.equal('ok');
    yield* pause(20);
    gen_tcp.close(c);
    yield* pause(20);
    expect(yield* gen_tcp.recv(s, 0, 1000)).to.deep.equal(['ok', Buffer.from('abc')]);
    expect(yield* gen_tcp.recv(s, 0, 1000)).to.deep.equal(['error', 'econnreset']);
    gen_tcp.close(s);
    gen_tcp.close(l);
  }));

  it('busy_send: a send blocks while the peer does not read, resumes when it does, loses nothing', () => run(function* () {
    const l = ok<S>(gen_tcp.listen(0, ['binary', ['active', false], ['recbuf', 4096]]));
    const c = ok<S>(yield* gen_tcp.connect('localhost', ok<number>(inet.port(l)), ['binary', ['active', false], ['sndbuf', 4096]]));
    const s = ok<S>(yield* gen_tcp.accept(l, 2000));
    const me = self();
    const p = sender(c, me, 500, Buffer.alloc(1000, 'x'));
    const at = yield* blocked_at();
    expect(at).to.be.within(1, 498);
    expect(process_info(p, 'status')).to.deep.equal(['status', 'waiting']);
    let total = 0;
    for (;;) {
      const r = yield* gen_tcp.recv(s, 0, 300);
      if (r[0] !== 'ok') break;
      total += (r[1] as Buffer).length;
    }
    expect(total).to.equal(500000);
    expect(yield* receive(on(['send_result', _, _], (m) => m.slice(1)), after(1000, () => 'none'))).to.deep.equal([500, 'done']);
    for (const x of [c, s, l]) gen_tcp.close(x);
  }));

  for (const show of [false, true]) {
    it(`busy_disconnect: the peer closes while a send is blocked: ${show ? 'econnreset (show_econnreset)' : 'closed'}`, () => run(function* () {
      const l = ok<S>(gen_tcp.listen(0, ['binary', ['active', false], ['recbuf', 4096]]));
      const c = ok<S>(yield* gen_tcp.connect('localhost', ok<number>(inet.port(l)), ['binary', ['active', false], ['sndbuf', 4096], ['show_econnreset', show]]));
      const s = ok<S>(yield* gen_tcp.accept(l, 2000));
      const me = self();
      sender(c, me, 500, Buffer.alloc(1000, 'x'));
      expect(yield* blocked_at()).to.be.above(0);
      gen_tcp.close(s);
      const r = yield* receive(on(['send_result', _, _], (m) => m[2]), after(2000, () => 'none'));
      expect(r).to.deep.equal(['error', show ? 'econnreset' : 'closed']);
      gen_tcp.close(c);
      gen_tcp.close(l);
    }));
  }
});
