// TCP over 127.0.0.1 and ::1: the blocking forms and their exact OTP 25 results
// (docs/OTP25_BEHAVIOUR.md sections 2.1-2.14, test/otp/ 01 and 02).
import { expect } from 'chai';
import * as socket from '../../sockets/socket';
import { run, self } from '../../runtime';
import { ok, listener, pair, close_all, raised, raised_p, open_fds, sleep } from '../support/sockets';

describe('sockets/socket: TCP', () => {
  let fds0 = 0;
  beforeEach(() => { fds0 = open_fds(); });
  afterEach(() => { expect(open_fds(), 'fds leaked').to.equal(fds0); });

  it('opens with OTP defaults and errors', () => run(function* () {
    const s = ok<socket.Socket>(socket.open('inet', 'stream'));
    expect(socket.getopt(s, 'socket', 'protocol')).to.deep.equal(['ok', 'tcp']);
    expect(socket.getopt(s, 'socket', 'type')).to.deep.equal(['ok', 'stream']);
    expect(socket.getopt(s, 'socket', 'domain')).to.deep.equal(['ok', 'inet']);
    const u = ok<socket.Socket>(socket.open('inet', 'dgram'));
    expect(socket.getopt(u, 'socket', 'protocol')).to.deep.equal(['ok', 'udp']);
    const d = ok<socket.Socket>(socket.open('inet', 'stream', 'default'));
    expect(socket.getopt(d, 'socket', 'protocol')).to.deep.equal(['ok', 'tcp']);
    const s6 = ok<socket.Socket>(socket.open('inet6', 'stream', 'tcp', {}));
    const o3 = ok<socket.Socket>(socket.open('inet', 'stream', { debug: false }));
    expect(socket.open('inet', 'stream', 'udp')).to.deep.equal(['error', 'eprotonosupport']);
    expect(socket.open('inet', 'dgram', 'tcp')).to.deep.equal(['error', 'eprotonosupport']);
    expect(socket.open('inet', 'foo' as never)).to.deep.equal(['error', ['invalid', ['type', 'foo']]]);
    expect(socket.open('bogus' as never, 'stream')).to.deep.equal(['error', ['invalid', ['domain', 'bogus']]]);
    expect(socket.open('inet', 'stream', 'bogus' as never)).to.deep.equal(['error', ['invalid', ['protocol', 'bogus']]]);
    const b = ok<socket.Socket>(socket.open('inet', 'stream', 'tcp', { bogus: 1 }));
    expect(String(s)).to.match(/^#Socket<\d+>$/);
    close_all(s, u, d, s6, o3, b);
  }));

  it('binds as OTP does, errors included', () => run(function* () {
    const s1 = ok<socket.Socket>(socket.open('inet', 'stream'));
    expect(socket.bind(s1, { family: 'inet', addr: 'loopback', port: 0 })).to.equal('ok');
    const sa = ok<socket.SockAddr & { port: number }>(socket.sockname(s1));
    expect(sa.family).to.equal('inet');
    expect((sa as { addr: number[] }).addr).to.deep.equal([127, 0, 0, 1]);
    expect(sa.port).to.be.above(0);
    expect(socket.bind(s1, { family: 'inet', addr: 'loopback', port: 0 })).to.deep.equal(['error', 'einval']);
    const s2 = ok<socket.Socket>(socket.open('inet', 'stream'));
    expect(socket.bind(s2, 'any')).to.equal('ok');
    expect((ok<{ addr: number[] }>(socket.sockname(s2))).addr).to.deep.equal([0, 0, 0, 0]);
    const s6 = ok<socket.Socket>(socket.open('inet6', 'stream'));
    expect(socket.bind(s6, { family: 'inet6', addr: 'loopback', port: 0 })).to.equal('ok');
    const sa6 = ok<Record<string, unknown>>(socket.sockname(s6));
    expect(Object.keys(sa6).sort()).to.deep.equal(['addr', 'family', 'flowinfo', 'port', 'scope_id']);
    expect(sa6.addr).to.deep.equal([0, 0, 0, 0, 0, 0, 0, 1]);
    const s10 = ok<socket.Socket>(socket.open('inet', 'stream'));
    expect(socket.bind(s10, { family: 'inet6', addr: 'loopback', port: 0 })).to.deep.equal(['error', 'eafnosupport']);
    expect(socket.bind(s10, { family: 'inet', addr: [10, 255, 255, 1], port: 0 })).to.deep.equal(['error', 'eaddrnotavail']);
    const bad = { family: 'inet', addr: [1, 2, 3], port: 0 };
    expect(socket.bind(s10, bad as never)).to.deep.equal(['error', ['invalid', ['sockaddr', bad]]]);
    expect(socket.bind(s10, 'foo' as never)).to.deep.equal(['error', ['invalid', ['sockaddr', 'foo']]]);
    expect(raised(() => socket.bind(s10, [127, 0, 0, 1] as never))).to.deep.equal(['invalid', ['sockaddr', [127, 0, 0, 1]]]);
    expect(socket.bind(s10, { family: 'inet', port: 0 })).to.equal('ok');
    expect(socket.peername(s1)).to.deep.equal(['error', 'enotconn']);
    close_all(s1, s2, s6, s10);
  }));

  it('listens and accepts; the accept timeouts and wrong states', () => run(function* () {
    const l = ok<socket.Socket>(socket.open('inet', 'stream', 'tcp'));
    expect(yield* socket.accept(l, 0)).to.deep.equal(['error', 'einval']);
    expect(socket.listen(l)).to.equal('ok'); // unbound: binds to any
    expect((ok<{ addr: number[] }>(socket.sockname(l))).addr).to.deep.equal([0, 0, 0, 0]);
    expect(socket.getopt(l, 'socket', 'acceptconn')).to.deep.equal(['ok', true]);
    expect(socket.listen(l, 10)).to.equal('ok');
    expect(socket.listen(l, -1)).to.equal('ok');
    expect(raised(() => socket.listen(l, 'foo' as never))).to.equal('badarg');
    expect(yield* socket.accept(l, 50)).to.deep.equal(['error', 'timeout']);
    expect(yield* socket.accept(l, 0)).to.deep.equal(['error', 'timeout']);
    expect(yield* raised_p(() => socket.accept(l, -5))).to.deep.equal(['invalid', ['timeout', -5]]);
    expect(yield* raised_p(() => socket.accept(l, 'foo' as never))).to.deep.equal(['invalid', ['timeout', 'foo']]);
    expect(socket.info(l).rstates).to.deep.equal(['listening', 'selected']);
    const u = ok<socket.Socket>(socket.open('inet', 'dgram'));
    expect(socket.listen(u)).to.deep.equal(['error', 'enotsup']);
    expect(yield* socket.accept(u, 0)).to.deep.equal(['error', 'enotsup']);
    close_all(l, u);
  }));

  it('connects: refused, repeated, connect/1 without a pending connect', () => run(function* () {
    const [l, sa] = listener();
    const dead = ok<socket.Socket>(socket.open('inet', 'stream'));
    socket.bind(dead, 'loopback');
    const deadSa = ok<socket.SockAddr>(socket.sockname(dead));
    socket.close(dead);
    const c0 = ok<socket.Socket>(socket.open('inet', 'stream'));
    expect(yield* socket.connect(c0, deadSa)).to.deep.equal(['error', 'econnrefused']);
    const c1 = ok<socket.Socket>(socket.open('inet', 'stream'));
    expect(yield* socket.connect(c1, sa, 2000)).to.equal('ok');
    expect(yield* socket.connect(c1, sa)).to.equal('ok');
    expect(yield* raised_p(() => socket.connect(c1))).to.deep.equal(['invalid', 'state']);
    const a = ok<socket.Socket>(yield* socket.accept(l));
    expect(socket.peername(a)).to.deep.equal(socket.sockname(c1));
    expect(socket.getopt(a, 'otp', 'owner')).to.deep.equal(['ok', self()]); // the acceptor owns it (the owner alias)
    expect(yield* socket.connect(l, sa)).to.deep.equal(['error', 'eisconn']);
    close_all(l, c0, c1, a);
  }));

  it('sends iodata and receives with Length 0 and N, peek, flags and timeouts', () => run(function* () {
    const [l, c, a] = yield* pair();
    expect(yield* socket.send(c, Buffer.from('hello'))).to.equal('ok');
    expect(yield* socket.send(c, 'iolist', 1000)).to.equal('ok');
    expect(yield* socket.send(c, [Buffer.from('a'), ['b', 0x63]], [], 'infinity')).to.equal('ok');
    expect(yield* socket.send(c, Buffer.alloc(0))).to.equal('ok');
    expect(yield* raised_p(() => socket.send(c, 'foo' as unknown as Buffer, 'bad' as never))).to.deep.equal(['invalid', ['timeout', 'bad']]);
    expect(yield* raised_p(() => socket.send(c, Symbol('foo')))).to.equal('badarg');
    yield* sleep(100);
    expect(yield* socket.recv(a, 3)).to.deep.equal(['ok', Buffer.from('hel')]);
    expect(yield* socket.recv(a, 0, ['peek'], 1000)).to.deep.equal(['ok', Buffer.from('loiolistabc')]);
    expect(yield* socket.recv(a, 0)).to.deep.equal(['ok', Buffer.from('loiolistabc')]);
    expect(yield* socket.recv(a, 0, 100)).to.deep.equal(['error', 'timeout']);
    expect(yield* socket.recv(a, 5, 100)).to.deep.equal(['error', 'timeout']);
    yield* socket.send(c, Buffer.from('abc'));
    expect(yield* socket.recv(a, 10, 200)).to.deep.equal(['error', ['timeout', Buffer.from('abc')]]);
    yield* socket.send(c, Buffer.from('abcdef'));
    expect(yield* socket.recv(a, 4, 200)).to.deep.equal(['ok', Buffer.from('abcd')]);
    expect(yield* socket.recv(a, 2, 0)).to.deep.equal(['ok', Buffer.from('ef')]);
    expect(yield* socket.recv(a, 2, 0)).to.deep.equal(['error', 'timeout']);
    expect(yield* socket.recv(a, 0, 0)).to.deep.equal(['error', 'timeout']);
    expect(yield* raised_p(() => socket.recv(a, -1))).to.equal('badarg');
    expect(yield* socket.recv(a, 0, ['bogus'])).to.deep.equal(['error', ['invalid', ['msg_flag', 'bogus']]]);
    expect(yield* raised_p(() => socket.recv(a, 0, [], 'foo' as never))).to.deep.equal(['invalid', ['timeout', 'foo']]);
    yield* socket.send(c, Buffer.from('xyz'));
    yield* sleep(20);
    expect(yield* socket.recv(a, 0, ['oob'], 100)).to.deep.equal(['error', 'einval']);
    expect(yield* socket.recv(a, 0, ['waitall'], 100)).to.deep.equal(['error', ['invalid', ['msg_flag', 'waitall']]]);
    yield* socket.send(c, Buffer.from('part'));
    expect(yield* socket.recv(a, 7, 1000)).to.deep.equal(['ok', Buffer.from('xyzpart')]);
    yield* socket.send(c, Buffer.from('poll'));
    yield* sleep(50);
    expect(yield* socket.recv(a, 10, 0)).to.deep.equal(['ok', Buffer.from('poll')]); // a poll returns a short read
    close_all(l, c, a);
  }));

  it('recv(S, 0) returns at most {otp, rcvbuf} bytes (8192 by default, N x Size)', () => run(function* () {
    const [l, c, a] = yield* pair();
    expect(yield* socket.send(c, Buffer.alloc(100000, 7))).to.equal('ok');
    yield* sleep(50);
    const r1 = ok<Buffer>(yield* socket.recv(a, 0));
    expect(r1.length).to.equal(8192);
    expect(socket.setopt(a, 'otp', 'rcvbuf', 5)).to.equal('ok');
    expect((ok<Buffer>(yield* socket.recv(a, 0))).length).to.equal(5);
    expect((ok<Buffer>(yield* socket.recv(a, 7))).length).to.equal(7); // Length overrides it
    expect(socket.setopt(a, 'otp', 'rcvbuf', [3, 4])).to.equal('ok');
    expect((ok<Buffer>(yield* socket.recv(a, 0))).length).to.equal(12);
    close_all(l, c, a);
  }));

  it('sees the peer close: FIN, data then FIN, reset, {closed, Data}', () => run(function* () {
    const [l, c, a] = yield* pair();
    expect(socket.shutdown(c, 'write')).to.equal('ok');
    expect(yield* socket.recv(a, 0, 500)).to.deep.equal(['error', 'closed']);
    expect(yield* socket.recv(a, 5, 500)).to.deep.equal(['error', 'closed']);
    expect(yield* socket.send(c, Buffer.from('after shutdown'))).to.deep.equal(['error', 'epipe']);
    expect(yield* socket.send(a, Buffer.from('back'))).to.equal('ok');
    expect(yield* socket.recv(c, 0, 200)).to.deep.equal(['ok', Buffer.from('back')]);
    expect(raised(() => socket.shutdown(c, 'bogus' as never))).to.deep.equal(['invalid', ['how', 'bogus']]);
    expect(socket.close(c)).to.equal('ok');
    expect(yield* socket.send(a, Buffer.from('to closed peer'))).to.equal('ok');
    yield* sleep(20);
    expect(yield* socket.send(a, Buffer.from('to closed peer 2'))).to.deep.equal(['error', 'epipe']);
    close_all(a);

    const c3 = ok<socket.Socket>(socket.open('inet', 'stream'));
    yield* socket.connect(c3, ok(socket.sockname(l)));
    const a3 = ok<socket.Socket>(yield* socket.accept(l));
    yield* socket.send(a3, Buffer.from('unread'));
    yield* sleep(20);
    socket.close(c3); // with unread data: RST
    expect(yield* socket.recv(a3, 0, 200)).to.deep.equal(['error', 'econnreset']);
    expect(yield* socket.recv(a3, 0, 200)).to.deep.equal(['error', 'closed']);
    socket.close(a3);

    const c4 = ok<socket.Socket>(socket.open('inet', 'stream'));
    yield* socket.connect(c4, ok(socket.sockname(l)));
    const a4 = ok<socket.Socket>(yield* socket.accept(l));
    yield* socket.send(c4, Buffer.from('ab'));
    socket.close(c4);
    expect(yield* socket.recv(a4, 5, 200)).to.deep.equal(['error', ['closed', Buffer.from('ab')]]);
    expect(yield* socket.recv(a4, 5, 200)).to.deep.equal(['error', 'closed']);
    socket.close(a4);

    const c6 = ok<socket.Socket>(socket.open('inet', 'stream'));
    yield* socket.connect(c6, ok(socket.sockname(l)));
    const a6 = ok<socket.Socket>(yield* socket.accept(l));
    expect(socket.setopt(c6, 'socket', 'linger', { onoff: true, linger: 0 })).to.equal('ok');
    socket.close(c6);
    expect(yield* socket.recv(a6, 0, 200)).to.deep.equal(['error', 'econnreset']);
    expect(yield* socket.recv(a6, 0, 200)).to.deep.equal(['error', 'closed']);
    close_all(a6, l);
  }));

  it('sees the FIN that arrived with the last data after a short read', () => run(function* () {
    const [l, sa] = listener();
    for (let i = 0; i < 10; i++) {
      const c = ok<socket.Socket>(socket.open('inet', 'stream'));
      yield* socket.connect(c, sa);
      const a = ok<socket.Socket>(yield* socket.accept(l));
      yield* socket.send(c, Buffer.from('abc'));
      socket.close(c);
      yield* sleep(20); // data and FIN both there: one readiness edge
      expect(yield* socket.recv(a, 0, 1000)).to.deep.equal(['ok', Buffer.from('abc')]);
      expect(yield* socket.recv(a, 0, 'nowait')).to.deep.equal(['error', 'closed']);
      expect(yield* socket.recv(a, 0, 1000)).to.deep.equal(['error', 'closed']);
      socket.close(a);
    }
    socket.close(l);
  }));

  it('after shutdown(read) on a known-empty socket, recv answers closed at once', () => run(function* () {
    const [l, c, a] = yield* pair();
    expect(yield* socket.recv(a, 0, 0)).to.deep.equal(['error', 'timeout']); // now known empty
    expect(socket.shutdown(a, 'read')).to.equal('ok');
    expect(yield* socket.recv(a, 0, 100)).to.deep.equal(['error', 'closed']);
    expect(yield* socket.accept(l, 0)).to.deep.equal(['error', 'timeout']);
    expect(socket.shutdown(l, 'read_write')).to.equal('ok');
    expect(yield* socket.accept(l, 100)).to.deep.equal(['error', 'einval']);
    close_all(l, c, a);
  }));

  it('answers wrong-state calls as OTP does', () => run(function* () {
    const [l, sa] = listener();
    expect(yield* socket.accept(l, 0)).to.deep.equal(['error', 'timeout']); // the listener is now known empty
    expect(yield* socket.send(l, Buffer.from('x'))).to.deep.equal(['error', 'epipe']);
    expect(yield* socket.recv(l, 0, 10)).to.deep.equal(['error', 'enotconn']);
    const n = ok<socket.Socket>(socket.open('inet', 'stream'));
    expect(yield* socket.send(n, Buffer.from('x'))).to.deep.equal(['error', 'epipe']);
    expect(yield* socket.recv(n, 0, 10)).to.deep.equal(['error', 'enotconn']);
    expect(socket.shutdown(n, 'write')).to.deep.equal(['error', 'enotconn']);
    expect(yield* raised_p(() => socket.connect(n))).to.deep.equal(['invalid', 'state']);
    const c = ok<socket.Socket>(socket.open('inet', 'stream'));
    yield* socket.connect(c, sa);
    expect(socket.listen(c)).to.deep.equal(['error', 'einval']);
    expect(socket.bind(c, 'loopback')).to.deep.equal(['error', 'einval']);
    close_all(l, n, c);
  }));

  it('a recv on a listener: enotconn, or {invalid, state} while an accept select is pending (OTP 25)', () => run(function* () {
    const [l] = listener();
    expect(yield* socket.recv(l, 0, 'nowait')).to.deep.equal(['error', 'enotconn']);
    const si = (yield* socket.accept(l, 'nowait')) as ['select', socket.SelectInfo];
    expect(si[0]).to.equal('select');
    const IS = ['error', ['invalid', 'state']];
    expect(yield* socket.recv(l, 0, 'nowait')).to.deep.equal(IS);
    expect(yield* socket.recv(l, 0, 100)).to.deep.equal(IS);
    expect(yield* socket.recvfrom(l, 0, 'nowait')).to.deep.equal(IS);
    expect(yield* socket.recvmsg(l, 'nowait')).to.deep.equal(IS);
    expect(socket.cancel(l, si[1])).to.equal('ok');
    expect(yield* socket.recv(l, 0, 'nowait')).to.deep.equal(['error', 'enotconn']);
    expect(yield* socket.recv(l, 0, 0)).to.deep.equal(['error', 'enotconn']);
    socket.close(l);
  }));

  it('recvfrom, recvmsg and sendmsg on TCP', () => run(function* () {
    const [l, c, a] = yield* pair();
    expect(yield* socket.sendto(c, Buffer.from('x'), ok(socket.sockname(l)))).to.equal('ok');
    yield* sleep(20);
    expect(yield* socket.recvfrom(a, 0, 0)).to.deep.equal(['ok', [{ family: 'unspec', addr: Buffer.alloc(0) }, Buffer.from('x')]]);
    yield* socket.send(c, Buffer.from('msg'));
    expect(yield* socket.recvmsg(a, 100)).to.deep.equal(['ok', { iov: [Buffer.from('msg')], ctrl: [], flags: [] }]);
    expect(yield* socket.sendmsg(c, { iov: [Buffer.from('io'), Buffer.from('vec')] })).to.equal('ok');
    expect(yield* socket.recv(a, 5, 100)).to.deep.equal(['ok', Buffer.from('iovec')]);
    expect(yield* raised_p(() => socket.sendmsg(c, {} as never))).to.equal('badarg');
    expect(yield* socket.sendmsg(c, { iov: 'foo' } as never)).to.deep.equal(['error', ['invalid', ['iov', ['improper_list', 0]]]]);
    close_all(l, c, a);
  }));

  it('answers {error, closed} on a closed socket; info still works', () => run(function* () {
    const s = ok<socket.Socket>(socket.open('inet', 'stream'));
    socket.bind(s, 'loopback');
    expect(socket.close(s)).to.equal('ok');
    expect(socket.close(s)).to.deep.equal(['error', 'closed']);
    const i = socket.info(s);
    expect(i.owner).to.equal('undefined');
    expect(i.rstates).to.deep.equal(['bound', 'closing', 'closed']);
    expect(i.wstates).to.deep.equal(['closing', 'closed']);
    const C = ['error', 'closed'];
    expect(socket.sockname(s)).to.deep.equal(C);
    expect(socket.getopt(s, 'socket', 'type')).to.deep.equal(C);
    expect(socket.setopt(s, 'socket', 'reuseaddr', true)).to.deep.equal(C);
    expect(socket.bind(s, 'any')).to.deep.equal(C);
    expect(socket.listen(s)).to.deep.equal(C);
    expect(yield* socket.send(s, Buffer.from('x'))).to.deep.equal(C);
    expect(yield* socket.recv(s)).to.deep.equal(C);
    expect(yield* socket.accept(s)).to.deep.equal(C);
    expect(yield* socket.connect(s, { family: 'inet', addr: 'loopback', port: 1 })).to.deep.equal(C);
    expect(socket.shutdown(s, 'write')).to.deep.equal(C);
    expect(socket.peername(s)).to.deep.equal(C);
    expect(socket.cancel(s, ['select_info', 'recv', {} as never])).to.deep.equal(C);
    expect(socket.which_sockets()).to.not.include(s);
    expect(raised(() => socket.close('foo' as never))).to.equal('badarg');
  }));

  it('works over ::1', () => run(function* () {
    const [l, c, a] = yield* pair('inet6');
    yield* socket.send(c, Buffer.from('six'));
    expect(yield* socket.recv(a, 3, 1000)).to.deep.equal(['ok', Buffer.from('six')]);
    expect((ok<{ addr: number[] }>(socket.peername(c))).addr).to.deep.equal([0, 0, 0, 0, 0, 0, 0, 1]);
    close_all(l, c, a);
  }));
});
