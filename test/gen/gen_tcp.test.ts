// gen_tcp on loopback: passive and active modes, framing, options and errors, with the
// values OTP 25's default gen_tcp gives (test/otp/26..29_*.escript show the doubtful ones).
import { expect } from 'chai';
import * as gen_tcp from '../../gen/gen_tcp';
import * as inet from '../../gen/inet';
import { run, spawn, self, send, receive, on, after, _, Proc, Pid } from '../../runtime';
import { ok, open_fds, flush, next_msg, raised, raised_p } from '../support/sockets';

type S = gen_tcp.GenSocket;

/** A listener with opts, a client connected with copts, and the accepted socket. */
function* pair(opts: unknown[] = [], copts: unknown[] = opts): Proc<[S, S, S]> {
  const l = ok<S>(gen_tcp.listen(0, ['binary', ['active', false], ...opts]));
  const port = ok<number>(inet.port(l));
  const c = ok<S>(yield* gen_tcp.connect([127, 0, 0, 1], port, ['binary', ['active', false], ...copts]));
  const a = ok<S>(yield* gen_tcp.accept(l, 2000));
  return [l, c, a];
}

const B = (s: string): Buffer => Buffer.from(s);

describe('gen/gen_tcp', () => {
  let fds0 = 0;
  beforeEach(() => { fds0 = open_fds(); });
  afterEach(() => { expect(open_fds(), 'fds leaked').to.equal(fds0); });

  it('passive raw: recv(S, 0), recv(S, N) exact, timeout keeps data, close', () => run(function* () {
    const [l, c, a] = yield* pair();
    expect(yield* gen_tcp.send(c, 'hello world')).to.equal('ok');
    expect(yield* gen_tcp.recv(a, 5, 1000)).to.deep.equal(['ok', B('hello')]);
    expect(yield* gen_tcp.recv(a, 0, 1000)).to.deep.equal(['ok', B(' world')]);
    expect(yield* gen_tcp.recv(a, 0, 50)).to.deep.equal(['error', 'timeout']);
    expect(yield* gen_tcp.send(c, [B('ab'), 99, ['d']])).to.equal('ok');
    expect(yield* gen_tcp.recv(a, 6, 100)).to.deep.equal(['error', 'timeout']);
    expect(yield* gen_tcp.recv(a, 4, 100)).to.deep.equal(['ok', B('abcd')]);
    expect(gen_tcp.close(c)).to.equal('ok');
    expect(yield* gen_tcp.recv(a, 0, 1000)).to.deep.equal(['error', 'closed']);
    expect(yield* gen_tcp.recv(a, 0, 1000)).to.deep.equal(['error', 'closed']);
    expect(gen_tcp.close(c)).to.equal('ok');
    expect(yield* gen_tcp.send(c, 'x')).to.deep.equal(['error', 'closed']);
    gen_tcp.close(a); gen_tcp.close(l);
  }));

  it('mode list is the default and the payload is a byte list', () => run(function* () {
    const l = ok<S>(gen_tcp.listen(0, [['active', false]]));
    const c = ok<S>(yield* gen_tcp.connect('localhost', ok<number>(inet.port(l)), [['active', false]]));
    const a = ok<S>(yield* gen_tcp.accept(l));
    yield* gen_tcp.send(a, 'hi');
    expect(yield* gen_tcp.recv(c, 0)).to.deep.equal(['ok', [104, 105]]);
    gen_tcp.close(c); gen_tcp.close(a); gen_tcp.close(l);
  }));

  it('packet 1, 2, 4: framed send, whole packets on recv, einval for a Length', () => run(function* () {
    for (const n of [1, 2, 4]) {
      const [l, c, a] = yield* pair([['packet', n]]);
      expect(yield* gen_tcp.send(c, 'abc')).to.equal('ok');
      expect(yield* gen_tcp.send(c, '')).to.equal('ok');
      expect(yield* gen_tcp.send(c, Buffer.alloc(200, 7))).to.equal('ok');
      expect(yield* gen_tcp.recv(a, 0, 1000)).to.deep.equal(['ok', B('abc')]);
      expect(yield* gen_tcp.recv(a, 0, 1000)).to.deep.equal(['ok', B('')]);
      expect(yield* gen_tcp.recv(a, 0, 1000)).to.deep.equal(['ok', Buffer.alloc(200, 7)]);
      expect(yield* gen_tcp.recv(a, 2, 1000)).to.deep.equal(['error', 'einval']);
      gen_tcp.close(c); gen_tcp.close(a); gen_tcp.close(l);
    }
    const [l, c, a] = yield* pair([['packet', 1]]);
    // OTP 25 answers ok and truncates the header (test/otp/28_send_oversize.escript); erlsock
    // refuses rather than corrupt the stream (docs/GEN_TCP.md).
    expect(yield* gen_tcp.send(c, Buffer.alloc(256))).to.deep.equal(['error', 'einval']);
    expect(yield* gen_tcp.send(c, Buffer.alloc(255, 1))).to.equal('ok');
    expect(yield* gen_tcp.recv(a, 0, 1000)).to.deep.equal(['ok', Buffer.alloc(255, 1)]);
    gen_tcp.close(c); gen_tcp.close(a); gen_tcp.close(l);
  }));

  it('packet 4: a 1 MiB packet arrives whole; one over packet_size is emsgsize', () => run(function* () {
    const [l, c, a] = yield* pair([['packet', 4]]);
    const big = Buffer.alloc(1 << 20, 1);
    const sender = spawn(function* () { yield* gen_tcp.send(c, big); });
    const r = ok<Buffer>(yield* gen_tcp.recv(a, 0, 5000));
    expect(r.equals(big)).to.equal(true);
    expect(sender).to.be.instanceOf(Pid);
    expect(inet.setopts(a, [['packet_size', 10]])).to.equal('ok');
    yield* gen_tcp.send(c, Buffer.alloc(11));
    expect(yield* gen_tcp.recv(a, 0, 1000)).to.deep.equal(['error', 'emsgsize']);
    gen_tcp.close(c); gen_tcp.close(a); gen_tcp.close(l);
  }));

  it('packet line: lines with their delimiter, line_delimiter, emsgsize over packet_size', () => run(function* () {
    const [l, c, a] = yield* pair([['packet', 'line']]);
    yield* gen_tcp.send(c, 'one\ntwo\n\nthr');
    expect(yield* gen_tcp.recv(a, 0, 1000)).to.deep.equal(['ok', B('one\n')]);
    expect(yield* gen_tcp.recv(a, 0, 1000)).to.deep.equal(['ok', B('two\n')]);
    expect(yield* gen_tcp.recv(a, 0, 1000)).to.deep.equal(['ok', B('\n')]);
    expect(yield* gen_tcp.recv(a, 0, 100)).to.deep.equal(['error', 'timeout']);
    yield* gen_tcp.send(c, 'ee\n');
    expect(yield* gen_tcp.recv(a, 0, 1000)).to.deep.equal(['ok', B('three\n')]);
    expect(inet.setopts(a, [['line_delimiter', 0x58]])).to.equal('ok');
    yield* gen_tcp.send(c, 'abXcdX');
    expect(yield* gen_tcp.recv(a, 0, 1000)).to.deep.equal(['ok', B('abX')]);
    expect(inet.setopts(a, [['active', 2]])).to.equal('ok');
    expect(yield* next_msg()).to.deep.equal(['tcp', a, B('cdX')]);
    yield* gen_tcp.send(c, 'efX');
    expect(yield* next_msg()).to.deep.equal(['tcp', a, B('efX')]);
    expect(yield* next_msg()).to.deep.equal(['tcp_passive', a]);
    expect(inet.setopts(a, [['line_delimiter', 10], ['packet_size', 4]])).to.equal('ok');
    yield* gen_tcp.send(c, 'abcdefgh\n');
    expect(yield* gen_tcp.recv(a, 0, 1000)).to.deep.equal(['error', 'emsgsize']);
    gen_tcp.close(c); gen_tcp.close(a); gen_tcp.close(l);
  }));

  it('active true: every read as {tcp, S, Data}, then {tcp_closed, S}; exit_on_close closes', () => run(function* () {
    const [l, c, a] = yield* pair([['active', true]], [['active', false]]);
    yield* gen_tcp.send(c, 'ping');
    expect(yield* next_msg()).to.deep.equal(['tcp', a, B('ping')]);
    gen_tcp.close(c);
    expect(yield* next_msg()).to.deep.equal(['tcp_closed', a]);
    expect(yield* gen_tcp.send(a, 'x')).to.deep.equal(['error', 'closed']);
    expect(yield* gen_tcp.recv(a, 0)).to.deep.equal(['error', 'closed']);
    expect(gen_tcp.close(a)).to.equal('ok');
    gen_tcp.close(l);
  }));

  it('exit_on_close false keeps the send side after the peer closed', () => run(function* () {
    const [l, c, a] = yield* pair([['active', true], ['exit_on_close', false]], [['active', false]]);
    expect(gen_tcp.shutdown(c, 'write')).to.equal('ok');
    expect(yield* next_msg()).to.deep.equal(['tcp_closed', a]);
    expect(yield* gen_tcp.send(a, 'late')).to.equal('ok');
    expect(yield* gen_tcp.recv(c, 0, 1000)).to.deep.equal(['ok', B('late')]);
    gen_tcp.close(c); gen_tcp.close(a); gen_tcp.close(l);
  }));

  it('active once: one message per setopts, packets buffered in between', () => run(function* () {
    const [l, c, a] = yield* pair([['packet', 'line']]);
    yield* gen_tcp.send(c, 'a\nb\nc\n');
    yield* gen_tcp.recv(c, 0, 50);
    expect(inet.setopts(a, [['active', 'once']])).to.equal('ok');
    expect(yield* next_msg()).to.deep.equal(['tcp', a, B('a\n')]);
    expect(yield* next_msg(100)).to.equal('none');
    expect(inet.getopts(a, ['active'])).to.deep.equal(['ok', [['active', false]]]);
    expect(inet.setopts(a, [['active', 'once']])).to.equal('ok');
    expect(yield* next_msg()).to.deep.equal(['tcp', a, B('b\n')]);
    expect(yield* gen_tcp.recv(a, 0, 1000)).to.deep.equal(['ok', B('c\n')]);
    gen_tcp.close(c); gen_tcp.close(a); gen_tcp.close(l);
  }));

  it('active N: adds to the count, range and errors as OTP 25', () => run(function* () {
    const [l, c, a] = yield* pair();
    expect(inet.setopts(a, [['active', 3]])).to.equal('ok');
    expect(inet.setopts(a, [['active', 2]])).to.equal('ok');
    expect(inet.getopts(a, ['active'])).to.deep.equal(['ok', [['active', 5]]]);
    expect(inet.setopts(a, [['active', 32767]])).to.deep.equal(['error', 'einval']);
    expect(inet.getopts(a, ['active'])).to.deep.equal(['ok', [['active', 5]]]);
    expect(inet.setopts(a, [['active', 32768]])).to.deep.equal(['error', 'einval']);
    expect(inet.setopts(a, [['active', -5]])).to.equal('ok');
    expect(yield* next_msg()).to.deep.equal(['tcp_passive', a]);
    expect(inet.getopts(a, ['active'])).to.deep.equal(['ok', [['active', false]]]);
    expect(inet.setopts(a, [['active', 0]])).to.equal('ok');
    expect(yield* next_msg()).to.deep.equal(['tcp_passive', a]);
    expect(inet.setopts(a, [['active', 2]])).to.equal('ok');
    expect(inet.setopts(a, [['active', false]])).to.equal('ok');
    expect(yield* next_msg(100)).to.equal('none');
    expect(yield* gen_tcp.recv(a, 0, 0)).to.deep.equal(['error', 'timeout']);
    expect(inet.setopts(a, [['active', 1]])).to.equal('ok');
    expect(yield* gen_tcp.recv(a, 0, 0)).to.deep.equal(['error', 'einval']);
    yield* gen_tcp.send(c, 'x');
    expect(yield* next_msg()).to.deep.equal(['tcp', a, B('x')]);
    expect(yield* next_msg()).to.deep.equal(['tcp_passive', a]);
    gen_tcp.close(c); gen_tcp.close(a); gen_tcp.close(l);
  }));

  it('bad options exit badarg at open; setopts and getopts answer einval', () => run(function* () {
    for (const bad of [[['bogus', 1]], [['active', 40000]], [['packet', 3]], [['mode', 'x']], ['foo'], [['line_delimiter', 88]], [['reuseport', true]], ['binary', ['inet_backend', 'socket']]]) {
      expect(raised(() => gen_tcp.listen(0, bad)), JSON.stringify(bad)).to.equal('badarg');
    }
    expect(raised(() => gen_tcp.listen(0, [['ip', 'bogus']]))).to.equal('badarg');
    expect(raised(() => gen_tcp.listen(70000, []))).to.equal('badarg');
    expect(raised(() => gen_tcp.listen(0, [['port', -1]]))).to.equal('badarg');
    expect(yield* raised_p(() => gen_tcp.connect([127, 0, 0, 1], 70000, []))).to.equal('function_clause');
    expect(yield* raised_p(() => gen_tcp.connect([1, 2, 3], 80, []))).to.equal('badarg');
    const l = ok<S>(gen_tcp.listen(0, [['inet_backend', 'socket'], ['active', false]]));
    expect(gen_tcp.listen(ok<number>(inet.port(l)), [])).to.deep.equal(['error', 'eaddrinuse']);
    expect(yield* raised_p(() => gen_tcp.connect([127, 0, 0, 1], ok<number>(inet.port(l)), [['backlog', 3]]))).to.equal('badarg');
    expect(inet.setopts(l, [['bogus', 1]])).to.deep.equal(['error', 'einval']);
    expect(inet.setopts(l, [['active', 'foo']])).to.deep.equal(['error', 'einval']);
    expect(inet.getopts(l, ['bogus'])).to.deep.equal(['error', 'einval']);
    gen_tcp.close(l);
    expect(inet.setopts(l, [['active', true]])).to.deep.equal(['error', 'einval']);
  }));

  it('getopts reports the defaults of OTP 25 (inet backend) on a connected socket', () => run(function* () {
    const l = ok<S>(gen_tcp.listen(0, []));
    const c = ok<S>(yield* gen_tcp.connect([127, 0, 0, 1], ok<number>(inet.port(l)), []));
    expect(inet.getopts(c, ['active', 'mode', 'packet', 'packet_size', 'header', 'deliver', 'exit_on_close', 'send_timeout',
      'send_timeout_close', 'show_econnreset', 'reuseaddr', 'nodelay', 'keepalive', 'linger', 'delay_send'])).to.deep.equal(['ok', [
      ['active', true], ['mode', 'list'], ['packet', 0], ['packet_size', 0], ['header', 0], ['deliver', 'term'], ['exit_on_close', true],
      ['send_timeout', 'infinity'], ['send_timeout_close', false], ['show_econnreset', false], ['reuseaddr', false], ['nodelay', false],
      ['keepalive', false], ['linger', [false, 0]], ['delay_send', false]]]);
    expect(inet.setopts(c, [['nodelay', true], ['keepalive', true], ['linger', [true, 3]]])).to.equal('ok');
    expect(inet.getopts(c, ['nodelay', 'keepalive', 'linger'])).to.deep.equal(['ok', [['nodelay', true], ['keepalive', true], ['linger', [true, 3]]]]);
    const [ip, port] = ok<[number[], number]>(inet.sockname(c));
    expect(ip).to.deep.equal([127, 0, 0, 1]);
    expect(port).to.be.above(0);
    expect(inet.peername(c)).to.deep.equal(['ok', [[127, 0, 0, 1], ok<number>(inet.port(l))]]);
    expect(inet.peername(l)).to.deep.equal(['error', 'enotconn']);
    gen_tcp.close(c); gen_tcp.close(l);
  }));

  it('accept and connect errors: timeout, closed, econnrefused, nxdomain', () => run(function* () {
    const l = ok<S>(gen_tcp.listen(0, []));
    const port = ok<number>(inet.port(l));
    const t0 = Date.now();
    expect(yield* gen_tcp.accept(l, 100)).to.deep.equal(['error', 'timeout']);
    expect(Date.now() - t0).to.be.within(90, 600);
    gen_tcp.close(l);
    expect(yield* gen_tcp.accept(l, 100)).to.deep.equal(['error', 'closed']);
    expect(yield* gen_tcp.connect([127, 0, 0, 1], port, [])).to.deep.equal(['error', 'econnrefused']);
    expect(yield* gen_tcp.connect('.', port, [])).to.deep.equal(['error', 'nxdomain']);
    const me = self();
    const l2 = ok<S>(gen_tcp.listen(0, []));
    spawn(function* () { send(me, ['got', yield* gen_tcp.accept(l2)]); });
    yield* receive(after(50, () => 0));
    gen_tcp.close(l2);
    expect(yield* next_msg()).to.deep.equal(['got', ['error', 'closed']]);
  }));

  it('shutdown: write half-closes, enotconn on a listener, closed after close', () => run(function* () {
    const [l, c, a] = yield* pair();
    expect(gen_tcp.shutdown(c, 'write')).to.equal('ok');
    expect(yield* gen_tcp.recv(a, 0, 1000)).to.deep.equal(['error', 'closed']);
    expect(gen_tcp.shutdown(l, 'read_write')).to.deep.equal(['error', 'enotconn']);
    gen_tcp.close(c);
    expect(gen_tcp.shutdown(c, 'write')).to.deep.equal(['error', 'closed']);
    gen_tcp.close(a); gen_tcp.close(l);
  }));

  // test/otp/26_ctrl_proc.escript shows both cases on OTP 25.
  it('controlling_process moves the socket and the messages already delivered', () => run(function* () {
    const [l, c, a] = yield* pair();
    expect(inet.setopts(a, [['active', true]])).to.equal('ok');
    yield* gen_tcp.send(c, 'two');
    yield* receive(after(50, () => 0));
    const me = self();
    const collector = (): Pid => spawn(function* () {
      const got: unknown[] = [];
      for (;;) {
        const m = yield* receive(on(_, (x) => x), after(300, () => 'none'));
        if (m === 'none') break;
        got.push(m);
      }
      send(me, ['got', got]);
    });
    const other = collector();
    spawn(function* () { send(me, ['stranger', yield* gen_tcp.controlling_process(a, self())]); });
    expect(yield* receive(on(['stranger', _], (m) => m))).to.deep.equal(['stranger', ['error', 'not_owner']]);
    expect(yield* gen_tcp.controlling_process(a, other)).to.equal('ok');
    // Already the owner: ok, whoever asks (inet checks this first).
    expect(yield* gen_tcp.controlling_process(a, other)).to.equal('ok');
    expect(yield* gen_tcp.controlling_process(a, self())).to.deep.equal(['error', 'not_owner']);
    yield* gen_tcp.send(c, 'three');
    expect(yield* receive(on(['got', _], (m) => m))).to.deep.equal(['got', [['tcp', a, B('two')], ['tcp', a, B('three')]]]);
    // Closed after {tcp_closed, S} (exit_on_close): closed, and the messages stay.
    const [l2, c2, a2] = yield* pair([], [['active', true]]);
    yield* gen_tcp.send(a2, 'one');
    yield* receive(after(50, () => 0));
    gen_tcp.close(a2);
    yield* receive(after(50, () => 0));
    expect(yield* gen_tcp.controlling_process(c2, collector())).to.deep.equal(['error', 'closed']);
    expect(yield* receive(on(['got', _], (m) => m))).to.deep.equal(['got', []]);
    expect(yield* flush()).to.deep.equal([['tcp', c2, B('one')], ['tcp_closed', c2]]);
    gen_tcp.close(l); gen_tcp.close(l2); gen_tcp.close(c);
  }));

  it('the owner dying closes the socket: the peer sees EOF', () => run(function* () {
    const l = ok<S>(gen_tcp.listen(0, ['binary', ['active', false]]));
    const port = ok<number>(inet.port(l));
    const me = self();
    spawn(function* () {
      const c = ok<S>(yield* gen_tcp.connect([127, 0, 0, 1], port, []));
      send(me, ['conn', c]);
      yield* receive(on('die', () => 0));
    });
    const a = ok<S>(yield* gen_tcp.accept(l));
    const [, c] = (yield* next_msg()) as [string, S];
    expect(c.owner).to.not.equal(self());
    send(c.owner, 'die');
    expect(yield* gen_tcp.recv(a, 0, 1000)).to.deep.equal(['error', 'closed']);
    gen_tcp.close(a); gen_tcp.close(l);
  }));
});
