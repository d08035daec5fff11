// sockets/readiness: reads without a process, and the callback handle on the read queue.
import { expect } from 'chai';
import * as socket from '../../sockets/socket';
import { recv_or_arm, recvfrom_or_arm, recvmsg_or_arm, arm, disarm, is_armed, park_if_drained, ReadyRef } from '../../sockets/readiness';
import { run, receive, after, spawn } from '../../runtime';
import { ok, pair, close_all, open_fds, flush } from '../support/sockets';

const pause = (ms: number) => receive(after(ms, () => 0));

describe('sockets/readiness', () => {
  let fds0 = 0;
  beforeEach(() => { fds0 = open_fds(); });
  afterEach(() => { expect(open_fds(), 'fds leaked').to.equal(fds0); });

  it('reads what is there; parks the handle when empty and calls it once on the next edge', () => run(function* () {
    const [l, c, a] = yield* pair();
    const fired: number[] = [];
    const ref = new ReadyRef((n: number) => fired.push(n), 7);
    expect(recv_or_arm(a, 0, ref)).to.equal('wait');
    expect(is_armed(a, ref)).to.equal(true);
    expect(socket.info(a).num_readers).to.equal(1);
    yield* socket.send(c, 'hi');
    yield* pause(30);
    expect(fired).to.deep.equal([7]);
    expect(is_armed(a, ref)).to.equal(false);
    expect(recv_or_arm(a, 0, ref)).to.deep.equal(['ok', Buffer.from('hi')]);
    expect(recv_or_arm(a, 0, ref)).to.equal('wait');
    disarm(a, ref);
    expect(is_armed(a, ref)).to.equal(false);
    yield* socket.send(c, 'x');
    yield* pause(30);
    expect(fired).to.deep.equal([7]);
    // A process recv still works after the callback left the queue.
    expect(yield* socket.recv(a, 0, 1000)).to.deep.equal(['ok', Buffer.from('x')]);
    close_all(c, a, l);
  }));

  it('park_if_drained parks only after a read drained the socket; short and long reads come back whole', () => run(function* () {
    const [l, c, a] = yield* pair();
    const fired: number[] = [];
    const ref = new ReadyRef((n: number) => fired.push(n), 1);
    const short = Buffer.alloc(100, 7);
    const long = Buffer.from(Array.from({ length: 300 }, (_, i) => i & 255));
    yield* socket.send(c, short);
    yield* pause(30);
    // Believed readable: the caller must read (recv_or_arm), nothing is parked.
    expect(park_if_drained(a, ref)).to.equal(false);
    expect(is_armed(a, ref)).to.equal(false);
    expect(recv_or_arm(a, 0, ref)).to.deep.equal(['ok', short]);
    // The short read drained it: parked without a read, and the next edge calls it once.
    expect(park_if_drained(a, ref)).to.equal(true);
    expect(is_armed(a, ref)).to.equal(true);
    expect(park_if_drained(a, ref)).to.equal(true);
    expect(socket.info(a).num_readers).to.equal(1);
    yield* socket.send(c, long);
    yield* pause(30);
    expect(fired).to.deep.equal([1]);
    expect(recv_or_arm(a, 0, ref)).to.deep.equal(['ok', long]);
    expect(recv_or_arm(a, 0, ref)).to.equal('wait');
    disarm(a, ref);
    socket.close(a);
    expect(park_if_drained(a, ref)).to.equal(false);
    close_all(c, l);
  }));

  it('EOF and close: closed; an armed handle gets no abort message sent anywhere', () => run(function* () {
    const [l, c, a] = yield* pair();
    const ref = new ReadyRef(() => undefined, null);
    expect(arm(a, ref)).to.equal('ok');
    socket.close(a);
    expect(yield* flush()).to.deep.equal([]);
    expect(recv_or_arm(a, 0, ref)).to.deep.equal(['error', 'closed']);
    socket.close(c);
    close_all(l);
    const [l2, c2, a2] = yield* pair();
    socket.close(c2);
    yield* pause(30);
    expect(recv_or_arm(a2, 0, new ReadyRef(() => undefined, null))).to.deep.equal(['error', 'closed']);
    close_all(a2, l2);
  }));

  it('a handle parked behind another process\'s recv fires after it', () => run(function* () {
    const [l, c, a] = yield* pair();
    spawn(function* () { yield* socket.recv(a, 0, 2000); });
    yield* pause(20);
    const fired: string[] = [];
    const ref = new ReadyRef((s: string) => fired.push(s), 'mine');
    expect(recv_or_arm(a, 0, ref)).to.equal('wait');
    yield* socket.send(c, 'first');
    yield* pause(30);
    yield* socket.send(c, 'second');
    yield* pause(30);
    expect(fired).to.deep.equal(['mine']);
    expect(recv_or_arm(a, 0, ref)).to.deep.equal(['ok', Buffer.from('second')]);
    close_all(c, a, l);
  }));

  it('recvfrom_or_arm and recvmsg_or_arm on UDP: source, data, and tos/ttl', () => run(function* () {
    const r = ok<socket.Socket>(socket.open('inet', 'dgram'));
    socket.bind(r, 'loopback');
    const s = ok<socket.Socket>(socket.open('inet', 'dgram'));
    socket.bind(s, 'loopback');
    const dest = ok<socket.SockAddr>(socket.sockname(r));
    const from = ok<socket.SockAddr>(socket.sockname(s));
    const ref = new ReadyRef(() => undefined, null);
    expect(recvfrom_or_arm(r, 0, ref)).to.equal('wait');
    disarm(r, ref);
    yield* socket.sendto(s, 'a', dest);
    yield* pause(20);
    expect(recvfrom_or_arm(r, 0, ref)).to.deep.equal(['ok', [from, Buffer.from('a')]]);
    socket.setopt(r, 'ip', 'recvttl', true);
    yield* socket.sendto(s, 'b', dest);
    yield* pause(20);
    expect(recvmsg_or_arm(r, 0, ref)).to.deep.equal(['ok', { addr: from, data: Buffer.from('b'), ctrl: [['ttl', 64]] }]);
    close_all(r, s);
  }));
});
