// Ownership (docs/OTP25_BEHAVIOUR.md section 3, test/otp/ 04, 14, 16): the controlling process, the not_owner
// error, the 'owner' alias, owner death closing the socket, waiter death.
import { expect } from 'chai';
import * as socket from '../../sockets/socket';
import { run, self, spawn, spawn_monitor, exit, receive, on, after, _, Pid, send } from '../../runtime';
import { ok, listener, pair, close_all, next_msg, in_other, reply, sleep, open_fds, flush } from '../support/sockets';

describe('sockets/socket: ownership', () => {
  let fds0 = 0;
  beforeEach(() => { fds0 = open_fds(); });
  afterEach(() => { expect(open_fds(), 'fds leaked').to.equal(fds0); });

  it('the opener owns; only the owner transfers; others get {invalid, not_owner}', () => run(function* () {
    const [l, c, a] = yield* pair();
    expect(socket.getopt(a, 'otp', 'controlling_process')).to.deep.equal(['ok', self()]);
    in_other('x', function* () { return socket.setopt(a, 'otp', 'controlling_process', self()); });
    expect(yield* reply('x')).to.deep.equal(['error', ['invalid', 'not_owner']]);
    // Everything else works from a non-owner.
    in_other('y', function* () {
      return [
        socket.getopt(a, 'otp', 'controlling_process'),
        socket.setopt(a, 'socket', 'keepalive', true),
        socket.setopt(a, 'otp', 'rcvbuf', 4096),
        yield* socket.send(a, Buffer.from('from-other')),
      ];
    });
    expect(yield* reply('y')).to.deep.equal([['ok', self()], 'ok', 'ok', 'ok']);
    expect(yield* socket.recv(c, 0, 500)).to.deep.equal(['ok', Buffer.from('from-other')]);
    expect(socket.setopt(a, 'otp', 'controlling_process', 'foo')).to.deep.equal(
      ['error', ['invalid', ['socket_option', ['otp', 'controlling_process'], 'foo']]]);
    expect(socket.setopt(a, 'otp', 'controlling_process', self())).to.equal('ok');
    const parent = self();
    const p1 = spawn(function* () {
      yield* receive(on('go', () => 0));
      send(parent, ['back', socket.setopt(a, 'otp', 'controlling_process', parent)]);
      yield* receive(after(200));
    });
    expect(socket.setopt(a, ['otp', 'controlling_process'], p1)).to.equal('ok');
    expect(socket.getopt(a, 'otp', 'controlling_process')).to.deep.equal(['ok', p1]);
    expect(socket.which_sockets(p1)).to.deep.equal([a]);
    expect(socket.setopt(a, 'otp', 'controlling_process', self())).to.deep.equal(['error', ['invalid', 'not_owner']]);
    send(p1, 'go');
    expect(yield* reply('back')).to.equal('ok');
    expect(socket.getopt(a, 'otp', 'controlling_process')).to.deep.equal(['ok', self()]);
    yield* sleep(250); // p1 has exited: a stays open, owned by us
    expect(socket.is_open(a)).to.equal(true);
    close_all(l, c, a);
  }));

  it("accepts 'owner' as the alias of controlling_process, both ways (erlsock's extension)", () => run(function* () {
    const [l, c, a] = yield* pair();
    const p = spawn(function* () { yield* receive(on('stop', () => 0)); });
    expect(socket.setopt(a, 'otp', 'owner', p)).to.equal('ok');
    expect(socket.getopt(a, 'otp', 'controlling_process')).to.deep.equal(['ok', p]);
    // getopt reads the alias too (OTP 25 answers {error, {invalid, {socket_option, {otp, owner}}}}).
    expect(socket.getopt(a, 'otp', 'owner')).to.deep.equal(['ok', p]);
    expect(socket.getopt(a, ['otp', 'owner'])).to.deep.equal(['ok', p]);
    send(p, 'stop');
    expect(yield* socket.recv(c, 0, 1000)).to.deep.equal(['error', 'closed']); // new owner's exit closed it
    expect(socket.info(a).owner).to.equal('undefined');
    close_all(l, c);
  }));

  it('owner death (normal or killed) closes the socket: peer, waiters, registry, monitors', () => run(function* () {
    const [l, sa] = listener();
    const parent = self();
    const [owner, mref] = spawn_monitor(function* () {
      const c = ok<socket.Socket>(socket.open('inet', 'stream'));
      yield* socket.connect(c, sa);
      send(parent, ['sock', c]);
      yield* receive(on('die', () => 0));
    });
    const a = ok<socket.Socket>(yield* socket.accept(l));
    const c = (yield* reply('sock')) as socket.Socket;
    const mon = socket.monitor(c);
    // a non-owner waits nowait, another blocks
    in_other('nowaiter', function* () {
      const r = yield* socket.recv(c, 0, 'nowait');
      send(parent, ['nw_first', r]);
      return yield* next_msg(2000);
    });
    const nw = (yield* reply('nw_first')) as ['select', ['select_info', string, unknown]];
    in_other('blocked', () => socket.accept(l, 2000)); // unrelated blocked acceptor stays
    expect(socket.which_sockets(owner)).to.deep.equal([c]);
    send(owner, 'die');
    expect(yield* receive(on(['DOWN', mref, _, _, _], (m) => m[4]), after(1000, () => 'none'))).to.equal('normal');
    expect(yield* reply('nowaiter')).to.deep.equal(['$socket', c, 'abort', [nw[1][2], 'closed']]);
    expect(yield* receive(on(['DOWN', mon, 'socket', c, 'closed'], () => 'down'), after(1000, () => 'none'))).to.equal('down');
    const i = socket.info(c);
    expect(i.owner).to.equal('undefined');
    expect(i.wstates.slice(-2)).to.deep.equal(['closing', 'closed']);
    expect(socket.which_sockets()).to.not.include(c);
    expect(yield* socket.recv(a, 0, 500)).to.deep.equal(['error', 'closed']); // the peer sees EOF
    expect(yield* reply('blocked')).to.deep.equal(['error', 'timeout']);

    // killed owner of a listener: a blocked acceptor elsewhere gets {error, closed}; connects are refused
    const [lowner, lref] = spawn_monitor(function* () {
      const [l2, sa2] = listener();
      send(parent, ['l2', [l2, sa2]]);
      yield* receive(on('never', () => 0));
    });
    const [l2, sa2] = (yield* reply('l2')) as [socket.Socket, socket.SockAddr];
    in_other('acc6', () => socket.accept(l2, 'infinity'));
    yield* sleep(20);
    exit(lowner, 'kill');
    yield* receive(on(['DOWN', lref, _, _, _], () => 0), after(1000, () => 0));
    expect(yield* reply('acc6')).to.deep.equal(['error', 'closed']);
    const c6 = ok<socket.Socket>(socket.open('inet', 'stream'));
    expect(yield* socket.connect(c6, sa2)).to.deep.equal(['error', 'econnrefused']);
    close_all(l, a, c6);
  }));

  it('a dead owner with unread data: the peer sees econnreset, then epipe', () => run(function* () {
    const [l, sa] = listener();
    const parent = self();
    const p = spawn(function* () {
      const s = ok<socket.Socket>(yield* socket.accept(l));
      send(parent, ['acc', s]);
      yield* receive(on('die', () => 0));
    });
    const c = ok<socket.Socket>(socket.open('inet', 'stream'));
    yield* socket.connect(c, sa);
    const a = (yield* reply('acc')) as socket.Socket;
    expect(socket.getopt(a, 'otp', 'controlling_process')).to.deep.equal(['ok', p]); // the acceptor owns
    yield* socket.send(c, Buffer.from('unread-by-owner'));
    yield* sleep(50);
    send(p, 'die');
    yield* sleep(20);
    expect(yield* socket.send(a, Buffer.from('x'))).to.deep.equal(['error', 'closed']);
    expect(yield* socket.recv(c, 0, 500)).to.deep.equal(['error', 'econnreset']);
    expect(yield* socket.send(c, Buffer.from('x'))).to.deep.equal(['error', 'epipe']);
    close_all(l, c);
  }));

  it('a dying owner closes every socket it owns, even when it also waited on one of them', () => run(function* () {
    const [l, c, a] = yield* pair();
    const parent = self();
    const v = spawn(function* () {
      const b = ok<socket.Socket>(socket.open('inet', 'stream')); // V owns B
      send(parent, ['b', b]);
      send(parent, ['waiting', yield* socket.recv(a, 0, 'nowait')]); // V waits on A, owned by us
      yield* receive(on('never', () => 0));
    });
    const b = (yield* reply('b')) as socket.Socket;
    expect(((yield* reply('waiting')) as unknown[])[0]).to.equal('select');
    expect(socket.setopt(a, 'otp', 'controlling_process', v)).to.equal('ok'); // V owns A too
    exit(v, 'kill');
    yield* sleep(20);
    expect([socket.is_open(a), socket.is_open(b)]).to.deep.equal([false, false]);
    close_all(l, c);
  }));

  it('transfer to a dead pid returns ok and closes the socket at once', () => run(function* () {
    const [l, c, a] = yield* pair();
    const dead = spawn(function* () { /* returns at once */ });
    yield* sleep(10);
    expect(socket.setopt(a, 'otp', 'controlling_process', dead)).to.equal('ok');
    yield* sleep(10);
    expect(socket.getopt(a, 'otp', 'controlling_process')).to.deep.equal(['error', 'closed']);
    const i = socket.info(a);
    expect([i.owner, i.rstates, i.wstates]).to.deep.equal(['undefined', ['closing', 'closed'], ['closing', 'closed']]);
    expect(yield* socket.recv(c, 0, 500)).to.deep.equal(['error', 'closed']);
    close_all(l, c);
  }));

  it("a non-owner waiter's death removes its queue entry; a later reader is served", () => run(function* () {
    const [l, c, a] = yield* pair();
    const parent = self();
    const w = spawn(function* () {
      send(parent, ['w', yield* socket.recv(a, 0, 'nowait')]);
      yield* receive(on('die', () => 0));
    });
    yield* reply('w');
    expect(socket.info(a).num_readers).to.equal(1);
    send(w, 'die');
    yield* sleep(10);
    expect(socket.info(a).num_readers).to.equal(0);
    expect(socket.is_open(a)).to.equal(true);
    const si = (yield* socket.recv(a, 0, 'nowait')) as ['select', ['select_info', string, unknown]];
    yield* socket.send(c, Buffer.from('zz'));
    expect(yield* next_msg()).to.deep.equal(['$socket', a, 'select', si[1][2]]);
    expect(yield* socket.recv(a, 0, 'nowait')).to.deep.equal(['ok', Buffer.from('zz')]);
    close_all(l, c, a);
  }));

  it('the select message goes to the caller, not the owner', () => run(function* () {
    const [l, c, a] = yield* pair();
    in_other('nonowner', function* () {
      const r = (yield* socket.recv(a, 0, 'nowait')) as ['select', ['select_info', string, unknown]];
      const m = yield* next_msg(2000);
      return [r[1][2] === (m as unknown[])[3], yield* socket.recv(a, 0, 'nowait')];
    });
    yield* sleep(20);
    yield* socket.send(c, Buffer.from('hi'));
    expect(yield* reply('nonowner')).to.deep.equal([true, ['ok', Buffer.from('hi')]]);
    expect(yield* flush()).to.deep.equal([]);
    close_all(l, c, a);
  }));

  it('the guide pattern: owner handed to the handler, which ends and so closes it', () => run(function* () {
    const [l, sa] = listener();
    const parent = self();
    const handler = (sock: socket.Socket) => function* () {
      yield* receive(on('continue', () => 0));
      const r = yield* socket.recv(sock, 0, 1000);
      if (r[0] === 'ok') yield* socket.send(sock, r[1] as Buffer);
    };
    const acceptor = spawn(function* () {
      for (let n = 0; n < 3; n++) {
        const s = ok<socket.Socket>(yield* socket.accept(l));
        const h: Pid = spawn(handler(s));
        socket.setopt(s, 'otp', 'owner', h);
        send(h, 'continue');
      }
      send(parent, ['acceptor', 'done']);
    });
    for (let n = 0; n < 3; n++) {
      const c = ok<socket.Socket>(socket.open('inet', 'stream'));
      yield* socket.connect(c, sa);
      yield* socket.send(c, Buffer.from('hello'));
      expect(yield* socket.recv(c, 5, 2000)).to.deep.equal(['ok', Buffer.from('hello')]);
      expect(yield* socket.recv(c, 0, 2000)).to.deep.equal(['error', 'closed']); // handler ended: closed
      socket.close(c);
    }
    expect(yield* reply('acceptor')).to.equal('done');
    expect(acceptor).to.be.instanceOf(Pid);
    close_all(l);
  }));
});
