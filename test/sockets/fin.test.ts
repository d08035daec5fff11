// Every read call when the peer's data and FIN are already queued, and when the FIN comes
// while the call waits: OTP 25's answers (test/otp/21_fin_queued.escript). The FIN can come in the
// same readiness edge as the data, so no later edge announces it: erlsock must know of the
// hang-up from that edge, or a read for more than the data would wait forever.
import { expect } from 'chai';
import * as sinon from 'sinon';
import * as socket from '../../sockets/socket';
import * as prim from '../../sockets/prim_socket';
import { run, Proc, spawn, Ref } from '../../runtime';
import { ok, listener, close_all, next_msg, flush, sleep, open_fds } from '../support/sockets';

type Socket = socket.Socket;
const UNSPEC = { family: 'unspec', addr: Buffer.alloc(0) };
const AB = Buffer.from('ab');

/** A connected pair, the listener closed: [client, accepted]. */
function* pair2(): Proc<[Socket, Socket]> {
  const [l, sa] = listener();
  const c = ok<Socket>(socket.open('inet', 'stream'));
  expect(yield* socket.connect(c, sa, 2000)).to.equal('ok');
  const a = ok<Socket>(yield* socket.accept(l, 2000));
  socket.close(l);
  return [c, a];
}

/** The accepted end after the peer sent "ab" and closed, both arrived. */
function* queued(): Proc<Socket> {
  const [c, a] = yield* pair2();
  expect(yield* socket.send(c, AB)).to.equal('ok');
  socket.close(c);
  yield* sleep(30);
  return a;
}

/** The accepted end; the peer sends "ab" `ms` from now, and closes `gap` ms after that. */
function* later(ms = 50, gap = 0): Proc<Socket> {
  const [c, a] = yield* pair2();
  spawn(function* () {
    yield* sleep(ms);
    yield* socket.send(c, AB);
    if (gap > 0) yield* sleep(gap);
    socket.close(c);
  });
  return a;
}

/** Runs a call and checks it answered before `ms`. */
function* quick<T>(call: () => Proc<T>, ms = 1000): Proc<T> {
  const t0 = Date.now();
  const r = yield* call();
  expect(Date.now() - t0, 'answered at once').to.be.below(ms);
  return r;
}

const msg = (iov: Buffer[]): socket.MsgRecv => ({ iov, ctrl: [], flags: [] });

/** recvmsg(S, T) on one socket made by open, recvmsg(S, 5, 0, T) on another: AB, then closed. */
function* recvmsg_both_forms(open: () => Proc<Socket>, t: number | 'infinity' | 'nowait'): Proc<void> {
  const a = yield* open();
  expect(yield* quick(() => socket.recvmsg(a, t))).to.deep.equal(['ok', msg([AB])]);
  expect(yield* quick(() => socket.recvmsg(a, t))).to.deep.equal(['error', 'closed']);
  const b = yield* open();
  expect(yield* quick(() => socket.recvmsg(b, 5, 0, t))).to.deep.equal(['ok', msg([AB])]);
  expect(yield* quick(() => socket.recvmsg(b, 5, 0, t))).to.deep.equal(['error', 'closed']);
  close_all(a, b);
}

function si_of(r: unknown): socket.SelectInfo<Ref> {
  const t = r as unknown[];
  expect(t[0]).to.equal('select');
  const v = t[1] as unknown[];
  return (v[0] === 'select_info' ? v : v[0]) as socket.SelectInfo<Ref>;
}

describe('sockets/socket: the peer\'s FIN with or after its last data', () => {
  let fds0 = 0;
  beforeEach(() => { fds0 = open_fds(); });
  afterEach(() => { expect(open_fds(), 'fds leaked').to.equal(fds0); });

  describe('data and FIN queued before the call', () => {
    for (const t of [2000, 'infinity'] as const) {
      it(`recv(S, 5, ${t}) is {error, {closed, Data}} at once, then {error, closed}`, () => run(function* () {
        const a = yield* queued();
        expect(yield* quick(() => socket.recv(a, 5, t))).to.deep.equal(['error', ['closed', AB]]);
        expect(yield* quick(() => socket.recv(a, 5, t))).to.deep.equal(['error', 'closed']);
        close_all(a);
      }));
    }

    it('recv(S, 5, T) called in the same turn as the peer\'s close, before any edge', () => run(function* () {
      for (const t of [2000, 'nowait'] as const) {
        const [c, a] = yield* pair2();
        expect(yield* socket.send(c, AB)).to.equal('ok');
        socket.close(c);
        const r = yield* quick(() => socket.recv(a, 5, t));
        if (t === 'nowait') {
          const si = si_of(r);
          expect(r).to.deep.equal(['select', [si, AB]]);
          expect(yield* next_msg(1000)).to.deep.equal(['$socket', a, 'select', si[2]]);
          expect(yield* socket.recv(a, 5, 'nowait')).to.deep.equal(['error', 'closed']);
        } else expect(r).to.deep.equal(['error', ['closed', AB]]);
        expect(yield* flush()).to.deep.equal([]);
        close_all(a);
      }
    }));

    it('recv(S, 5, 0) is {ok, Data}, then {error, closed}', () => run(function* () {
      const a = yield* queued();
      expect(yield* socket.recv(a, 5, 0)).to.deep.equal(['ok', AB]);
      expect(yield* socket.recv(a, 5, 0)).to.deep.equal(['error', 'closed']);
      close_all(a);
    }));

    for (const [len, t] of [[0, 2000], [0, 'infinity'], [2, 2000], [0, 0]] as const) {
      it(`recv(S, ${len}, ${t}) is {ok, Data}, then {error, closed}`, () => run(function* () {
        const a = yield* queued();
        expect(yield* quick(() => socket.recv(a, len, t))).to.deep.equal(['ok', AB]);
        expect(yield* quick(() => socket.recv(a, len, t))).to.deep.equal(['error', 'closed']);
        close_all(a);
      }));
    }

    it('recv(S, 5, nowait) is a select with the data, its message comes at once, then {error, closed}', () => run(function* () {
      const a = yield* queued();
      const r = yield* socket.recv(a, 5, 'nowait');
      const si = si_of(r);
      expect(r).to.deep.equal(['select', [si, AB]]);
      expect(yield* next_msg(1000)).to.deep.equal(['$socket', a, 'select', si[2]]);
      expect(yield* socket.recv(a, 5, 'nowait')).to.deep.equal(['error', 'closed']);
      expect(yield* flush()).to.deep.equal([]);
      close_all(a);
    }));

    it('recv(S, 0, nowait) is {ok, Data}, then {error, closed}, no message', () => run(function* () {
      const a = yield* queued();
      expect(yield* socket.recv(a, 0, 'nowait')).to.deep.equal(['ok', AB]);
      expect(yield* socket.recv(a, 0, 'nowait')).to.deep.equal(['error', 'closed']);
      expect(yield* flush()).to.deep.equal([]);
      close_all(a);
    }));

    for (const len of [0, 5]) {
      for (const t of [2000, 'infinity', 'nowait'] as const) {
        it(`recvfrom(S, ${len}, ${t}) is {ok, {unspec, Data}}, then {error, closed}`, () => run(function* () {
          const a = yield* queued();
          expect(yield* quick(() => socket.recvfrom(a, len, t))).to.deep.equal(['ok', [UNSPEC, AB]]);
          expect(yield* quick(() => socket.recvfrom(a, len, t))).to.deep.equal(['error', 'closed']);
          expect(yield* flush()).to.deep.equal([]);
          close_all(a);
        }));
      }
    }

    for (const t of [2000, 'infinity', 'nowait'] as const) {
      it(`recvmsg(S, ${t}) and recvmsg(S, 5, 0, ${t}) give the data, then {error, closed}`, () => run(function* () {
        yield* recvmsg_both_forms(queued, t);
        expect(yield* flush()).to.deep.equal([]);
      }));
    }
  });

  describe('syscalls', () => {
    afterEach(() => sinon.restore());

    for (const [call, len] of [['recv', 0], ['recv', 5], ['recvmsg', 0]] as const) {
      it(`${call}(S, ${len}): the data in one syscall, then closed from the FIN's edge without one`, () => run(function* () {
        const a = yield* queued();
        // socket:recv reads through recv_slab (prim.recv's int32-slot form, into the read
        // slab), or recv_at for a read larger than a slab read.
        const recv_slab = sinon.spy(prim, 'recv_slab');
        const recv_at = sinon.spy(prim, 'recv_at');
        const recv = { get callCount(): number { return recv_slab.callCount + recv_at.callCount; } };
        const recvmsg = sinon.spy(prim, 'recvmsg');
        const read = (): Proc<unknown> => call === 'recv' ? socket.recv(a, len, 1000) : socket.recvmsg(a, 1000);
        const r = yield* read();
        expect(r).to.deep.equal(call === 'recvmsg' ? ['ok', msg([AB])] : len === 5 ? ['error', ['closed', AB]] : ['ok', AB]);
        expect(recv.callCount + recvmsg.callCount, 'syscalls for the data').to.equal(1);
        expect(yield* read()).to.deep.equal(['error', 'closed']);
        expect(yield* read()).to.deep.equal(['error', 'closed']);
        expect(recv.callCount + recvmsg.callCount, 'syscalls in all').to.equal(1);
        close_all(a);
      }));
    }

    for (const len of [0, 5]) {
      it(`recv(S, ${len}) after data and a reset: the kernel reports the reset, then closed`, () => run(function* () {
        const [c, a] = yield* pair2();
        expect(yield* socket.send(c, AB)).to.equal('ok');
        yield* sleep(20);
        expect(socket.setopt(c, 'socket', 'linger', { onoff: true, linger: 0 })).to.equal('ok');
        socket.close(c); // linger 0: a reset, not a FIN
        yield* sleep(30);
        if (len === 0) {
          expect(yield* socket.recv(a, 0, 1000)).to.deep.equal(['ok', AB]);
          expect(yield* socket.recv(a, 0, 1000)).to.deep.equal(['error', 'econnreset']);
        } else expect(yield* socket.recv(a, 5, 1000)).to.deep.equal(['error', ['econnreset', AB]]);
        expect(yield* socket.recv(a, len, 1000)).to.deep.equal(['error', 'closed']);
        close_all(a);
      }));
    }
  });

  describe('the FIN arrives while the call waits', () => {
    for (const t of [2000, 'infinity'] as const) {
      it(`recv(S, 5, ${t}) is {error, {closed, Data}} at once`, () => run(function* () {
        const a = yield* later();
        expect(yield* quick(() => socket.recv(a, 5, t))).to.deep.equal(['error', ['closed', AB]]);
        expect(yield* quick(() => socket.recv(a, 5, t))).to.deep.equal(['error', 'closed']);
        close_all(a);
      }));
      it(`recv(S, 5, ${t}) is {error, {closed, Data}} when the FIN comes well after the data`, () => run(function* () {
        const a = yield* later(20, 80);
        expect(yield* quick(() => socket.recv(a, 5, t))).to.deep.equal(['error', ['closed', AB]]);
        close_all(a);
      }));
      it(`recv(S, 0, ${t}) is {ok, Data}, then {error, closed}`, () => run(function* () {
        const a = yield* later();
        expect(yield* quick(() => socket.recv(a, 0, t))).to.deep.equal(['ok', AB]);
        expect(yield* quick(() => socket.recv(a, 0, t))).to.deep.equal(['error', 'closed']);
        close_all(a);
      }));
      it(`recvfrom(S, 5, ${t}) is {ok, {unspec, Data}}, then {error, closed}`, () => run(function* () {
        const a = yield* later();
        expect(yield* quick(() => socket.recvfrom(a, 5, t))).to.deep.equal(['ok', [UNSPEC, AB]]);
        expect(yield* quick(() => socket.recvfrom(a, 5, t))).to.deep.equal(['error', 'closed']);
        close_all(a);
      }));
      it(`recvmsg(S, ${t}) and recvmsg(S, 5, 0, ${t}) give the data, then {error, closed}`, () => run(function* () {
        yield* recvmsg_both_forms(later, t);
      }));
    }

    for (const [call, len] of [['recv', 0], ['recv', 5], ['recvfrom', 0], ['recvmsg', 0]] as const) {
      it(`${call}(S, ${len}, nowait): a select, its message when the data comes, the data, then closed`, () => run(function* () {
        const a = yield* later();
        const read = (): Proc<unknown> => call === 'recv' ? socket.recv(a, len, 'nowait')
          : call === 'recvfrom' ? socket.recvfrom(a, len, 'nowait') : socket.recvmsg(a, 'nowait');
        const si = si_of(yield* read());
        expect(si[1]).to.equal(call);
        expect(yield* next_msg(2000)).to.deep.equal(['$socket', a, 'select', si[2]]);
        yield* sleep(30); // the FIN too has arrived
        const data = call === 'recv' ? AB : call === 'recvfrom' ? [UNSPEC, AB] : msg([AB]);
        const r = yield* read();
        if (len === 5) {
          // The short read hands the data back with a new select, whose message comes at once.
          const si2 = si_of(r);
          expect(r).to.deep.equal(['select', [si2, AB]]);
          expect(yield* next_msg(1000)).to.deep.equal(['$socket', a, 'select', si2[2]]);
        } else expect(r).to.deep.equal(['ok', data]);
        expect(yield* read()).to.deep.equal(['error', 'closed']);
        expect(yield* flush()).to.deep.equal([]);
        close_all(a);
      }));
    }
  });
});
