import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { p, C, Poll, Fds } from './_support';

describe('native: Unix-domain sockets', () => {
  let poll: Poll;
  const fds = new Fds();
  let dir: string;
  beforeEach(() => { poll = new Poll(); dir = fs.mkdtempSync(path.join(os.tmpdir(), 'erlsock-')); });
  afterEach(() => { fds.closeAll(); poll.stop(); fs.rmSync(dir, { recursive: true, force: true }); });

  async function stream_roundtrip(addr: p.SockAddrIn): Promise<void> {
    const l = fds.track(p.socket(C.AF_UNIX!, C.SOCK_STREAM!, 0));
    expect(p.bind(l, addr), 'bind').to.equal(0);
    expect(p.listen(l, 4)).to.equal(0);
    expect(p.sockname(l)).to.deep.equal(addr);
    const c = fds.track(p.socket(C.AF_UNIX!, C.SOCK_STREAM!, 0));
    const ct = poll.add(c);
    const r = p.connect(c, addr);
    expect(r === 0 || r === p.EINPROGRESS, p.errno_atom(r)).to.equal(true);
    await poll.wait(ct, p.EV_OUT);
    const a = fds.track(p.accept(l));
    const at = poll.add(a);
    expect(p.send(c, Buffer.from('unix'), 0, 4, 0)).to.equal(4);
    await poll.wait(at, p.EV_IN);
    const b = Buffer.alloc(8);
    expect(p.recv(a, b, 0, 8, 0)).to.equal(4);
    expect(b.toString('latin1', 0, 4)).to.equal('unix');
  }

  it('round-trips a stream over a filesystem path', async () => {
    await stream_roundtrip({ family: 'local', path: path.join(dir, 'sock') });
  });

  it('round-trips a stream over an abstract name (leading NUL, no file)', async () => {
    const name = Buffer.concat([Buffer.from([0]), Buffer.from(`erlsock-test-${process.pid}-${Date.now()}`)]);
    await stream_roundtrip({ family: 'local', path: name });
  });

  it('sends datagrams between bound paths and names the sender', async () => {
    const pa = path.join(dir, 'a');
    const pb = path.join(dir, 'b');
    const a = fds.track(p.socket(C.AF_UNIX!, C.SOCK_DGRAM!, 0));
    const b = fds.track(p.socket(C.AF_UNIX!, C.SOCK_DGRAM!, 0));
    p.bind(a, { family: 'local', path: pa });
    p.bind(b, { family: 'local', path: pb });
    const tb = poll.add(b);
    expect(p.sendto(a, Buffer.from('dgram'), 0, 5, 0, { family: 'local', path: pb })).to.equal(5);
    await poll.wait(tb, p.EV_IN);
    const buf = Buffer.alloc(16);
    expect(p.recvfrom(b, buf, 0, 16, 0)).to.equal(5);
    expect(p.last_addr()).to.deep.equal({ family: 'local', path: pa });
  });

  it('passes a descriptor with SCM_RIGHTS; the received fd is owned (closable, counted)', async () => {
    const name = Buffer.concat([Buffer.from([0]), Buffer.from(`erlsock-rights-${process.pid}-${Date.now()}`)]);
    const l = fds.track(p.socket(C.AF_UNIX!, C.SOCK_STREAM!, 0));
    p.bind(l, { family: 'local', path: name });
    p.listen(l, 1);
    const c = fds.track(p.socket(C.AF_UNIX!, C.SOCK_STREAM!, 0));
    const ct = poll.add(c);
    p.connect(c, { family: 'local', path: name });
    await poll.wait(ct, p.EV_OUT);
    const a = fds.track(p.accept(l));
    const at = poll.add(a);
    const u = fds.track(p.socket(C.AF_INET!, C.SOCK_DGRAM!, 0));
    p.bind(u, { family: 'inet', addr: 'loopback' });
    const fdbuf = Buffer.alloc(4);
    fdbuf.writeInt32LE(u, 0);
    expect(p.sendmsg(c, [Buffer.from('F')], undefined, [{ level: C.SOL_SOCKET!, type: C.SCM_RIGHTS!, data: fdbuf }], 0)).to.equal(1);
    await poll.wait(at, p.EV_IN);
    const before = p.open_fds();
    const m = p.recvmsg(a, 8, p.cmsg_space(4), 0);
    if (typeof m === 'number') throw new Error(p.errno_atom(m));
    expect(m.ctrl).to.have.length(1);
    const got = m.ctrl[0]!.data.readInt32LE(0);
    expect(got).to.not.equal(u);
    expect(p.open_fds()).to.equal(before + 1);
    expect(p.sockname(got)).to.deep.equal(p.sockname(u)); // the same socket
    expect(p.close(got)).to.equal(0);
    expect(p.open_fds()).to.equal(before);
  });

  it('refuses a path longer than sun_path (no truncation)', () => {
    const long = { family: 'local' as const, path: 'x'.repeat(200) };
    expect(p.encode_sockaddr(long, Buffer.alloc(p.SOCKADDR_MAX))).to.equal(-1);
    const s = fds.track(p.socket(C.AF_UNIX!, C.SOCK_STREAM!, 0));
    expect(() => p.bind(s, long)).to.throw(TypeError);
  });
});
