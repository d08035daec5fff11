// open(FD) and open(FD, #{dup => false}) against what OTP 25 does (docs/OTP25_BEHAVIOUR.md
// section 2.1; test/otp/01_open_bind_info.escript, and 17_transfer_cases.escript, which
// reads /proc/self/fd/FD): a dup by default, FD itself with dup false, and FD never closed by
// the socket in either case.
import { expect } from 'chai';
import * as fs from 'fs';
import * as socket from '../../sockets/socket';
import * as prim from '../../sockets/prim_socket';
import { run } from '../../runtime';
import { ok, pair, close_all, open_fds } from '../support/sockets';

type Sock = socket.Socket;
/** What the kernel says fd is ("socket:[inode]"), or 'closed'. */
function fd_target(fd: number): string {
  try {
    return fs.readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    return 'closed';
  }
}
function raw_udp(): [number, socket.SockAddr] {
  const fd = prim.socket(prim.domain_num('inet')!, prim.type_num('dgram')!, 0);
  expect(fd).to.be.at.least(0);
  expect(prim.bind(fd, { family: 'inet', addr: 'loopback', port: 0 })).to.equal(0);
  return [fd, prim.sockname(fd) as socket.SockAddr];
}

describe('sockets/socket: open(FD)', () => {
  let fds0 = 0;
  beforeEach(() => { fds0 = open_fds(); });
  afterEach(() => { expect(open_fds(), 'fds leaked').to.equal(fds0); });

  it('open(FD) of an erlsock socket\'s fd: a dup, ctype {fromfd, FD}, kinds read from the fd', () => run(function* () {
    const s = ok<Sock>(socket.open('inet', 'dgram'));
    const fd = ok<number>(socket.getopt(s, 'otp', 'fd'));
    const s2 = ok<Sock>(socket.open(fd));
    const fd2 = ok<number>(socket.getopt(s2, 'otp', 'fd'));
    expect(fd2).to.not.equal(fd); // OTP 25: {ok,18} for S, {ok,19} for open(18)
    expect(fd_target(fd2)).to.equal(fd_target(fd));
    const i = socket.info(s2);
    expect(i.ctype).to.deep.equal(['fromfd', fd]);
    expect([i.domain, i.type, i.protocol]).to.deep.equal(['inet', 'dgram', 'udp']);
    // One kernel socket behind both: a bind through the dup shows in the original's name.
    expect(socket.bind(s2, 'loopback')).to.equal('ok');
    const sa = ok<socket.SockAddr>(socket.sockname(s));
    expect(socket.sockname(s2)).to.deep.equal(['ok', sa]);
    expect(socket.close(s2)).to.equal('ok');
    expect(fd_target(fd2)).to.equal('closed');
    // The original socket still works after the dup is closed.
    const peer = ok<Sock>(socket.open('inet', 'dgram'));
    expect(yield* socket.sendto(peer, Buffer.from('still here'), sa)).to.equal('ok');
    const [, data] = ok<[socket.SockAddr, Buffer]>(yield* socket.recvfrom(s, 0, 2000));
    expect(data.toString()).to.equal('still here');
    // Opts name the kinds instead of the fd (OTP 25: ok).
    const s3 = ok<Sock>(socket.open(fd, { domain: 'inet', type: 'dgram', protocol: 'udp' }));
    expect(socket.info(s3).ctype).to.deep.equal(['fromfd', fd]);
    close_all(s3, peer, s);
  }));

  it('the caller\'s fd stays open and connected after the socket made from it closes (dup default)', () => run(function* () {
    const [l, c, a] = yield* pair();
    // A raw fd this environment owns but no socket wraps: the caller's own.
    const fd = prim.socket(prim.domain_num('inet')!, prim.type_num('stream')!, 0);
    const s = ok<Sock>(socket.open(fd, { dup: 'maybe' as never })); // OTP 25: anything but false dups
    expect(socket.info(s).protocol).to.equal('tcp');
    expect(yield* socket.connect(s, ok<socket.SockAddr>(socket.sockname(l)))).to.equal('ok');
    const b = ok<Sock>(yield* socket.accept(l, 2000));
    expect(yield* socket.send(s, Buffer.from('from dup;'))).to.equal('ok');
    expect(socket.close(s)).to.equal('ok');
    expect(fd_target(fd)).to.match(/^socket:/);
    expect(prim.send(fd, Buffer.from('from fd'), 0, 7, 0)).to.equal(7);
    expect(ok<Buffer>(yield* socket.recv(b, 16, 2000)).toString()).to.equal('from dup;from fd');
    expect(prim.close(fd)).to.equal(0);
    expect(yield* socket.recv(b, 0, 2000)).to.deep.equal(['error', 'closed']); // that was the last fd
    close_all(b, c, a, l);
  }));

  it('dup false: the socket uses FD itself (ctype fromfd) and leaves it open on close, as OTP 25 does', () => run(function* () {
    const [fd, sa] = raw_udp();
    const peer = ok<Sock>(socket.open('inet', 'dgram'));
    const s = ok<Sock>(socket.open(fd, { dup: false }));
    expect(socket.getopt(s, 'otp', 'fd')).to.deep.equal(['ok', fd]);
    expect(socket.info(s).ctype).to.equal('fromfd');
    expect(socket.sockname(s)).to.deep.equal(['ok', sa]);
    expect(yield* socket.sendto(peer, Buffer.from('one'), sa)).to.equal('ok');
    expect(ok<[socket.SockAddr, Buffer]>(yield* socket.recvfrom(s, 0, 2000))[1].toString()).to.equal('one');
    const before = fd_target(fd);
    expect(socket.close(s)).to.equal('ok');
    expect(fd_target(fd)).to.equal(before);
    // Closing left the poller's set too: the same fd can be wrapped again, and it still
    // receives what the peer sends.
    const s2 = ok<Sock>(socket.open(fd, { dup: false }));
    expect(yield* socket.sendto(peer, Buffer.from('two'), sa)).to.equal('ok');
    expect(ok<[socket.SockAddr, Buffer]>(yield* socket.recvfrom(s2, 0, 2000))[1].toString()).to.equal('two');
    close_all(s2, peer);
    expect(prim.close(fd)).to.equal(0); // still the caller's to close
    expect(fd_target(fd)).to.equal('closed');
  }));

  it('fds that are not sockets, and erlsock\'s one deviation', () => run(function* () {
    // What OTP 25 answers when it cannot learn the domain from the fd.
    expect(socket.open(-1)).to.deep.equal(['error', ['invalid', ['options', 'domain', {}]]]);
    expect(socket.open(-1, { dup: false })).to.deep.equal(['error', ['invalid', ['options', 'domain', { dup: false }]]]);
    expect(socket.open(99999)).to.deep.equal(['error', ['invalid', ['options', 'domain', {}]]]);
    // OTP 25 answers ok to open(FD, #{dup => false}) on an fd another socket already uses;
    // erlsock cannot: epoll refuses a second registration of one fd (EEXIST). It fails
    // cleanly and the first socket is untouched.
    const s = ok<Sock>(socket.open('inet', 'dgram'));
    const fd = ok<number>(socket.getopt(s, 'otp', 'fd'));
    expect(socket.open(fd, { dup: false })).to.deep.equal(['error', 'eexist']);
    expect(socket.bind(s, 'loopback')).to.equal('ok');
    socket.close(s);
  }));
});
