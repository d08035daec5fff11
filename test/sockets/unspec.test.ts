// connect(S, #{family => unspec}): AF_UNSPEC dissolves a UDP association and disconnects
// TCP (docs/OTP25_BEHAVIOUR.md section 2.5; test/otp/05_udp.escript). Every expected value below is what OTP 25 returned for
// the same calls on Linux.
import { expect } from 'chai';
import * as socket from '../../sockets/socket';
import { run } from '../../runtime';
import { ok, listener, close_all, open_fds, raised_p } from '../support/sockets';

type Sock = socket.Socket;
function udp(domain: 'inet' | 'inet6' = 'inet'): [Sock, socket.SockAddr] {
  const s = ok<Sock>(socket.open(domain, 'dgram'));
  expect(socket.bind(s, 'loopback')).to.equal('ok');
  return [s, ok<socket.SockAddr>(socket.sockname(s))];
}

describe('sockets/socket: connect to {family: unspec}', () => {
  let fds0 = 0;
  beforeEach(() => { fds0 = open_fds(); });
  afterEach(() => { expect(open_fds(), 'fds leaked').to.equal(fds0); });

  for (const domain of ['inet', 'inet6'] as const) {
    it(`dissolves a UDP association (${domain})`, () => run(function* () {
      const [a, sa] = udp(domain);
      const [b, sb] = udp(domain);
      expect(yield* socket.connect(b, sa)).to.equal('ok');
      expect(socket.peername(b)).to.deep.equal(['ok', sa]);
      expect(yield* socket.send(b, Buffer.from('x'))).to.equal('ok');
      expect(yield* socket.recvfrom(a, 0, 1000)).to.deep.equal(['ok', [sb, Buffer.from('x')]]);
      expect(yield* socket.connect(b, { family: 'unspec' })).to.equal('ok');
      expect(yield* socket.connect(b, { family: 'unspec' })).to.equal('ok'); // again: still ok
      expect(yield* socket.send(b, Buffer.from('y'))).to.deep.equal(['error', 'edestaddrreq']);
      expect(yield* socket.send(b, Buffer.from('y'), 'nowait')).to.deep.equal(['error', 'edestaddrreq']);
      expect(socket.peername(b)).to.deep.equal(['error', 'enotconn']);
      // __udp_disconnect keeps a bound address but drops a port the kernel chose (bind to
      // port 0 sets no SOCK_BINDPORT_LOCK); the sends above bound a new one (inet_sendmsg
      // autobinds before udp_sendmsg refuses). OTP 25 showed the same: a new port.
      const sb2 = ok<socket.SockAddr & { port: number }>(socket.sockname(b));
      expect({ ...sb2, port: 0 }).to.deep.equal({ ...sb, port: 0 });
      expect(sb2.port).to.be.above(0);
      expect(yield* socket.sendto(b, Buffer.from('z'), sa)).to.equal('ok');
      expect(yield* socket.recvfrom(a, 0, 1000)).to.deep.equal(['ok', [sb2, Buffer.from('z')]]);
      // OTP 25 keeps wstates [connected] after the dissolve.
      expect(socket.info(b).wstates).to.deep.equal(['connected']);
      close_all(a, b);
    }));
  }

  it('disconnects TCP, and is ok on fresh, listening, local and nowait sockets', () => run(function* () {
    const [l, la] = listener();
    const c = ok<Sock>(socket.open('inet', 'stream'));
    expect(yield* socket.connect(c, la)).to.equal('ok');
    expect(yield* socket.connect(c, { family: 'unspec' })).to.equal('ok');
    expect(socket.peername(c)).to.deep.equal(['error', 'enotconn']);
    const fresh = ok<Sock>(socket.open('inet', 'stream'));
    expect(yield* socket.connect(fresh, { family: 'unspec' })).to.equal('ok');
    expect(yield* socket.connect(l, { family: 'unspec' })).to.equal('ok');
    const loc = ok<Sock>(socket.open('local', 'dgram'));
    expect(yield* socket.connect(loc, { family: 'unspec' })).to.equal('ok');
    const [u] = udp();
    expect(yield* socket.connect(u, { family: 'unspec' }, 'nowait')).to.equal('ok');
    expect(yield* socket.connect(u, { family: 'unspec' }, 100)).to.equal('ok');
    expect(yield* socket.connect(u, { family: 'unspec', addr: Buffer.from([1, 2, 3]) })).to.equal('ok');
    expect(yield* socket.connect(u, { family: 'unspec', addr: Buffer.alloc(126) })).to.equal('ok');
    close_all(c, fresh, l, loc, u);
    expect(yield* socket.connect(u, { family: 'unspec' })).to.deep.equal(['error', 'closed']);
  }));

  it('answers bind, sendto and bad unspec addresses as OTP 25 does', () => run(function* () {
    const u = ok<Sock>(socket.open('inet', 'dgram'));
    const un = { family: 'unspec' } as const;
    expect(socket.bind(u, un)).to.deep.equal(['error', 'einval']);
    expect(yield* socket.sendto(u, Buffer.from('x'), un)).to.deep.equal(['error', 'einval']);
    expect(yield* socket.sendmsg(u, { addr: un, iov: [Buffer.from('x')] })).to.deep.equal(['error', 'einval']);
    const bad = [
      { family: 'unspec', addr: 'foo' },
      { family: 'unspec', addr: Buffer.alloc(127) },
      { family: 'bogus' },
      { family: 'inet', addr: 'foo' },
    ];
    for (const sa of bad) {
      expect(yield* socket.connect(u, sa as never)).to.deep.equal(['error', ['invalid', ['sockaddr', sa]]]);
    }
    const keys = { family: 'unspec', port: 5, flowinfo: 1 };
    expect(yield* socket.connect(u, keys as never)).to.deep.equal(['error', ['invalid', ['sockaddr', ['keys', ['port', 'flowinfo']], keys]]]);
    const nofam = { addr: [127, 0, 0, 1] };
    expect(yield* socket.connect(u, nofam as never)).to.deep.equal(['error', ['invalid', ['sockaddr', 'family', nofam]]]);
    // Not a map at all: OTP 25 raises (test/otp/23_sockaddr.escript).
    expect(yield* raised_p(() => socket.connect(u, 'foo' as never))).to.deep.equal(['invalid', ['sockaddr', 'foo']]);
    expect(yield* raised_p(() => socket.connect(u, [127, 0, 0, 1] as never))).to.deep.equal(['invalid', ['sockaddr', [127, 0, 0, 1]]]);
    socket.close(u);
  }));
});
