// Cases of OTP's gen_tcp_api_SUITE not covered elsewhere: connect with a source port,
// the sockaddr-map forms, implicit inet6 from an address tuple, ip on listen, recv_eof.
import { expect } from 'chai';
import * as gen_tcp from '../../gen/gen_tcp';
import * as inet from '../../gen/inet';
import { run, spawn, self, send, receive, on, after, _ } from '../../runtime';
import { ok, open_fds } from '../support/sockets';

type S = gen_tcp.GenSocket;
const B = (s: string): Buffer => Buffer.from(s);

describe('gen/gen_tcp: gen_tcp_api_SUITE cases', () => {
  let fds0 = 0;
  beforeEach(() => { fds0 = open_fds(); });
  afterEach(() => { expect(open_fds(), 'fds leaked').to.equal(fds0); });

  it('t_connect_src_port: {port, P} on connect binds the source port', () => run(function* () {
    const l = ok<S>(gen_tcp.listen(0, [['active', false]]));
    const probe = ok<S>(gen_tcp.listen(0, []));
    const src = ok<number>(inet.port(probe));
    gen_tcp.close(probe);
    const c = ok<S>(yield* gen_tcp.connect([127, 0, 0, 1], ok<number>(inet.port(l)), [['port', src], ['active', false]]));
    const a = ok<S>(yield* gen_tcp.accept(l));
    expect(inet.peername(a)).to.deep.equal(['ok', [[127, 0, 0, 1], src]]);
    gen_tcp.close(c); gen_tcp.close(a); gen_tcp.close(l);
  }));

  it('t_simple_local_sockaddr_in(6)_send_recv: the sockaddr-map connect form, inet and inet6', () => run(function* () {
    for (const [family, addr] of [['inet', [127, 0, 0, 1]], ['inet6', [0, 0, 0, 0, 0, 0, 0, 1]]] as const) {
      const l = ok<S>(gen_tcp.listen(0, ['binary', family, ['ip', addr], ['active', false]]));
      const port = ok<number>(inet.port(l));
      const c = ok<S>(yield* gen_tcp.connect({ family, addr, port } as never, ['binary', ['active', false]], 2000));
      const a = ok<S>(yield* gen_tcp.accept(l));
      yield* gen_tcp.send(c, 'abc');
      expect(yield* gen_tcp.recv(a, 3, 1000)).to.deep.equal(['ok', B('abc')]);
      expect(ok<[number[], number]>(inet.sockname(a))[0]).to.deep.equal(addr);
      gen_tcp.close(c); gen_tcp.close(a); gen_tcp.close(l);
    }
  }));

  it('t_implicit_inet6: an 8-tuple address means inet6 without the option', () => run(function* () {
    const l = ok<S>(gen_tcp.listen(0, [['ip', [0, 0, 0, 0, 0, 0, 0, 1]], ['active', false]]));
    const c = ok<S>(yield* gen_tcp.connect([0, 0, 0, 0, 0, 0, 0, 1], ok<number>(inet.port(l)), [['active', false]]));
    const a = ok<S>(yield* gen_tcp.accept(l));
    expect(ok<[number[], number]>(inet.peername(c))[0]).to.deep.equal([0, 0, 0, 0, 0, 0, 0, 1]);
    gen_tcp.close(c); gen_tcp.close(a); gen_tcp.close(l);
  }));

  it('a listener with the default {active, true} moved to another process still accepts', () => run(function* () {
    const l = ok<S>(gen_tcp.listen(0, []));
    const me = self();
    const acceptor = spawn(function* () {
      const r = yield* gen_tcp.accept(l, 2000);
      send(me, ['accepted', r[0]]);
      yield* receive(on('stop', () => 0));
    });
    expect(yield* gen_tcp.controlling_process(l, acceptor)).to.equal('ok');
    yield* receive(after(30, () => 0));
    const c = ok<S>(yield* gen_tcp.connect([127, 0, 0, 1], ok<number>(inet.port(l)), []));
    expect(yield* receive(on(['accepted', _], (m) => m[1]), after(2000, () => 'none'))).to.equal('ok');
    send(acceptor, 'stop');
    expect(yield* receive(on(['tcp_closed', c], () => 'closed'), after(2000, () => 'none'))).to.equal('closed');
    gen_tcp.close(c);
  }));

  it('t_recv_eof / t_recv_timeout: closed after the peer closes, timeout leaves the socket usable', () => run(function* () {
    const l = ok<S>(gen_tcp.listen(0, ['binary', ['active', false]]));
    const c = ok<S>(yield* gen_tcp.connect([127, 0, 0, 1], ok<number>(inet.port(l)), ['binary', ['active', false]]));
    const a = ok<S>(yield* gen_tcp.accept(l));
    const t0 = Date.now();
    expect(yield* gen_tcp.recv(a, 0, 200)).to.deep.equal(['error', 'timeout']);
    expect(Date.now() - t0).to.be.within(180, 1000);
    yield* gen_tcp.send(c, 'z');
    expect(yield* gen_tcp.recv(a, 0, 200)).to.deep.equal(['ok', B('z')]);
    gen_tcp.close(c);
    expect(yield* gen_tcp.recv(a, 0)).to.deep.equal(['error', 'closed']);
    gen_tcp.close(a); gen_tcp.close(l);
  }));
});
