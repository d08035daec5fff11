// info(S)'s counters around waits, as OTP 25 counts them (test/otp/20_counters.escript).
import { expect } from 'chai';
import * as socket from '../../sockets/socket';
import { run, spawn, self, send, Proc } from '../../runtime';
import { ok, listener, close_all, next_msg, reply, sleep, open_fds } from '../support/sockets';

type Socket = socket.Socket;
type Counters = socket.SocketInfo['counters'];

function cnt<K extends keyof Counters>(s: Socket, keys: K[]): Pick<Counters, K> {
  const c = socket.info(s).counters;
  const out = {} as Pick<Counters, K>;
  for (const k of keys) out[k] = c[k];
  return out;
}

/** Another process makes `call` on the socket and reports its result's first element. */
function* from_other(call: () => Proc<unknown>): Proc<unknown> {
  const parent = self();
  spawn(function* () {
    const r = yield* call();
    send(parent, ['other', Array.isArray(r) ? r[0] : r]);
  });
  return yield* reply('other');
}

const R: (keyof Counters)[] = ['read_tries', 'read_waits', 'read_pkg', 'read_pkg_max'];

describe('sockets/socket: info counters', () => {
  let fds0 = 0;
  beforeEach(() => { fds0 = open_fds(); });
  afterEach(() => { expect(open_fds(), 'fds leaked').to.equal(fds0); });

  it('counts tries, waits and packets as OTP 25 does', () => run(function* () {
    const [l, sa] = listener();
    expect((yield* socket.accept(l, 'nowait'))[0]).to.equal('select');
    expect(yield* from_other(() => socket.accept(l, 'nowait'))).to.equal('select');
    expect(cnt(l, ['acc_tries', 'acc_waits']), 'queued: no try').to.deep.equal({ acc_tries: 1, acc_waits: 0 });
    const c = ok<Socket>(socket.open('inet', 'stream'));
    expect(yield* socket.connect(c, sa, 2000)).to.equal('ok');
    expect(yield* next_msg(1000)).to.have.property('2', 'select');
    const a = ok<Socket>(yield* socket.accept(l, 'nowait'));
    expect(cnt(l, ['acc_tries', 'acc_waits', 'acc_success'])).to.deep.equal({ acc_tries: 2, acc_waits: 0, acc_success: 1 });
    expect(yield* socket.accept(l, 50)).to.deep.equal(['error', 'timeout']);
    expect(cnt(l, ['acc_tries', 'acc_waits'])).to.deep.equal({ acc_tries: 3, acc_waits: 0 });

    expect((yield* socket.recv(a, 0, 'nowait'))[0]).to.equal('select');
    expect(yield* from_other(() => socket.recv(a, 0, 'nowait'))).to.equal('select');
    expect(cnt(a, R), 'queued: no try').to.deep.equal({ read_tries: 1, read_waits: 0, read_pkg: 0, read_pkg_max: 0 });
    expect(yield* socket.recv(a, 0, 50)).to.deep.equal(['error', 'timeout']);
    expect(cnt(a, R)).to.deep.equal({ read_tries: 2, read_waits: 0, read_pkg: 0, read_pkg_max: 0 });
    spawn(function* () {
      yield* sleep(50);
      yield* socket.send(c, Buffer.from('abc'));
    });
    expect(yield* socket.recv(a, 0, 1000)).to.deep.equal(['ok', Buffer.from('abc')]);
    expect(cnt(a, R), 'woken by data').to.deep.equal({ read_tries: 4, read_waits: 0, read_pkg: 1, read_pkg_max: 3 });
    expect(yield* socket.send(c, Buffer.from('abcde'))).to.equal('ok');
    yield* sleep(20);
    expect((yield* socket.recvfrom(a, 0, 0))[0]).to.equal('ok');
    expect(cnt(a, R), 'recvfrom leaves read_pkg_max').to.deep.equal({ read_tries: 5, read_waits: 0, read_pkg: 2, read_pkg_max: 3 });
    expect(yield* socket.send(c, Buffer.from('abcdefg'))).to.equal('ok');
    yield* sleep(20);
    expect((yield* socket.recvmsg(a, 0, 0, 0))[0]).to.equal('ok');
    expect(cnt(a, R), 'recvmsg leaves read_pkg_max').to.deep.equal({ read_tries: 6, read_waits: 0, read_pkg: 3, read_pkg_max: 3 });

    expect(socket.setopt(a, 'socket', 'sndbuf', 4096)).to.equal('ok');
    const big = Buffer.alloc(1000000, 120);
    expect((yield* socket.send(a, big, 'nowait'))[0]).to.equal('select');
    expect(yield* from_other(() => socket.send(a, Buffer.from('y'), 'nowait'))).to.equal('select');
    expect(cnt(a, ['write_tries', 'write_waits']), 'queued: no try').to.deep.equal({ write_tries: 1, write_waits: 1 });
    close_all(a, c, l);
  }));
});
