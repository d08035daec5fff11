// Host names: inet.getaddr(s) and gen_tcp.connect to a name, with the values OTP 25 gives
// (test/otp/42_host_names.escript), resolved off the event loop (Node's dns.lookup on
// libuv's threadpool, never the blocking net.getaddrinfo), the caller waiting in its mailbox.
import { expect } from 'chai';
import * as sinon from 'sinon';
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the module object itself (an import's namespace is a copy), for sinon to spy on
import dns = require('dns');
import * as gen_tcp from '../../gen/gen_tcp';
import * as inet from '../../gen/inet';
import * as prim from '../../sockets/prim_socket';
import { run, receive, after, _, on } from '../../runtime';
import { ok, open_fds, raised, raised_p } from '../support/sockets';

type S = gen_tcp.GenSocket;

describe('gen/inet_getaddrs (host names)', () => {
  let fds0 = 0;
  beforeEach(() => { fds0 = open_fds(); });
  afterEach(() => {
    sinon.restore();
    expect(open_fds(), 'fds leaked').to.equal(fds0);
  });

  it('inet.getaddr(s): names, literals and tuples as OTP 25', () => run(function* () {
    expect(yield* inet.getaddr('localhost', 'inet')).to.deep.equal(['ok', [127, 0, 0, 1]]);
    expect(yield* inet.getaddrs('localhost', 'inet')).to.deep.equal(['ok', [[127, 0, 0, 1]]]);
    expect(yield* inet.getaddr('LocalHost', 'inet')).to.deep.equal(['ok', [127, 0, 0, 1]]);
    expect(yield* inet.getaddr('no-such-host.invalid', 'inet')).to.deep.equal(['error', 'nxdomain']);
    expect(yield* inet.getaddr('', 'inet')).to.deep.equal(['error', 'einval']);
    expect(yield* inet.getaddr('::1', 'inet6')).to.deep.equal(['ok', [0, 0, 0, 0, 0, 0, 0, 1]]);
    expect(yield* inet.getaddr([127, 0, 0, 1], 'inet6')).to.deep.equal(['error', 'eafnosupport']);
    expect(yield* inet.getaddr([127, 0, 0, 1], 'inet')).to.deep.equal(['ok', [127, 0, 0, 1]]);
    expect(yield* inet.getaddr('::ffff:1.2.3.4', 'inet6')).to.deep.equal(['ok', [0, 0, 0, 0, 0, 65535, 258, 772]]);
    expect(yield* inet.getaddr('fe80::1:2', 'inet6')).to.deep.equal(['ok', [65152, 0, 0, 0, 0, 0, 1, 2]]);
  }));

  it('connect to "localhost" asks dns.lookup (the threadpool), not the blocking getaddrinfo, and connects', () => run(function* () {
    const lookup = sinon.spy(dns, 'lookup');
    const blocking = sinon.spy(prim, 'getaddrinfo');
    const l = ok<S>(gen_tcp.listen(0, [['ip', [127, 0, 0, 1]], ['active', false]]));
    const port = ok<number>(inet.port(l));
    for (const host of ['localhost', 'LocalHost']) {
      const c = ok<S>(yield* gen_tcp.connect(host, port, [['active', false]]));
      expect(inet.peername(c)).to.deep.equal(['ok', [[127, 0, 0, 1], port]]);
      const a = ok<S>(yield* gen_tcp.accept(l, 2000));
      gen_tcp.close(c);
      gen_tcp.close(a);
    }
    expect(lookup.callCount).to.equal(2);
    expect(lookup.firstCall.args[0]).to.equal('localhost');
    expect(blocking.callCount).to.equal(0);
    // A literal needs no lookup.
    const c = ok<S>(yield* gen_tcp.connect('127.0.0.1', port, []));
    expect(lookup.callCount).to.equal(2);
    gen_tcp.close(c);
    gen_tcp.close(ok<S>(yield* gen_tcp.accept(l, 2000)));
    gen_tcp.close(l);
  }));

  it('connect errors as OTP 25: nxdomain fast and without a lookup for .invalid and ".", badarg for no name', () => run(function* () {
    const lookup = sinon.spy(dns, 'lookup');
    const l = ok<S>(gen_tcp.listen(0, [['ip', [127, 0, 0, 1]]]));
    const port = ok<number>(inet.port(l));
    const t0 = Date.now();
    expect(yield* gen_tcp.connect('no-such-host.invalid', port, [])).to.deep.equal(['error', 'nxdomain']);
    expect(yield* gen_tcp.connect('NO-SUCH-HOST.INVALID.', port, [], 0)).to.deep.equal(['error', 'nxdomain']);
    expect(yield* gen_tcp.connect('.', port, [])).to.deep.equal(['error', 'nxdomain']);
    expect(Date.now() - t0).to.be.below(500);
    expect(lookup.callCount).to.equal(0);
    // Literals only in their own family.
    expect(yield* gen_tcp.connect('127.0.0.1', port, ['inet6'])).to.deep.equal(['error', 'nxdomain']);
    expect(yield* gen_tcp.connect('::1', port, [])).to.deep.equal(['error', 'nxdomain']);
    for (const bad of ['', 'a b', 'caf\u00e9']) expect(yield* raised_p(() => gen_tcp.connect(bad, port, []))).to.equal('badarg');
    gen_tcp.close(l);
  }));

  it('the ip and ifaddr options take no names (badarg), as OTP 25', () => {
    for (const [name, v] of [['ip', 'localhost'], ['ifaddr', 'localhost'], ['ip', '127.0.0.1']]) {
      expect(raised(() => gen_tcp.listen(0, [[name, v]]))).to.equal('badarg');
    }
    return run(function* () {
      expect(yield* raised_p(() => gen_tcp.connect('localhost', 1, [['ip', 'localhost']]))).to.equal('badarg');
      expect(yield* raised_p(() => gen_tcp.connect('localhost', 1, [['ifaddr', 'localhost']]))).to.equal('badarg');
    });
  });

  it('a lookup cut short by the timeout leaves no message behind; the caller waits in receive meanwhile', () => run(function* () {
    const l = ok<S>(gen_tcp.listen(0, [['ip', [127, 0, 0, 1]]]));
    const port = ok<number>(inet.port(l));
    // OTP 25 answers timeout for a Timeout of 0 (for a tuple too): the lookup is cut short.
    expect(yield* gen_tcp.connect('localhost', port, [], 0)).to.deep.equal(['error', 'timeout']);
    expect(yield* receive(on(_, (m) => m), after(200, () => 'none'))).to.equal('none');
    gen_tcp.close(l);
  }));
});
