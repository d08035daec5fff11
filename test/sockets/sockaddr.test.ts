// Sockaddrs OTP 25 refuses, in bind, connect, sendto and sendmsg (test/otp/23_sockaddr.escript):
// a key the family does not have, a missing family or path, a value that does not fit, an
// argument that is not a map. And the typed maps: a typo is a compile error.
import { expect } from 'chai';
import * as socket from '../../sockets/socket';
import { run, Proc } from '../../runtime';
import { ok, close_all, raised, raised_p, open_fds } from '../support/sockets';

type Socket = socket.Socket;
const X = Buffer.from('x');

/** What bind, connect(_, _, 0), sendto and sendmsg answer for `sa`, in that order. */
function* four(t: Socket, u: Socket, sa: unknown): Proc<unknown[]> {
  return [
    raised(() => socket.bind(t, sa as never)),
    yield* raised_p(() => socket.connect(u, sa as never, 0)),
    yield* raised_p(() => socket.sendto(u, X, sa as never)),
    yield* raised_p(() => socket.sendmsg(u, { iov: [X], addr: sa as never })),
  ];
}

const ret = (v: unknown): unknown => ['returned', v];
const inval = (reason: unknown): unknown => ret(['error', ['invalid', reason]]);

describe('sockets/socket: sockaddrs OTP 25 refuses', () => {
  let fds0 = 0;
  beforeEach(() => { fds0 = open_fds(); });
  afterEach(() => { expect(open_fds(), 'fds leaked').to.equal(fds0); });

  it('a key the family does not have: {sockaddr, {keys, Keys}, SA}, and nothing is bound', () => run(function* () {
    const t = ok<Socket>(socket.open('inet', 'stream'));
    const u = ok<Socket>(socket.open('inet', 'dgram'));
    const typo = { family: 'inet', adr: [127, 0, 0, 1], port: 7777 };
    const all = Array(4).fill(inval(['sockaddr', ['keys', ['adr']], typo]));
    expect(yield* four(t, u, typo)).to.deep.equal(all);
    expect(socket.sockname(t)).to.deep.equal(['ok', { family: 'inet', addr: [0, 0, 0, 0], port: 0 }]);
    // Listed in reverse term order; checked before the values.
    const many = { family: 'inet', addr: 'any', port: 1, adr: 1, zz: 2, aa: 3 };
    expect(yield* four(t, u, many)).to.deep.equal(Array(4).fill(inval(['sockaddr', ['keys', ['zz', 'adr', 'aa']], many])));
    const both = { family: 'inet', addr: [1, 2, 3], adr: 1 };
    expect(yield* four(t, u, both)).to.deep.equal(Array(4).fill(inval(['sockaddr', ['keys', ['adr']], both])));
    const t6 = ok<Socket>(socket.open('inet6', 'stream'));
    const six = { family: 'inet6', adr: [0, 0, 0, 0, 0, 0, 0, 1], port: 0 };
    expect(socket.bind(t6, six as never)).to.deep.equal(['error', ['invalid', ['sockaddr', ['keys', ['adr']], six]]]);
    const extra6 = { family: 'inet6', port: 0, flowinfo: 0, scope_id: 0, extra: 1 };
    expect(socket.bind(t6, extra6 as never)).to.deep.equal(['error', ['invalid', ['sockaddr', ['keys', ['extra']], extra6]]]);
    close_all(t, u, t6);
  }));

  it('no family, an unknown family, a value that does not fit', () => run(function* () {
    const t = ok<Socket>(socket.open('inet', 'stream'));
    const u = ok<Socket>(socket.open('inet', 'dgram'));
    expect(yield* four(t, u, {})).to.deep.equal(Array(4).fill(inval(['sockaddr', 'family', {}])));
    // sendmsg names what its NIF could not encode as the message's addr.
    for (const sa of [{ family: 'bogus', extra: 1 }, { family: 'inet', addr: [1, 2, 3] }, { family: 'inet6', addr: [1, 2, 3], port: 1 }]) {
      expect(yield* four(t, u, sa)).to.deep.equal([
        ...(Array(3).fill(inval(['sockaddr', sa])) as unknown[]),
        inval(['msg', 'addr', { addr: sa }]),
      ]);
    }
    close_all(t, u);
  }));

  it('local: no path, a path that is not one, a key too many, a path too long', () => run(function* () {
    const l = ok<Socket>(socket.open('local', 'dgram'));
    for (const sa of [{ family: 'local' }, { family: 'local', path: 1 }, { family: 'local', extra: 1 }]) {
      expect(socket.bind(l, sa as never)).to.deep.equal(['error', ['invalid', ['sockaddr', 'path', sa]]]);
    }
    const port = { family: 'local', path: Buffer.from('/tmp/erlsock_sockaddr_test'), port: 1 };
    expect(socket.bind(l, port as never)).to.deep.equal(['error', ['invalid', ['sockaddr', ['keys', ['port']], port]]]);
    const long = { family: 'local', path: Buffer.alloc(200, 97) } as const;
    expect(socket.bind(l, long)).to.deep.equal(['error', ['invalid', ['sockaddr', long]]]);
    close_all(l);
  }));

  it('not a map: bind answers (a tuple raises), connect, sendto and sendmsg raise', () => run(function* () {
    const t = ok<Socket>(socket.open('inet', 'stream'));
    const u = ok<Socket>(socket.open('inet', 'dgram'));
    const r = ['invalid', ['sockaddr', 'foo']];
    expect(yield* four(t, u, 'foo')).to.deep.equal([ret(['error', r]), r, r, r]);
    expect(yield* raised_p(() => socket.connect(u, 'foo' as never, 'nowait'))).to.deep.equal(r);
    expect(yield* raised_p(() => socket.connect(u, 'foo' as never))).to.deep.equal(r);
    expect(raised(() => socket.bind(u, [127, 0, 0, 1] as never))).to.deep.equal(['invalid', ['sockaddr', [127, 0, 0, 1]]]);
    close_all(t, u);
  }));

  it('a typo in a literal sockaddr does not compile', () => run(function* () {
    const t = ok<Socket>(socket.open('inet', 'stream'));
    const u = ok<Socket>(socket.open('inet', 'dgram'));
    // Each line below must fail to type-check (tsc fails on an unused @ts-expect-error).
    // @ts-expect-error `adr` is not a key of an inet sockaddr
    expect(socket.bind(t, { family: 'inet', adr: [127, 0, 0, 1], port: 7777 })[0]).to.equal('error');
    // @ts-expect-error `prt` is not a key of an inet sockaddr
    expect((yield* socket.connect(u, { family: 'inet', addr: 'loopback', prt: 9 }, 0))[0]).to.equal('error');
    // @ts-expect-error 'broadcast' is not an inet6 address
    expect((yield* socket.sendto(u, X, { family: 'inet6', addr: 'broadcast', port: 9 }))[0]).to.equal('error');
    // @ts-expect-error a local sockaddr has a path, not an addr
    expect((yield* socket.sendmsg(u, { iov: [X], addr: { family: 'local', addr: Buffer.from('x') } }))[0]).to.equal('error');
    // The right ones compile, including a sockaddr that came back from sockname.
    expect(socket.bind(t, { family: 'inet', addr: 'loopback', port: 0 })).to.equal('ok');
    const sa = ok<socket.SockAddr>(socket.sockname(t));
    expect(socket.bind(u, sa)).to.equal('ok');
    close_all(t, u);
  }));
});
