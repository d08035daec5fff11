// UDP over 127.0.0.1 and ::1 (docs/OTP25_BEHAVIOUR.md sections 2.7-2.11, test/otp/ 05 and 11): datagrams, truncation,
// recvmsg maps and control messages, nowait tags, connected UDP, errors.
import { expect } from 'chai';
import * as socket from '../../sockets/socket';
import { run } from '../../runtime';
import { ok, close_all, raised_p, next_msg, flush, open_fds, in_other, reply, sleep } from '../support/sockets';

function udp(domain: 'inet' | 'inet6' = 'inet'): [socket.Socket, socket.SockAddr] {
  const s = ok<socket.Socket>(socket.open(domain, 'dgram'));
  expect(socket.bind(s, 'loopback')).to.equal('ok');
  return [s, ok<socket.SockAddr>(socket.sockname(s))];
}

describe('sockets/socket: UDP', () => {
  let fds0 = 0;
  beforeEach(() => { fds0 = open_fds(); });
  afterEach(() => { expect(open_fds(), 'fds leaked').to.equal(fds0); });

  it('sendto/recvfrom with every argument form', () => run(function* () {
    const [s1, sa1] = udp();
    const [s2, sa2] = udp();
    expect(yield* socket.sendto(s2, Buffer.from('dgram1'), sa1)).to.equal('ok');
    expect(yield* socket.recvfrom(s1)).to.deep.equal(['ok', [sa2, Buffer.from('dgram1')]]);
    expect(yield* socket.sendto(s2, Buffer.from('dgram2'), sa1, 1000)).to.equal('ok');
    expect(yield* socket.sendto(s2, [Buffer.from('io'), 'list'], sa1, [], 'infinity')).to.equal('ok');
    expect(yield* socket.recvfrom(s1, 0, 1000)).to.deep.equal(['ok', [sa2, Buffer.from('dgram2')]]);
    expect(yield* socket.recvfrom(s1, 0, [], 1000)).to.deep.equal(['ok', [sa2, Buffer.from('iolist')]]);
    expect(yield* socket.recvfrom(s1, 0, 100)).to.deep.equal(['error', 'timeout']);
    close_all(s1, s2);
  }));

  it('one datagram per recv: Length truncates and discards the rest; peek; empty datagrams', () => run(function* () {
    const [s1, sa1] = udp();
    const [s2, sa2] = udp();
    yield* socket.sendto(s2, Buffer.from('0123456789'), sa1);
    expect(yield* socket.recvfrom(s1, 4, 1000)).to.deep.equal(['ok', [sa2, Buffer.from('0123')]]);
    expect(yield* socket.recvfrom(s1, 0, 100)).to.deep.equal(['error', 'timeout']);
    yield* socket.sendto(s2, Buffer.from('0123456789'), sa1);
    yield* socket.sendto(s2, Buffer.from('next'), sa1);
    expect(yield* socket.recv(s1, 3, 1000)).to.deep.equal(['ok', Buffer.from('012')]);
    expect(yield* socket.recv(s1, 0, 1000)).to.deep.equal(['ok', Buffer.from('next')]);
    yield* socket.sendto(s2, Buffer.from('peekme'), sa1);
    expect(yield* socket.recvfrom(s1, 0, ['peek'], 1000)).to.deep.equal(['ok', [sa2, Buffer.from('peekme')]]);
    expect(yield* socket.recvfrom(s1, 0, [], 1000)).to.deep.equal(['ok', [sa2, Buffer.from('peekme')]]);
    yield* socket.sendto(s2, Buffer.alloc(0), sa1);
    expect(yield* socket.recvfrom(s1, 0, 1000)).to.deep.equal(['ok', [sa2, Buffer.alloc(0)]]);
    // Larger than {otp, rcvbuf}: silently cut to 8192 by recv(S, 0); recvmsg says trunc.
    yield* socket.sendto(s2, Buffer.alloc(10000, 1), sa1);
    expect((ok<Buffer>(yield* socket.recv(s1, 0, 1000))).length).to.equal(8192);
    yield* socket.sendto(s2, Buffer.alloc(10000, 1), sa1);
    const m = ok<socket.MsgRecv>(yield* socket.recvmsg(s1, 1000));
    expect([m.iov[0]!.length, m.flags]).to.deep.equal([8192, ['trunc']]);
    yield* socket.sendto(s2, Buffer.alloc(10000, 1), sa1);
    const big = ok<[socket.SockAddr, Buffer]>(yield* socket.recvfrom(s1, 20000, 1000));
    expect(big[1].length).to.equal(10000);
    close_all(s1, s2);
  }));

  it('recvmsg and sendmsg maps, with control messages', () => run(function* () {
    const [s1, sa1] = udp();
    const [s2, sa2] = udp();
    expect(yield* socket.sendmsg(s2, { addr: sa1, iov: [Buffer.from('ab'), Buffer.from('cd')] })).to.equal('ok');
    expect(yield* socket.recvmsg(s1)).to.deep.equal(['ok', { addr: sa2, ctrl: [], flags: [], iov: [Buffer.from('abcd')] }]);
    yield* socket.sendto(s2, Buffer.from('0123456789'), sa1);
    expect(yield* socket.recvmsg(s1, 4, 0, [], 1000)).to.deep.equal(['ok', { addr: sa2, ctrl: [], flags: ['trunc'], iov: [Buffer.from('0123')] }]);
    yield* socket.sendto(s2, Buffer.from('0123456789'), sa1);
    expect(yield* socket.recvmsg(s1, 0, 64, [], 1000)).to.deep.equal(['ok', { addr: sa2, ctrl: [], flags: [], iov: [Buffer.from('0123456789')] }]);
    expect(yield* socket.recvmsg(s1, 100)).to.deep.equal(['error', 'timeout']);
    expect(yield* socket.recvmsg(s1, [], 100)).to.deep.equal(['error', 'timeout']);
    expect(socket.setopt(s1, 'ip', 'pktinfo', true)).to.equal('ok');
    yield* socket.sendto(s2, Buffer.from('ctrl'), sa1);
    const r = ok<socket.MsgRecv>(yield* socket.recvmsg(s1, 1000));
    expect(r.ctrl).to.deep.equal([{
      level: 'ip', type: 'pktinfo', data: Buffer.from([1, 0, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1]),
      value: { ifindex: 1, spec_dst: [127, 0, 0, 1], addr: [127, 0, 0, 1] },
    }]);
    socket.setopt(s1, 'ip', 'pktinfo', false);
    expect(socket.setopt(s1, 'ip', 'recvttl', true)).to.equal('ok');
    expect(yield* socket.sendmsg(s2, { addr: sa1, iov: [Buffer.from('ttl')], ctrl: [{ level: 'ip', type: 'ttl', value: 7 }] })).to.equal('ok');
    expect(yield* socket.recvmsg(s1, 1000)).to.deep.equal(['ok', {
      addr: sa2, ctrl: [{ data: Buffer.from([7, 0, 0, 0]), level: 'ip', type: 'ttl', value: 7 }], flags: [], iov: [Buffer.from('ttl')],
    }]);
    socket.setopt(s1, 'ip', 'recvttl', false);
    expect(socket.setopt(s1, 'socket', 'timestamp', true)).to.equal('ok');
    yield* socket.sendto(s2, Buffer.from('ts'), sa1);
    const ts = ok<socket.MsgRecv>(yield* socket.recvmsg(s1, 1000));
    const c0 = ts.ctrl[0] as { level: string; type: string; value: { sec: number; usec: number } };
    expect([c0.level, c0.type]).to.deep.equal(['socket', 'timestamp']);
    expect(Math.abs(c0.value.sec - Date.now() / 1000)).to.be.below(5);
    close_all(s1, s2);
  }));

  it('nowait tags recvfrom, recvmsg, recv; UDP sends never block', () => run(function* () {
    const [s1, sa1] = udp();
    const [s2, sa2] = udp();
    const r = (yield* socket.recvfrom(s1, 0, 'nowait')) as ['select', ['select_info', string, unknown]];
    expect(r[1][1]).to.equal('recvfrom');
    yield* socket.sendto(s2, Buffer.from('nw'), sa1);
    expect(yield* next_msg()).to.deep.equal(['$socket', s1, 'select', r[1][2]]);
    expect(yield* socket.recvfrom(s1, 0, 'nowait')).to.deep.equal(['ok', [sa2, Buffer.from('nw')]]);
    const r2 = (yield* socket.recvmsg(s1, 0, 0, [], 'nowait')) as ['select', ['select_info', string, unknown]];
    expect(r2[1][1]).to.equal('recvmsg');
    yield* socket.sendto(s2, Buffer.from('nw2'), sa1);
    expect(yield* next_msg()).to.deep.equal(['$socket', s1, 'select', r2[1][2]]);
    expect(yield* socket.recvmsg(s1, 0, 0, [], 'nowait')).to.deep.equal(['ok', { addr: sa2, ctrl: [], flags: [], iov: [Buffer.from('nw2')] }]);
    expect(yield* socket.sendto(s2, Buffer.from('nw4'), sa1, 'nowait')).to.equal('ok');
    expect(yield* socket.sendmsg(s2, { addr: sa1, iov: [Buffer.from('nw5')] }, 'nowait')).to.equal('ok');
    expect(yield* socket.recvfrom(s1, 0, 100)).to.deep.equal(['ok', [sa2, Buffer.from('nw4')]]);
    expect(yield* socket.recvfrom(s1, 0, 100)).to.deep.equal(['ok', [sa2, Buffer.from('nw5')]]);
    expect(yield* flush()).to.deep.equal([]);
    close_all(s1, s2);
  }));

  it('connected UDP, ICMP refusal, and the unconnected errors', () => run(function* () {
    const [s1, sa1] = udp();
    const [s2, sa2] = udp();
    expect(yield* socket.connect(s2, sa1)).to.equal('ok');
    expect(socket.peername(s2)).to.deep.equal(['ok', sa1]);
    expect(yield* socket.send(s2, Buffer.from('conn'))).to.equal('ok');
    expect(yield* socket.recvfrom(s1, 0, 1000)).to.deep.equal(['ok', [sa2, Buffer.from('conn')]]);
    yield* socket.sendto(s1, Buffer.from('back'), sa2);
    expect(yield* socket.recv(s2, 0, 1000)).to.deep.equal(['ok', Buffer.from('back')]);

    const [s3, sa3] = udp();
    socket.close(s3);
    const [s4] = udp();
    expect(yield* socket.connect(s4, sa3)).to.equal('ok');
    expect(yield* socket.send(s4, Buffer.from('nobody'))).to.equal('ok');
    expect(yield* socket.recv(s4, 0, 200)).to.deep.equal(['error', 'econnrefused']);

    const s5 = ok<socket.Socket>(socket.open('inet', 'dgram'));
    expect(yield* socket.send(s5, Buffer.from('x'))).to.deep.equal(['error', 'edestaddrreq']);
    expect(yield* socket.recv(s5, 0, 50)).to.deep.equal(['error', 'timeout']);
    expect(yield* socket.sendto(s5, Buffer.from('x'), { family: 'inet6', addr: 'loopback', port: 9 })).to.deep.equal(['error', 'eafnosupport']);
    expect(yield* raised_p(() => socket.sendto(s5, Buffer.from('x'), 'foo' as never))).to.deep.equal(['invalid', ['sockaddr', 'foo']]);
    expect(yield* socket.sendto(s5, Buffer.alloc(70000, 1), sa1)).to.deep.equal(['error', 'emsgsize']);
    expect(yield* socket.sendto(s5, Buffer.from('x'), { family: 'inet', addr: 'broadcast', port: 9 })).to.deep.equal(['error', 'eacces']);
    expect(socket.listen(s5)).to.deep.equal(['error', 'enotsup']);
    expect(yield* socket.accept(s5, 0)).to.deep.equal(['error', 'enotsup']);
    expect(socket.shutdown(s5, 'write')).to.deep.equal(['error', 'enotconn']);
    close_all(s1, s2, s4, s5);
  }));

  it('a blocked recvfrom gets {error, closed} when another process closes; inet6 works', () => run(function* () {
    const [s1, sa1] = udp('inet6');
    const [s2, sa2] = udp('inet6');
    yield* socket.sendto(s2, Buffer.from('six'), sa1);
    expect(yield* socket.recvfrom(s1, 0, 1000)).to.deep.equal(['ok', [sa2, Buffer.from('six')]]);
    in_other('blk', () => socket.recvfrom(s1, 0, 'infinity'));
    yield* sleep(20);
    socket.close(s1);
    expect(yield* reply('blk')).to.deep.equal(['error', 'closed']);
    close_all(s2);
  }));
});
