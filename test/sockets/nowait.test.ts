// nowait, select and abort messages, the operation queues and cancel (docs/OTP25_BEHAVIOUR.md
// section 4, test/otp/ 03, 11, 12, 13, 15): real loopback sockets, real processes.
import { expect } from 'chai';
import * as socket from '../../sockets/socket';
import { run, make_ref, Ref, Proc, self, send, receive, on, _, after } from '../../runtime';
import { ok, listener, pair, close_all, raised_p, next_msg, flush, in_other, reply, sleep, open_fds } from '../support/sockets';

type SI = socket.SelectInfo<Ref>;

function si_of(r: unknown): SI {
  const t = r as ['select', SI];
  expect(t[0]).to.equal('select');
  expect(t[1][0]).to.equal('select_info');
  return t[1];
}

describe('sockets/socket: nowait and select', () => {
  let fds0 = 0;
  beforeEach(() => { fds0 = open_fds(); });
  afterEach(() => { expect(open_fds(), 'fds leaked').to.equal(fds0); });

  it('accept nowait: select, one message, then ok; a repeat replaces the handle', () => run(function* () {
    const [l, sa] = listener();
    const si1 = si_of(yield* socket.accept(l, 'nowait'));
    expect(si1[1]).to.equal('accept');
    expect(si1[2]).to.be.instanceOf(Ref);
    const i = socket.info(l);
    expect(i.num_acceptors).to.equal(1);
    expect(i.rstates).to.deep.equal(['bound', 'listening', 'accepting', 'selected']);
    const si2 = si_of(yield* socket.accept(l, 'nowait'));
    expect(si2[2]).to.not.equal(si1[2]);
    const c = ok<socket.Socket>(socket.open('inet', 'stream'));
    yield* socket.connect(c, sa);
    expect(yield* next_msg()).to.deep.equal(['$socket', l, 'select', si2[2]]);
    expect(yield* flush()).to.deep.equal([]);
    const a = ok<socket.Socket>(yield* socket.accept(l, 'nowait'));
    expect(socket.getopt(a, 'otp', 'controlling_process')).to.deep.equal(['ok', self()]);
    expect(socket.cancel(l, si1)).to.deep.equal(['error', ['invalid', si1]]);
    close_all(l, c, a);
  }));

  it('uses a caller-made Ref as the select handle', () => run(function* () {
    const [l, sa] = listener();
    const mine = make_ref();
    expect(yield* socket.accept(l, mine)).to.deep.equal(['select', ['select_info', 'accept', mine]]);
    const c = ok<socket.Socket>(socket.open('inet', 'stream'));
    yield* socket.connect(c, sa);
    const m = yield* next_msg();
    expect(m).to.deep.equal(['$socket', l, 'select', mine]);
    const a = ok<socket.Socket>(yield* socket.accept(l, mine)); // the guide's accept(LSock, SelectHandle)
    close_all(l, c, a);
  }));

  it('recv nowait: select, message on data, ok; partial data for Length N', () => run(function* () {
    const [l, c, a] = yield* pair();
    const si = si_of(yield* socket.recv(a, 0, 'nowait'));
    expect(si[1]).to.equal('recv');
    expect(socket.info(a).num_readers).to.equal(1);
    yield* socket.send(c, Buffer.from('data1'));
    expect(yield* next_msg()).to.deep.equal(['$socket', a, 'select', si[2]]);
    expect(yield* socket.recv(a, 0, 'nowait')).to.deep.equal(['ok', Buffer.from('data1')]);
    const si2 = si_of(yield* socket.recv(a, 0, 'nowait'));
    yield* socket.send(c, Buffer.from('abc'));
    expect(yield* next_msg()).to.deep.equal(['$socket', a, 'select', si2[2]]);
    const r = (yield* socket.recv(a, 10, 'nowait')) as ['select', [SI, Buffer]];
    expect(r[0]).to.equal('select');
    expect(r[1][0][1]).to.equal('recv');
    expect(r[1][1]).to.deep.equal(Buffer.from('abc'));
    yield* socket.send(c, Buffer.from('defghijklmn'));
    expect(yield* next_msg()).to.deep.equal(['$socket', a, 'select', r[1][0][2]]);
    expect(yield* socket.recv(a, 10, 'nowait')).to.deep.equal(['ok', Buffer.from('defghijklm')]);
    const r2 = (yield* socket.recv(a, 10, 'nowait')) as ['select', [SI, Buffer]];
    expect(r2[1][1]).to.deep.equal(Buffer.from('n'));
    expect(socket.cancel(a, r2[1][0])).to.equal('ok');
    expect(yield* socket.recv(a, 0, [], 100)).to.deep.equal(['error', 'timeout']);
    expect(yield* flush()).to.deep.equal([]);
    close_all(l, c, a);
  }));

  it('select messages are one-shot; cancel removes a delivered one', () => run(function* () {
    const [l, c, a] = yield* pair();
    const si = si_of(yield* socket.recv(a, 0, 'nowait'));
    yield* socket.send(c, Buffer.from('x1'));
    yield* sleep(30);
    yield* socket.send(c, Buffer.from('x2'));
    yield* sleep(30);
    // Exactly one message for two arrivals; cancel flushes it from the mailbox.
    expect(socket.cancel(a, si)).to.equal('ok');
    expect(yield* flush()).to.deep.equal([]);
    expect(socket.cancel(a, si)).to.deep.equal(['error', ['invalid', si]]);
    expect(yield* socket.recv(a, 4, 1000)).to.deep.equal(['ok', Buffer.from('x1x2')]);
    const si2 = si_of(yield* socket.recv(a, 0, 'nowait'));
    expect(socket.cancel(a, si2)).to.equal('ok');
    yield* socket.send(c, Buffer.from('after-cancel'));
    yield* sleep(30);
    expect(yield* flush()).to.deep.equal([]);
    expect(yield* socket.recv(a, 0, 100)).to.deep.equal(['ok', Buffer.from('after-cancel')]);
    const bogus: SI = ['select_info', 'recv', make_ref()];
    expect(socket.cancel(l, bogus)).to.deep.equal(['error', ['invalid', bogus]]);
    expect(() => socket.cancel(l, 'foo' as never)).to.throw().with.property('reason', 'badarg');
    close_all(l, c, a);
  }));

  it('queues a second reader; a queued nowait repeat raises {invalid, state}', () => run(function* () {
    const [l, c, a] = yield* pair();
    const si1 = si_of(yield* socket.recv(a, 0, 'nowait'));
    const parent = self();
    in_other('p2', function* () {
      const first = yield* socket.recv(a, 0, 'nowait');
      send(parent, ['p2first', first]);
      let again: unknown;
      try { again = yield* socket.recv(a, 0, 'nowait'); } catch (e) { again = ['raised', (e as { reason: unknown }).reason]; }
      send(parent, ['p2again', again]);
      const m = yield* next_msg(2000);
      const r = yield* socket.recv(a, 0, 'nowait');
      return [m, r];
    });
    const p2first = si_of(yield* reply('p2first'));
    expect(yield* reply('p2again')).to.deep.equal(['raised', ['invalid', 'state']]);
    expect(socket.info(a).num_readers).to.equal(2);
    yield* socket.send(c, Buffer.from('for-first'));
    expect(yield* next_msg()).to.deep.equal(['$socket', a, 'select', si1[2]]);
    expect(yield* socket.recv(a, 0, 'nowait')).to.deep.equal(['ok', Buffer.from('for-first')]);
    yield* socket.send(c, Buffer.from('for-second'));
    const [m, r] = (yield* reply('p2')) as [unknown, unknown];
    expect(m).to.deep.equal(['$socket', a, 'select', p2first[2]]);
    expect(r).to.deep.equal(['ok', Buffer.from('for-second')]);
    expect(socket.info(a).num_readers).to.equal(0);
    close_all(l, c, a);
  }));

  it('serves three queued readers in turn, one chunk each', () => run(function* () {
    const [l, c, a] = yield* pair();
    const parent = self();
    for (const name of ['r1', 'r2', 'r3']) {
      in_other(name, function* () {
        const first = yield* socket.recv(a, 0, 'nowait');
        send(parent, [`${name}first`, first]);
        const m = yield* next_msg(3000);
        return [m, yield* socket.recv(a, 0, 'nowait')];
      });
      si_of(yield* reply(`${name}first`));
    }
    expect(socket.info(a).num_readers).to.equal(3);
    const got: unknown[] = [];
    for (const [i, name] of ['r1', 'r2', 'r3'].entries()) {
      yield* socket.send(c, Buffer.from(`chunk${i + 1}`));
      const [m, r] = (yield* reply(name)) as [unknown[], unknown];
      expect(m[2]).to.equal('select');
      got.push(r);
    }
    expect(got).to.deep.equal([1, 2, 3].map((i) => ['ok', Buffer.from(`chunk${i}`)]));
    expect(socket.info(a).num_readers).to.equal(0);
    close_all(l, c, a);
  }));

  it('cancel hands over to the next queued reader; a queued blocking reader times out', () => run(function* () {
    const [l, c, a] = yield* pair();
    const si = si_of(yield* socket.recv(a, 0, 'nowait'));
    const parent = self();
    in_other('q1', function* () {
      send(parent, ['q1first', yield* socket.recv(a, 0, 'nowait')]);
      const m = yield* next_msg(3000);
      return [m, yield* socket.recv(a, 0, 'nowait')];
    });
    const q1 = si_of(yield* reply('q1first'));
    expect(socket.cancel(a, si)).to.equal('ok');
    yield* socket.send(c, Buffer.from('after-cancel'));
    expect(yield* reply('q1')).to.deep.equal([['$socket', a, 'select', q1[2]], ['ok', Buffer.from('after-cancel')]]);

    const si2 = si_of(yield* socket.recv(a, 0, 'nowait'));
    in_other('blocked', () => socket.recv(a, 0, 200));
    expect(yield* reply('blocked')).to.deep.equal(['error', 'timeout']);
    expect(socket.info(a).num_readers).to.equal(1);
    yield* socket.send(c, Buffer.from('b'));
    expect(yield* next_msg()).to.deep.equal(['$socket', a, 'select', si2[2]]);
    expect(yield* socket.recv(a, 0, 'nowait')).to.deep.equal(['ok', Buffer.from('b')]);
    close_all(l, c, a);
  }));

  it('a blocking reader queued behind a nowait one gets data after it', () => run(function* () {
    const [l, c, a] = yield* pair();
    const si = si_of(yield* socket.recv(a, 0, 'nowait'));
    in_other('p3', () => socket.recv(a, 0, 3000));
    yield* sleep(20);
    expect(socket.info(a).num_readers).to.equal(2);
    yield* socket.send(c, Buffer.from('one'));
    expect(yield* next_msg()).to.deep.equal(['$socket', a, 'select', si[2]]);
    expect(yield* reply('p3', 100)).to.equal('none');
    expect(yield* socket.recv(a, 0, 'nowait')).to.deep.equal(['ok', Buffer.from('one')]);
    yield* socket.send(c, Buffer.from('two'));
    expect(yield* reply('p3')).to.deep.equal(['ok', Buffer.from('two')]);
    close_all(l, c, a);
  }));

  it('close sends abort to every pending nowait waiter and {error, closed} to blocked ones', () => run(function* () {
    const [l, c, a] = yield* pair();
    const si = si_of(yield* socket.recv(a, 0, 'nowait'));
    const parent = self();
    in_other('z2', function* () {
      send(parent, ['z2first', yield* socket.recv(a, 0, 'nowait')]);
      return yield* next_msg(3000);
    });
    const z2 = si_of(yield* reply('z2first'));
    in_other('closer', function* () { return socket.close(a); });
    expect(yield* reply('closer')).to.equal('ok');
    expect(yield* next_msg()).to.deep.equal(['$socket', a, 'abort', [si[2], 'closed']]);
    expect(yield* reply('z2')).to.deep.equal(['$socket', a, 'abort', [z2[2], 'closed']]);
    expect(yield* socket.recv(a, 0, 'nowait')).to.deep.equal(['error', 'closed']);

    const c2 = ok<socket.Socket>(socket.open('inet', 'stream'));
    yield* socket.connect(c2, ok(socket.sockname(l)));
    const a2 = ok<socket.Socket>(yield* socket.accept(l));
    in_other('blocked', () => socket.recv(a2, 0, 'infinity'));
    in_other('blockedN', () => socket.recv(a2, 10, 'infinity'));
    yield* sleep(20);
    yield* socket.send(c2, Buffer.from('part'));
    yield* sleep(20);
    socket.close(a2);
    const r1 = yield* reply('blocked');
    const r2 = yield* reply('blockedN');
    // The first reader took 'part' (ok) or the second holds it ({closed, Data}).
    expect([r1, r2]).to.deep.include.members([['ok', Buffer.from('part')]]);
    const li = si_of(yield* socket.accept(l, 'nowait'));
    socket.close(l);
    expect(yield* next_msg()).to.deep.equal(['$socket', l, 'abort', [li[2], 'closed']]);
    close_all(c, c2);
  }));

  it('close sends no abort to a waiter already sent its select message (as OTP 25)', () => run(function* () {
    const [l, c, a] = yield* pair();
    const si = si_of(yield* socket.recv(a, 0, 'nowait'));
    yield* socket.send(c, Buffer.from('x'));
    yield* sleep(30);
    socket.close(a);
    yield* sleep(10);
    expect(yield* flush()).to.deep.equal([['$socket', a, 'select', si[2]]]);
    expect(yield* socket.recv(a, 0, 'nowait')).to.deep.equal(['error', 'closed']);
    close_all(l, c);
  }));

  it('a blocked recv(N) holding partial data closed by another process gets {closed, Data}', () => run(function* () {
    const [l, c, a] = yield* pair();
    in_other('b', () => socket.recv(a, 10, 'infinity'));
    yield* sleep(20);
    yield* socket.send(c, Buffer.from('part'));
    yield* sleep(30);
    socket.close(a);
    expect(yield* reply('b')).to.deep.equal(['error', ['closed', Buffer.from('part')]]);
    close_all(l, c);
  }));

  it('connect nowait: select, message, connect/1; refused; cancel', () => run(function* () {
    const [l, sa] = listener();
    const cn = ok<socket.Socket>(socket.open('inet', 'stream'));
    const r = yield* socket.connect(cn, sa, 'nowait');
    if (r === 'ok') throw new Error('loopback connect finished at once; cannot test the select path');
    const si = si_of(r);
    expect(si[1]).to.equal('connect');
    expect(socket.info(cn).wstates).to.deep.equal(['connecting', 'selected']);
    expect(yield* next_msg()).to.deep.equal(['$socket', cn, 'select', si[2]]);
    expect(yield* socket.connect(cn)).to.equal('ok');
    expect(yield* raised_p(() => socket.connect(cn))).to.deep.equal(['invalid', 'state']);
    expect((ok<{ port: number }>(socket.peername(cn))).port).to.equal((sa as { port: number }).port);

    const dead = ok<socket.Socket>(socket.open('inet', 'stream'));
    socket.bind(dead, 'loopback');
    const deadSa = ok<socket.SockAddr>(socket.sockname(dead));
    socket.close(dead);
    const cn2 = ok<socket.Socket>(socket.open('inet', 'stream'));
    const si2 = si_of(yield* socket.connect(cn2, deadSa, 'nowait'));
    expect(yield* next_msg()).to.deep.equal(['$socket', cn2, 'select', si2[2]]);
    expect(yield* socket.connect(cn2)).to.deep.equal(['error', 'econnrefused']);

    const cn3 = ok<socket.Socket>(socket.open('inet', 'stream'));
    const si3 = si_of(yield* socket.connect(cn3, sa, 'nowait'));
    expect(socket.cancel(cn3, si3)).to.equal('ok');
    expect(yield* flush()).to.deep.equal([]);
    expect(socket.info(cn3).wstates).to.deep.equal(['selected']);
    expect(yield* raised_p(() => socket.connect(cn3))).to.deep.equal(['invalid', 'state']);
    expect(yield* socket.connect(cn3, sa, 100)).to.equal('ok');
    close_all(l, cn, cn2, cn3);
  }));

  it('send nowait: partial write returns the rest; the continuation loop delivers every byte', () => run(function* () {
    const [l, c, a] = yield* pair();
    socket.setopt(c, 'socket', 'sndbuf', 4096);
    const big = Buffer.alloc(4_000_000, 0x51);
    const r = (yield* socket.send(c, big, 'nowait')) as ['select', [SI, Buffer]];
    expect(r[0]).to.equal('select');
    expect(r[1][0][1]).to.deep.equal(['send', 0]);
    expect(r[1][1].length).to.be.within(1, big.length - 1);
    expect(socket.info(c).wstates).to.deep.equal(['connected', 'selected']);
    expect(socket.info(c).num_writers).to.equal(1);
    // drain in another process, continue the send on each select message
    const total = big.length;
    in_other('drain', function* () {
      let n = 0;
      while (n < total) {
        const d = yield* socket.recv(a, 0, 2000);
        if (d[0] !== 'ok') return d;
        n += (d[1] as Buffer).length;
      }
      return n;
    });
    let rest = r[1][1];
    let rounds = 0;
    for (;;) {
      const m = (yield* next_msg(3000)) as unknown[];
      expect(m[2]).to.equal('select');
      rounds++;
      const s = yield* socket.send(c, rest, 'nowait');
      if (s === 'ok') break;
      const sel = s as ['select', unknown];
      if (Array.isArray(sel[1]) && sel[1][0] !== 'select_info') rest = (sel[1] as [SI, Buffer])[1];
    }
    expect(yield* reply('drain', 5000)).to.equal(total);
    expect(rounds).to.be.above(0);
    close_all(l, c, a);
  }));

  it('send with a timeout: {error, {timeout, Rest}}, or {error, timeout} when nothing went', () => run(function* () {
    const [l, c, a] = yield* pair();
    socket.setopt(c, 'socket', 'sndbuf', 4096);
    const big = Buffer.alloc(4_000_000, 1);
    const r = (yield* socket.send(c, big, 200)) as ['error', ['timeout', Buffer]];
    expect(r[0]).to.equal('error');
    expect(r[1][0]).to.equal('timeout');
    expect(r[1][1].length).to.be.within(1, big.length - 1);
    expect(yield* socket.send(c, big, 0)).to.deep.equal(['error', 'timeout']);
    // A blocked send closed by another process: {closed, Rest}.
    in_other('bs', () => socket.send(c, big, 'infinity'));
    yield* sleep(50);
    socket.close(c);
    const b = (yield* reply('bs')) as ['error', unknown];
    expect(b[0]).to.equal('error');
    if (Array.isArray(b[1])) expect(b[1][0]).to.equal('closed');
    else expect(b[1]).to.equal('closed');
    close_all(l, a);
  }));

  it('recvmsg nowait uses the recvmsg tag', () => run(function* () {
    const [l, c, a] = yield* pair();
    const si = si_of(yield* socket.recvmsg(a, 0, 0, [], 'nowait'));
    expect(si[1]).to.equal('recvmsg');
    yield* socket.send(c, Buffer.from('m'));
    expect(yield* next_msg()).to.deep.equal(['$socket', a, 'select', si[2]]);
    expect(yield* socket.recvmsg(a, 0, 0, [], 'nowait')).to.deep.equal(['ok', { iov: [Buffer.from('m')], ctrl: [], flags: [] }]);
    close_all(l, c, a);
  }));

  it('answers a recv on a known-empty socket with a select without losing the next edge', () => run(function* () {
    const [l, c, a] = yield* pair();
    for (let i = 0; i < 200; i++) {
      const si = si_of(yield* socket.recv(a, 0, 'nowait'));
      yield* socket.send(c, Buffer.from(`m${i}`));
      const m = yield* receive(on(['$socket', a, _, _], (x) => x), after(1000, () => 'none'));
      expect(m).to.deep.equal(['$socket', a, 'select', si[2]]);
      expect(yield* socket.recv(a, 0, 'nowait')).to.deep.equal(['ok', Buffer.from(`m${i}`)]);
    }
    close_all(l, c, a);
  }));
});

export type { Proc };
