// Two processes in accept(L, nowait): the queued one is sent its select message only when a
// connection is there for it, as in OTP 25 (test/otp/19_accept_queue.escript). The same holds for
// a reader queued behind a read that emptied the socket.
import { expect } from 'chai';
import * as socket from '../../sockets/socket';
import { run, spawn, self, send, receive, on, _, after, Proc, Pid } from '../../runtime';
import { ok, listener, pair, close_all, next_msg, flush, reply, sleep, open_fds } from '../support/sockets';

type Socket = socket.Socket;

function* client(sa: socket.SockAddr): Proc<Socket> {
  const c = ok<Socket>(socket.open('inet', 'stream'));
  expect(yield* socket.connect(c, sa, 2000)).to.equal('ok');
  return c;
}

/**
 * A second process calling `call(nowait)` on s: it reports the select it got, then each
 * select message and what its next call returned, until told to stop.
 */
function second(s: Socket, call: () => Proc<unknown>): Pid {
  const parent = self();
  return spawn(function* () {
    send(parent, ['second', yield* call()]);
    for (;;) {
      const m = yield* receive(on(['$socket', s, 'select', _], (x) => x), on('stop', () => 'stop'), after(5000, () => 'stop'));
      if (m === 'stop') break;
      send(parent, ['second_msg', m]);
      const r = yield* call();
      send(parent, ['second_result', r]);
      if (Array.isArray(r) && r[0] === 'ok' && socket.is_socket(r[1])) socket.close(r[1]);
    }
    send(parent, ['stopped', 'ok']);
  });
}

/** A listener where our accept(L, nowait) is current and a second process's is queued behind it. */
function* acceptor_queued(): Proc<{ l: Socket; sa: socket.SockAddr; first: unknown[]; p: Pid }> {
  const [l, sa] = listener();
  const first = yield* socket.accept(l, 'nowait');
  expect(first[0]).to.equal('select');
  const p = second(l, () => socket.accept(l, 'nowait'));
  expect((yield* reply('second')) as unknown[]).to.have.property('0', 'select');
  return { l, sa, first, p };
}

/**
 * A connected pair where our recv(A, len, nowait) is current and a second process's
 * recv(A, 0, nowait) is queued behind it; then 'abcd' is sent and our select message comes.
 */
function* reader_queued(len: number): Proc<{ l: Socket; c: Socket; a: Socket; r1: unknown[]; p: Pid }> {
  const [l, c, a] = yield* pair();
  const r1 = yield* socket.recv(a, len, 'nowait');
  expect(r1[0]).to.equal('select');
  const p = second(a, () => socket.recv(a, 0, 'nowait'));
  expect((yield* reply('second')) as unknown[]).to.have.property('0', 'select');
  expect(yield* socket.send(c, Buffer.from('abcd'))).to.equal('ok');
  expect(yield* next_msg(3000)).to.have.property('2', 'select');
  return { l, c, a, r1, p };
}

describe('sockets/socket: a queued waiter is told only when there is something for it', () => {
  let fds0 = 0;
  beforeEach(() => { fds0 = open_fds(); });
  afterEach(() => { expect(open_fds(), 'fds leaked').to.equal(fds0); });

  it('accept: one connection wakes the current acceptor only; the next one wakes the queued', () => run(function* () {
    const { l, sa, first, p } = yield* acceptor_queued();
    const c1 = yield* client(sa);
    expect(yield* next_msg(3000)).to.deep.equal(['$socket', l, 'select', (first[1] as unknown[])[2]]);
    const a1 = ok<Socket>(yield* socket.accept(l, 'nowait'));
    expect(yield* reply('second_msg', 300), 'no select without a connection').to.equal('none');
    const c2 = yield* client(sa);
    expect(yield* reply('second_msg', 3000)).to.have.property('2', 'select');
    expect(yield* reply('second_result', 3000)).to.have.property('0', 'ok');
    send(p, 'stop');
    expect(yield* reply('stopped')).to.equal('ok');
    expect(socket.info(l).counters.acc_success).to.equal(2);
    expect(yield* flush()).to.deep.equal([]);
    close_all(c1, c2, a1, l);
  }));

  it('accept: with two connections pending, the queued acceptor is told after the first accept', () => run(function* () {
    const { l, sa, first, p } = yield* acceptor_queued();
    const c1 = yield* client(sa);
    const c2 = yield* client(sa);
    yield* sleep(30);
    expect(yield* next_msg(3000)).to.deep.equal(['$socket', l, 'select', (first[1] as unknown[])[2]]);
    const a1 = ok<Socket>(yield* socket.accept(l, 'nowait'));
    expect(yield* reply('second_msg', 3000)).to.have.property('2', 'select');
    expect(yield* reply('second_result', 3000)).to.have.property('0', 'ok');
    send(p, 'stop');
    expect(yield* reply('stopped')).to.equal('ok');
    expect(yield* flush()).to.deep.equal([]);
    close_all(c1, c2, a1, l);
  }));

  it('recv: when the current reader cancels with data there, the queued one is told', () => run(function* () {
    const { l, c, a, r1, p } = yield* reader_queued(0);
    expect(socket.cancel(a, r1[1] as socket.SelectInfo)).to.equal('ok');
    expect(yield* reply('second_msg', 3000)).to.have.property('2', 'select');
    expect(yield* reply('second_result', 3000)).to.deep.equal(['ok', Buffer.from('abcd')]);
    send(p, 'stop');
    expect(yield* reply('stopped')).to.equal('ok');
    expect(yield* flush()).to.deep.equal([]);
    close_all(l, c, a);
  }));

  it('recv: a reader queued behind a read that took everything hears nothing until data comes', () => run(function* () {
    // A read of exactly what is there: the socket may or may not be empty after it.
    const { l, c, a, p } = yield* reader_queued(4);
    expect(yield* socket.recv(a, 4, 'nowait')).to.deep.equal(['ok', Buffer.from('abcd')]);
    expect(yield* reply('second_msg', 300), 'no select without data').to.equal('none');
    expect(yield* socket.send(c, Buffer.from('ef'))).to.equal('ok');
    expect(yield* reply('second_msg', 3000)).to.have.property('2', 'select');
    expect(yield* reply('second_result', 3000)).to.deep.equal(['ok', Buffer.from('ef')]);
    send(p, 'stop');
    expect(yield* reply('stopped')).to.equal('ok');
    close_all(l, c, a);
  }));
});
