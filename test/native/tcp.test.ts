import { expect } from 'chai';
import { p, C, Poll, Fds, tcp_pair, listener, tick } from './_support';
import { landing, read_into } from '../../sockets/read_slab';

describe('native: TCP over 127.0.0.1', () => {
  let poll: Poll;
  const fds = new Fds();
  beforeEach(() => { poll = new Poll(); });
  afterEach(() => { fds.closeAll(); poll.stop(); });

  it('completes a non-blocking connect with EINPROGRESS, EPOLLOUT and SO_ERROR 0', async () => {
    const l = listener(fds);
    const c = fds.track(p.socket(C.AF_INET!, C.SOCK_STREAM!, 0));
    const t = poll.add(c);
    const r = p.connect(c, { family: 'inet', addr: [127, 0, 0, 1], port: l.port });
    expect(p.errno_atom(r)).to.equal('einprogress');
    const ev = await poll.wait(t, p.EV_OUT);
    expect(ev & p.EV_OUT).to.equal(p.EV_OUT);
    expect(p.connect_result(c)).to.equal(0);
    expect(p.peername(c)).to.deep.equal({ family: 'inet', addr: [127, 0, 0, 1], port: l.port });
  });

  it('reports a refused connect as econnrefused through SO_ERROR', async () => {
    const l = listener(fds);
    p.close(l.fd); // the port is now closed
    const c = fds.track(p.socket(C.AF_INET!, C.SOCK_STREAM!, 0));
    const t = poll.add(c);
    const r = p.connect(c, { family: 'inet', addr: 'loopback', port: l.port });
    if (r === p.EINPROGRESS) {
      await poll.wait(t, p.EV_OUT | p.EV_ERR | p.EV_HUP);
      expect(p.errno_atom(p.connect_result(c))).to.equal('econnrefused');
    } else {
      expect(p.errno_atom(r)).to.equal('econnrefused');
    }
  });

  it('round-trips bytes both ways, reading straight into the caller\'s buffer at an offset', async () => {
    const { c, a, at, ct } = await tcp_pair(fds, poll);
    expect(p.send(c, Buffer.from('hello world'), 6, 5, 0)).to.equal(5);
    await poll.wait(at, p.EV_IN);
    const buf = Buffer.alloc(16, 0x2e);
    expect(p.recv(a, buf, 3, 10, 0)).to.equal(5);
    expect(buf.toString('latin1', 0, 8)).to.equal('...world');
    expect(p.send(a, Buffer.from('back'), 0, 4, 0)).to.equal(4);
    await poll.wait(ct, p.EV_IN);
    const b2 = Buffer.alloc(4);
    expect(p.recv(c, b2, 0, 4, 0)).to.equal(4);
    expect(b2.toString()).to.equal('back');
  });

  it('recv_at and send_at (numbers through the io_args slots) do what recv and send do', async () => {
    const { c, a, at, ct } = await tcp_pair(fds, poll);
    expect(p.send_at(c, Buffer.from('hello world'), 6, 5, 0)).to.equal(5);
    await poll.wait(at, p.EV_IN);
    const buf = Buffer.alloc(16, 0x2e);
    expect(p.recv_at(a, buf, 3, 10, 0)).to.equal(5);
    expect(buf.toString('latin1', 0, 8)).to.equal('...world');
    expect(p.errno_atom(p.recv_at(a, buf, 0, 8, 0))).to.equal('eagain');
    expect(p.send_at(a, Buffer.from('back'), 0, 4, 0)).to.equal(4);
    await poll.wait(ct, p.EV_IN);
    const b2 = Buffer.alloc(4);
    expect(p.recv_at(c, b2, 0, 4, p.constants.MSG_PEEK!)).to.equal(4); // flags reach the call
    expect(p.recv(c, b2.fill(0), 0, 4, 0)).to.equal(4);
    expect(b2.toString()).to.equal('back');
    expect(p.errno_atom(p.recv_at(-1, b2, 0, 4, 0))).to.equal('ebadf');
    // The Buffer and the range are checked as recv's and send's are.
    expect(() => p.recv_at(a, 'abcd' as unknown as Buffer, 0, 4, 0)).to.throw(TypeError);
    expect(() => p.recv_at(a, new Uint16Array(4) as unknown as Buffer, 0, 4, 0)).to.throw(TypeError);
    expect(() => p.recv_at(a, Buffer.alloc(4), 1, 4, 0)).to.throw(RangeError);
    expect(() => p.send_at(a, Buffer.alloc(4), -1, 2, 0)).to.throw(RangeError);
  });

  it('recv_slab and send_slab read and write in the ArrayBuffer slab_set registered', async () => {
    // The runtime's own read slab is registered in this process: put it back afterwards.
    read_into(1);
    const runtime_slab = landing.buf.buffer as ArrayBuffer;
    try {
      const { c, a, at, ct } = await tcp_pair(fds, poll);
      expect(() => p.slab_set(Buffer.alloc(8) as unknown as ArrayBuffer)).to.throw(TypeError);
      const slab = new ArrayBuffer(32);
      const view = Buffer.from(slab);
      view.write('..hello world', 0, 'latin1');
      p.slab_set(slab);
      expect(p.send_slab(c, 8, 5, 0)).to.equal(5);
      await poll.wait(at, p.EV_IN);
      expect(p.recv_slab(a, 20, 10, 0)).to.equal(5);
      expect(view.toString('latin1', 20, 25)).to.equal('world');
      expect(p.errno_atom(p.recv_slab(a, 0, 8, 0))).to.equal('eagain');
      expect(p.errno_atom(p.recv_slab(-1, 0, 8, 0))).to.equal('ebadf');
      // The range is the slab's.
      expect(() => p.recv_slab(a, 30, 4, 0)).to.throw(RangeError);
      expect(() => p.send_slab(a, -1, 2, 0)).to.throw(RangeError);
      // A slab transferred away (detached) has no bytes left: nothing is written into it.
      expect(p.send_slab(a, 2, 5, 0)).to.equal(5);
      await poll.wait(ct, p.EV_IN);
      const moved = structuredClone(slab, { transfer: [slab] });
      expect(slab.byteLength).to.equal(0);
      expect(() => p.recv_slab(c, 0, 5, 0)).to.throw(RangeError);
      expect(Buffer.from(moved).toString('latin1', 2, 7)).to.equal('hello');
      const b = Buffer.alloc(5);
      expect(p.recv(c, b, 0, 5, 0)).to.equal(5); // the bytes stayed in the socket
      expect(b.toString()).to.equal('hello');
    } finally {
      p.slab_set(runtime_slab);
    }
  });

  it('answers eagain on an empty socket and on accept with no pending connection', async () => {
    const { a } = await tcp_pair(fds, poll);
    expect(p.errno_atom(p.recv(a, Buffer.alloc(8), 0, 8, 0))).to.equal('eagain');
    const l = listener(fds);
    expect(p.errno_atom(p.accept(l.fd))).to.equal('eagain');
  });

  it('peeks without consuming (MSG_PEEK) and sees EOF as 0 after the peer shuts down', async () => {
    const { c, a, at } = await tcp_pair(fds, poll);
    p.send(c, Buffer.from('abc'), 0, 3, 0);
    await poll.wait(at, p.EV_IN);
    const b = Buffer.alloc(3);
    expect(p.recv(a, b, 0, 3, C.MSG_PEEK!)).to.equal(3);
    expect(p.recv(a, b, 0, 3, 0)).to.equal(3);
    expect(p.shutdown(c, p.SHUT_WR)).to.equal(0);
    const ev = await poll.wait(at, p.EV_RDHUP | p.EV_IN);
    expect(ev & (p.EV_RDHUP | p.EV_IN)).to.not.equal(0);
    expect(p.recv(a, b, 0, 3, 0)).to.equal(0);
  });

  it('gives epipe (not SIGPIPE) when sending after shutdown(write)', async () => {
    const { c } = await tcp_pair(fds, poll);
    p.shutdown(c, p.SHUT_WR);
    expect(p.errno_atom(p.send(c, Buffer.from('x'), 0, 1, 0))).to.equal('epipe');
  });

  it('writes partially under a full send buffer, then delivers every byte in order', async () => {
    const { c, a } = await tcp_pair(fds, poll);
    // A small send buffer makes the first send partial; a tiny receive buffer too would
    // crawl on zero-window probes, so that one keeps its default.
    p.setopt(c, C.SOL_SOCKET!, C.SO_SNDBUF!, { int: 65536 });
    const total = 8 * 1024 * 1024;
    const data = Buffer.alloc(total);
    for (let i = 0; i < total; i++) data[i] = (i * 7 + (i >> 11)) & 0xff;
    let sent = 0;
    let partial = 0;
    let eagain = 0;
    const got = Buffer.alloc(total);
    let received = 0;
    const rbuf = Buffer.alloc(65536);
    const deadline = Date.now() + 10000;
    while (received < total && Date.now() < deadline) {
      while (sent < total) {
        const want = total - sent;
        const n = p.send(c, data, sent, want, 0);
        if (n === p.EAGAIN) { eagain++; break; }
        expect(n, p.errno_atom(n)).to.be.greaterThan(0);
        if (n < want) partial++;
        sent += n;
      }
      for (;;) {
        const n = p.recv(a, rbuf, 0, rbuf.length, 0);
        if (n === p.EAGAIN) break;
        expect(n, p.errno_atom(n)).to.be.greaterThan(0);
        rbuf.copy(got, received, 0, n);
        received += n;
      }
      // Edge-triggered: both sides are drained to EAGAIN, so the next edge (data on a,
      // room on c) must come.
      if (received < total) await poll.next_batch();
    }
    expect(partial).to.be.greaterThan(0);
    expect(eagain).to.be.greaterThan(0);
    expect(received).to.equal(total);
    expect(got.equals(data)).to.equal(true);
  });

  it('reports econnreset after the peer aborts with linger 0', async () => {
    const { c, a, at } = await tcp_pair(fds, poll);
    const linger = p.encode_opt('linger', { onoff: true, linger: 0 })!;
    expect(p.setopt(c, C.SOL_SOCKET!, C.SO_LINGER!, linger)).to.equal(0);
    p.close(c);
    await poll.wait(at, p.EV_HUP | p.EV_ERR | p.EV_RDHUP | p.EV_IN);
    await tick(5);
    expect(p.errno_atom(p.recv(a, Buffer.alloc(4), 0, 4, 0))).to.equal('econnreset');
  });
});
