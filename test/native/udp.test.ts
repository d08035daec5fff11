import { expect } from 'chai';
import { p, C, Poll, Fds } from './_support';

function udp(fds: Fds, family: 'inet' | 'inet6'): { fd: number; port: number } {
  const fd = fds.track(p.socket(family === 'inet' ? C.AF_INET! : C.AF_INET6!, C.SOCK_DGRAM!, 0));
  expect(p.bind(fd, { family, addr: 'loopback', port: 0 } as p.SockAddrIn)).to.equal(0);
  const sa = p.sockname(fd) as { port: number };
  return { fd, port: sa.port };
}

describe('native: UDP and IPv6', () => {
  let poll: Poll;
  const fds = new Fds();
  beforeEach(() => { poll = new Poll(); });
  afterEach(() => { fds.closeAll(); poll.stop(); });

  for (const family of ['inet', 'inet6'] as const) {
    it(`round-trips a datagram with sendto/recvfrom on ${family} loopback and names the source`, async () => {
      const a = udp(fds, family);
      const b = udp(fds, family);
      const tb = poll.add(b.fd);
      const dst = { family, addr: 'loopback', port: b.port } as p.SockAddrIn;
      expect(p.sendto(a.fd, Buffer.from('ping!'), 0, 5, 0, dst)).to.equal(5);
      await poll.wait(tb, p.EV_IN);
      const buf = Buffer.alloc(32);
      expect(p.recvfrom(b.fd, buf, 0, 32, 0)).to.equal(5);
      expect(buf.toString('latin1', 0, 5)).to.equal('ping!');
      const src = p.last_addr();
      if (family === 'inet') expect(src).to.deep.equal({ family: 'inet', addr: [127, 0, 0, 1], port: a.port });
      else expect(src).to.deep.equal({ family: 'inet6', addr: [0, 0, 0, 0, 0, 0, 0, 1], port: a.port, flowinfo: 0, scope_id: 0 });
      expect(p.errno_atom(p.recvfrom(b.fd, buf, 0, 32, 0))).to.equal('eagain');
    });
  }

  it('gathers an iov with sendmsg and reads control messages (IP_PKTINFO, IP_TTL) with recvmsg', async () => {
    const a = udp(fds, 'inet');
    const b = udp(fds, 'inet');
    expect(p.setopt(b.fd, C.IPPROTO_IP!, C.IP_PKTINFO!, { int: 1 })).to.equal(0);
    expect(p.setopt_value(b.fd, p.OPTIONS.ip!.recvttl!, true)).to.equal(0);
    const tb = poll.add(b.fd);
    // A TTL given per message as a control message (ip(7): IP_TTL cmsg on send).
    const ttl = Buffer.alloc(4);
    ttl.writeInt32LE(17, 0);
    const n = p.sendmsg(a.fd, [Buffer.from('ab'), Buffer.from('cde'), Buffer.alloc(0), Buffer.from('f')],
      { family: 'inet', addr: 'loopback', port: b.port }, [{ level: C.IPPROTO_IP!, type: C.IP_TTL!, data: ttl }], 0);
    expect(n).to.equal(6);
    await poll.wait(tb, p.EV_IN);
    const m = p.recvmsg(b.fd, 64, 256, 0);
    if (typeof m === 'number') throw new Error(p.errno_atom(m));
    expect(m.n).to.equal(6);
    expect(m.data.toString()).to.equal('abcdef');
    expect(m.addr).to.deep.equal({ family: 'inet', addr: [127, 0, 0, 1], port: a.port });
    const types = m.ctrl.map((c) => [c.level, c.type]);
    expect(types).to.deep.include([C.IPPROTO_IP, C.IP_PKTINFO]);
    expect(types).to.deep.include([C.IPPROTO_IP, C.IP_TTL]);
    const t = m.ctrl.find((c) => c.type === C.IP_TTL)!;
    expect(t.data.readInt32LE(0)).to.equal(17);
    const pi = m.ctrl.find((c) => c.type === C.IP_PKTINFO)!;
    // struct in_pktinfo { int ipi_ifindex; in_addr ipi_spec_dst; in_addr ipi_addr; }
    expect(pi.data.readInt32LE(0)).to.equal(p.if_nametoindex('lo'));
    expect([...pi.data.subarray(8, 12)]).to.deep.equal([127, 0, 0, 1]);
  });

  it('flags a datagram longer than the buffer with MSG_TRUNC and returns only what fit', async () => {
    const a = udp(fds, 'inet');
    const b = udp(fds, 'inet');
    const tb = poll.add(b.fd);
    p.sendto(a.fd, Buffer.alloc(100, 7), 0, 100, 0, { family: 'inet', addr: 'loopback', port: b.port });
    await poll.wait(tb, p.EV_IN);
    const m = p.recvmsg(b.fd, 10, 0, 0);
    if (typeof m === 'number') throw new Error(p.errno_atom(m));
    expect(m.n).to.equal(10);
    expect(m.data.length).to.equal(10);
    expect(p.msg_flags_names(m.flags)).to.include('trunc');
  });

  it('answers edestaddrreq for send on an unconnected UDP socket', () => {
    const a = udp(fds, 'inet');
    expect(p.errno_atom(p.send(a.fd, Buffer.from('x'), 0, 1, 0))).to.equal('edestaddrreq');
  });

  it('connects and accepts TCP on ::1', async () => {
    const l = fds.track(p.socket(C.AF_INET6!, C.SOCK_STREAM!, 0));
    expect(p.bind(l, { family: 'inet6', addr: [0, 0, 0, 0, 0, 0, 0, 1], port: 0 })).to.equal(0);
    p.listen(l, 4);
    const port = (p.sockname(l) as { port: number }).port;
    const c = fds.track(p.socket(C.AF_INET6!, C.SOCK_STREAM!, 0));
    const ct = poll.add(c);
    const r = p.connect(c, { family: 'inet6', addr: 'loopback', port });
    expect(r === 0 || r === p.EINPROGRESS).to.equal(true);
    await poll.wait(ct, p.EV_OUT);
    expect(p.connect_result(c)).to.equal(0);
    const a = fds.track(p.accept(l));
    expect(p.last_addr()).to.deep.include({ family: 'inet6', addr: [0, 0, 0, 0, 0, 0, 0, 1] });
    const at = poll.add(a);
    p.send(c, Buffer.from('six'), 0, 3, 0);
    await poll.wait(at, p.EV_IN);
    const b = Buffer.alloc(3);
    expect(p.recv(a, b, 0, 3, 0)).to.equal(3);
    expect(b.toString()).to.equal('six');
  });

  it('encodes AF_UNSPEC, and connect with it dissolves the association (-EDESTADDRREQ after)', () => {
    const out = Buffer.alloc(p.SOCKADDR_MAX);
    expect(p.encode_sockaddr({ family: 'unspec' }, out)).to.equal(2);
    expect(out.readUInt16LE(0)).to.equal(C.AF_UNSPEC);
    expect(p.encode_sockaddr({ family: 'unspec', addr: Buffer.from([7, 8, 9]) }, out)).to.equal(5);
    expect([...out.subarray(2, 5)]).to.deep.equal([7, 8, 9]);
    expect(p.encode_sockaddr({ family: 'unspec', addr: Buffer.alloc(126) }, out)).to.equal(128);
    expect(p.encode_sockaddr({ family: 'unspec', addr: Buffer.alloc(127) }, out)).to.equal(-1);
    expect(p.encode_sockaddr({ family: 'unspec', addr: 'x' }, out)).to.equal(-1);
    const a = udp(fds, 'inet');
    const b = udp(fds, 'inet');
    expect(p.connect(b.fd, { family: 'inet', addr: 'loopback', port: a.port })).to.equal(0);
    expect(p.send(b.fd, Buffer.from('x'), 0, 1, 0)).to.equal(1);
    expect(p.connect(b.fd, { family: 'unspec' })).to.equal(0);
    expect(p.errno_atom(p.send(b.fd, Buffer.from('x'), 0, 1, 0))).to.equal('edestaddrreq');
    expect(p.errno_atom(p.peername(b.fd) as number)).to.equal('enotconn');
  });
});
