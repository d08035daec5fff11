// dup and set_nonblock, the native half of open(FD): checked against the kernel's own view
// of each fd (/proc/self/fdinfo) and over loopback.
import { expect } from 'chai';
import * as fs from 'fs';
import { p, C, Fds, Poll, tcp_pair } from './_support';

const O_NONBLOCK = 0o4000; // asm-generic/fcntl.h
const O_CLOEXEC = 0o2000000;
/** The fd's open flags as the kernel reports them (fdinfo "flags:" is octal). */
function fd_flags(fd: number): number {
  const m = /^flags:\s+([0-7]+)$/m.exec(fs.readFileSync(`/proc/self/fdinfo/${fd}`, 'latin1'));
  if (m === null) throw new Error(`no flags for fd ${fd}`);
  return parseInt(m[1]!, 8);
}
/** The inode of the open socket behind fd ("socket:[N]"). */
const socket_of = (fd: number): string => fs.readlinkSync(`/proc/self/fd/${fd}`);

describe('native: dup and set_nonblock', () => {
  const fds = new Fds();
  afterEach(() => fds.closeAll());

  it('dup gives an owned, close-on-exec, non-blocking fd on the same socket', () => {
    const n0 = p.open_fds();
    const fd = fds.track(p.socket(C.AF_INET!, C.SOCK_DGRAM!, 0));
    const d = fds.track(p.dup(fd));
    expect(d).to.not.equal(fd);
    expect(p.open_fds()).to.equal(n0 + 2);
    expect(socket_of(d)).to.equal(socket_of(fd));
    expect(fd_flags(d) & (O_NONBLOCK | O_CLOEXEC)).to.equal(O_NONBLOCK | O_CLOEXEC);
    // One socket: binding through the dup names the original too.
    expect(p.bind(d, { family: 'inet', addr: 'loopback', port: 0 })).to.equal(0);
    expect(p.sockname(fd)).to.deep.equal(p.sockname(d));
    // Closing the dup leaves the original open (the socket lives while any fd refers to it).
    expect(p.close(d)).to.equal(0);
    expect(socket_of(fd)).to.match(/^socket:/);
    expect(p.sockname(fd)).to.have.property('family', 'inet');
  });

  it('a dup of a connected TCP socket carries data, and the original still does after it closes', async () => {
    const poll = new Poll();
    try {
      const { c, a, at } = await tcp_pair(fds, poll);
      const d = fds.track(p.dup(c));
      expect(p.send(d, Buffer.from('via dup'), 0, 7, 0)).to.equal(7);
      expect(p.close(d)).to.equal(0);
      expect(p.send(c, Buffer.from('orig'), 0, 4, 0)).to.equal(4);
      await poll.wait(at, p.EV_IN);
      const buf = Buffer.alloc(32);
      expect(p.recv(a, buf, 0, 32, 0)).to.equal(11);
      expect(buf.toString('latin1', 0, 11)).to.equal('via duporig');
    } finally {
      poll.stop();
    }
  });

  it('set_nonblock sets O_NONBLOCK and leaves ownership alone; bad fds give -EBADF', () => {
    const fd = fds.track(p.socket(C.AF_INET!, C.SOCK_STREAM!, 0));
    const n = p.open_fds();
    expect(p.set_nonblock(fd)).to.equal(0);
    expect(fd_flags(fd) & O_NONBLOCK).to.equal(O_NONBLOCK);
    expect(p.open_fds()).to.equal(n);
    expect(p.errno_atom(p.dup(-1))).to.equal('ebadf');
    expect(p.errno_atom(p.set_nonblock(-1))).to.equal('ebadf');
    expect(p.errno_atom(p.dup(99999))).to.equal('ebadf');
    expect(() => p.dup('3' as never)).to.throw(TypeError);
  });
});
