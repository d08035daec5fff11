import { expect } from 'chai';
import { p, C, Fds } from './_support';

// Misuse throws; everything the kernel refuses is a negative errno named by errno_atom.
describe('native: errors and misuse', () => {
  const fds = new Fds();
  afterEach(() => fds.closeAll());
  const bad = <T>(v: unknown): T => v as T;

  it('names errnos with OTP\'s atoms from one table', () => {
    expect(p.errno_atom(-11)).to.equal('eagain');
    expect(p.errno_atom(-111)).to.equal('econnrefused');
    expect(p.errno_atom(-95)).to.equal('enotsup');
    expect(p.errno_atom(-32)).to.equal('epipe');
    expect(p.errno_atom(-9999)).to.equal('unknown_errno_9999');
    expect(p.errno_number('eaddrinuse')).to.equal(98);
  });

  it('throws TypeError for wrong argument types and RangeError outside the buffer', () => {
    const s = fds.track(p.socket(C.AF_INET!, C.SOCK_DGRAM!, 0));
    expect(() => p.recv(bad<number>('3'), Buffer.alloc(4), 0, 4, 0)).to.throw(TypeError);
    expect(() => p.recv(s, bad<Buffer>('abcd'), 0, 4, 0)).to.throw(TypeError);
    expect(() => p.recv(s, bad<Buffer>(new Uint16Array(4)), 0, 4, 0)).to.throw(TypeError);
    expect(() => p.recv(s, Buffer.alloc(4), 1, 4, 0)).to.throw(RangeError);
    expect(() => p.send(s, Buffer.alloc(4), -1, 2, 0)).to.throw(RangeError);
    expect(() => p.sendmsg(s, bad<Buffer[]>('x'), undefined, undefined, 0)).to.throw(TypeError);
    expect(() => p.sendmsg(s, [bad<Buffer>(1)], undefined, undefined, 0)).to.throw(TypeError);
    expect(() => p.bind(s, bad<p.SockAddrIn>({ family: 'inet', addr: [1, 2, 3] }))).to.throw(TypeError);
    expect(() => p.if_nametoindex(bad<string>(5))).to.throw(TypeError);
    expect(() => p.poll_start(bad<p.PollHandler>(5))).to.throw(TypeError);
  });

  it('gives the same error codes from the node-addon-api calls and the C-API ones (send, recv)', () => {
    const s = fds.track(p.socket(C.AF_INET!, C.SOCK_DGRAM!, 0));
    const code = (f: () => unknown): unknown => {
      try { f(); } catch (e) { return [(e as Error).constructor.name, (e as NodeJS.ErrnoException).code]; }
      return 'no exception';
    };
    const type = ['TypeError', 'ERR_INVALID_ARG_TYPE'];
    const range = ['RangeError', 'ERR_OUT_OF_RANGE'];
    expect(code(() => p.recv(s, bad<Buffer>('abcd'), 0, 4, 0))).to.deep.equal(type);        // C API
    expect(code(() => p.recvfrom(s, bad<Buffer>('abcd'), 0, 4, 0))).to.deep.equal(type);    // Napi::
    expect(code(() => p.send(s, Buffer.alloc(4), 0, bad<number>('x'), 0))).to.deep.equal(type);
    expect(code(() => p.recv(s, Buffer.alloc(4), 2, 4, 0))).to.deep.equal(range);
    expect(code(() => p.recvfrom(s, Buffer.alloc(4), 2, 4, 0))).to.deep.equal(range);
    expect(code(() => p.send(s, Buffer.alloc(4), 0, 5, 0))).to.deep.equal(range);
    expect(code(() => p.shutdown(s, bad<number>(null)))).to.deep.equal(type);
  });

  it('rejects unencodable sockaddrs with -1 from encode_sockaddr', () => {
    const out = Buffer.alloc(p.SOCKADDR_MAX);
    expect(p.encode_sockaddr({ family: 'inet', addr: [256, 0, 0, 1] }, out)).to.equal(-1);
    expect(p.encode_sockaddr({ family: 'inet', port: 70000 }, out)).to.equal(-1);
    expect(p.encode_sockaddr({ family: 'inet6', addr: 'broadcast' }, out)).to.equal(-1);
    expect(p.encode_sockaddr({ family: 'foo' }, out)).to.equal(-1);
    expect(p.encode_sockaddr('any', out)).to.equal(-1);
    expect(p.encode_sockaddr({ family: 'inet' }, out)).to.equal(16);
    expect(p.decode_sockaddr(out, 0, 16)).to.deep.equal({ family: 'inet', addr: [0, 0, 0, 0], port: 0 });
  });

  it('refuses to close an fd this environment did not open, and a closed one', () => {
    expect(p.errno_atom(p.close(0))).to.equal('ebadf');
    const s = p.socket(C.AF_INET!, C.SOCK_STREAM!, 0);
    expect(p.close(s)).to.equal(0);
    expect(p.errno_atom(p.close(s))).to.equal('ebadf');
    expect(p.errno_atom(p.recv(s, Buffer.alloc(1), 0, 1, 0))).to.equal('ebadf');
  });

  it('returns the kernel\'s errors for wrong use of real sockets', () => {
    const u = fds.track(p.socket(C.AF_INET!, C.SOCK_DGRAM!, 0));
    expect(p.errno_atom(p.listen(u, 5))).to.equal('enotsup');
    expect(p.errno_atom(p.accept(u))).to.equal('enotsup');
    const t = fds.track(p.socket(C.AF_INET!, C.SOCK_STREAM!, 0));
    expect(p.errno_atom(p.recv(t, Buffer.alloc(1), 0, 1, 0))).to.equal('enotconn');
    expect(p.errno_atom(p.send(t, Buffer.alloc(1), 0, 1, 0))).to.equal('epipe');
    expect(p.bind(t, { family: 'inet', addr: 'loopback' })).to.equal(0);
    expect(p.errno_atom(p.bind(t, { family: 'inet', addr: 'loopback' }))).to.equal('einval');
    expect(p.errno_atom(p.socket(C.AF_INET!, C.SOCK_STREAM!, C.IPPROTO_UDP!))).to.equal('eprotonosupport');
    const many = Array.from({ length: 1025 }, () => Buffer.alloc(1));
    expect(p.errno_atom(p.sendmsg(u, many, { family: 'inet', addr: 'loopback', port: 9 }, undefined, 0))).to.equal('emsgsize');
  });

  it('encodes names and flags with no policy', () => {
    expect(p.domain_num('inet6')).to.equal(C.AF_INET6);
    expect(p.domain_name(C.AF_UNIX!)).to.equal('local');
    expect(p.type_num('dgram')).to.equal(C.SOCK_DGRAM);
    expect(p.protocol_name(C.IPPROTO_TCP!)).to.equal('tcp');
    expect(p.domain_num('nope')).to.equal(undefined);
    expect(p.msg_flags_num(['peek', 'oob'])).to.equal(C.MSG_PEEK! | C.MSG_OOB!);
    expect(p.msg_flags_num(['peek', 'bogus'])).to.deep.equal({ invalid: 'bogus' });
    expect(p.msg_flags_names(C.MSG_TRUNC! | C.MSG_CTRUNC!)).to.have.members(['trunc', 'ctrunc']);
  });
});
