import { expect } from 'chai';
import { p, C, Poll, Fds, tcp_pair } from './_support';

// Every value shape of the option tables, set and read back through the kernel.
describe('native: socket options by shape', () => {
  const fds = new Fds();
  let poll: Poll;
  beforeEach(() => { poll = new Poll(); });
  afterEach(() => { fds.closeAll(); poll.stop(); });
  const O = p.OPTIONS;
  const udp = (domain = C.AF_INET!): number => fds.track(p.socket(domain, C.SOCK_DGRAM!, 0));

  it('int and bool', () => {
    const s = udp();
    expect(p.setopt_value(s, O.socket!.rcvbuf!, 65536)).to.equal(0);
    expect(p.getopt(s, O.socket!.rcvbuf!)).to.equal(131072); // socket(7): the kernel doubles it
    expect(p.getopt(s, O.socket!.reuseaddr!)).to.equal(false);
    expect(p.setopt_value(s, O.socket!.reuseaddr!, true)).to.equal(0);
    expect(p.getopt(s, O.socket!.reuseaddr!)).to.equal(true);
    expect(p.getopt(s, O.socket!.type!)).to.equal(C.SOCK_DGRAM);
    expect(p.setopt_value(s, O.ip!.ttl!, 33)).to.equal(0);
    expect(p.getopt(s, O.ip!.ttl!)).to.equal(33);
    expect(p.setopt_value(s, O.ip!.multicast_loop!, false)).to.equal(0);
    expect(p.getopt(s, O.ip!.multicast_loop!)).to.equal(false);
    expect(p.setopt_value(s, O.socket!.rcvbuf!, 'big')).to.equal(undefined);
  });

  it('linger and timeval structs', () => {
    const s = fds.track(p.socket(C.AF_INET!, C.SOCK_STREAM!, 0));
    expect(p.setopt_value(s, O.socket!.linger!, { onoff: true, linger: 7 })).to.equal(0);
    expect(p.getopt(s, O.socket!.linger!)).to.deep.equal({ onoff: true, linger: 7 });
    expect(p.setopt_value(s, O.socket!.rcvtimeo!, { sec: 2, usec: 500000 })).to.equal(0);
    expect(p.getopt(s, O.socket!.rcvtimeo!)).to.deep.equal({ sec: 2, usec: 500000 });
    expect(p.setopt_value(s, O.socket!.linger!, { onoff: 'yes', linger: 1 })).to.equal(undefined);
  });

  it('strings: device name and congestion control', async () => {
    const s = udp();
    const r = p.setopt_value(s, O.socket!.bindtodevice!, 'lo');
    if (r === 0) expect(p.getopt(s, O.socket!.bindtodevice!)).to.equal('lo');
    else expect(p.errno_atom(r!)).to.equal('eperm'); // needs CAP_NET_RAW
    const { c } = await tcp_pair(fds, poll);
    const cc = p.getopt(c, O.tcp!.congestion!);
    expect(cc).to.be.a('string').and.not.equal('');
    expect(p.setopt_value(c, O.tcp!.congestion!, cc)).to.equal(0);
    expect(p.errno_atom(p.setopt_value(c, O.tcp!.congestion!, 'no-such-algo')!)).to.equal('enoent');
  });

  it('ip_mreq, ip_mreqn and ip_mreq_source on the loopback interface', () => {
    const s = udp();
    p.bind(s, { family: 'inet', addr: 'any' });
    expect(p.setopt_value(s, O.ip!.add_membership!, { multiaddr: [224, 1, 2, 3], interface: [127, 0, 0, 1] })).to.equal(0);
    expect(p.errno_atom(p.setopt_value(s, O.ip!.add_membership!, { multiaddr: [224, 1, 2, 3], interface: [127, 0, 0, 1] })!)).to.equal('eaddrinuse');
    expect(p.setopt_value(s, O.ip!.drop_membership!, { multiaddr: [224, 1, 2, 3], interface: [127, 0, 0, 1] })).to.equal(0);
    const mreqn = p.encode_opt('ip_mreqn', { multiaddr: [224, 1, 2, 4], address: 'any', ifindex: p.if_nametoindex('lo') })!;
    expect(p.setopt(s, C.IPPROTO_IP!, C.IP_ADD_MEMBERSHIP!, mreqn)).to.equal(0);
    expect(p.setopt_value(s, O.ip!.add_source_membership!,
      { multiaddr: [232, 1, 1, 1], interface: [127, 0, 0, 1], sourceaddr: [127, 0, 0, 2] })).to.equal(0);
    expect(p.setopt_value(s, O.ip!.drop_source_membership!,
      { multiaddr: [232, 1, 1, 1], interface: [127, 0, 0, 1], sourceaddr: [127, 0, 0, 2] })).to.equal(0);
    expect(p.setopt_value(s, O.ip!.multicast_if!, [127, 0, 0, 1])).to.equal(0);
    expect(p.getopt(s, O.ip!.multicast_if!)).to.deep.equal([127, 0, 0, 1]);
  });

  it('ipv6_mreq and ipv6 ints', () => {
    const s = udp(C.AF_INET6!);
    const lo = p.if_nametoindex('lo');
    const group = { multiaddr: [0xff02, 0, 0, 0, 0, 0, 1, 3], interface: lo };
    const r = p.setopt_value(s, O.ipv6!.add_membership!, group);
    // lo has no IFF_MULTICAST; the kernel may refuse the join there, but it decoded the struct.
    expect(r === 0 || p.errno_atom(r!) === 'eaddrnotavail' || p.errno_atom(r!) === 'enodev', String(r)).to.equal(true);
    expect(p.setopt_value(s, O.ipv6!.v6only!, true)).to.equal(0);
    expect(p.getopt(s, O.ipv6!.v6only!)).to.equal(true);
    expect(p.setopt_value(s, O.ipv6!.unicast_hops!, 9)).to.equal(0);
    expect(p.getopt(s, O.ipv6!.unicast_hops!)).to.equal(9);
  });

  it('raw bytes: TCP_INFO of an established connection', async () => {
    const { c } = await tcp_pair(fds, poll);
    const info = p.getopt_bytes(c, C.IPPROTO_TCP!, C.TCP_INFO!, 104);
    if (typeof info === 'number') throw new Error(p.errno_atom(info));
    expect(info.length).to.be.at.least(8);
    expect(info[0]).to.equal(1); // tcpi_state: TCP_ESTABLISHED
    expect(p.errno_atom(p.getopt_int(c, C.SOL_SOCKET!, 9999) as number)).to.equal('enoprotoopt');
  });
});
