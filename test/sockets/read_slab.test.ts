// Where reads land, alone: the bytes a "read" writes into landing come back from take() as a
// Buffer of exactly their size, and no later read overwrites a Buffer already handed out
// (the socket tests drive the same code over real sockets).
import { expect } from 'chai';
import * as sinon from 'sinon';
import { landing, read_into, recv_landing, send_from, take } from '../../sockets/read_slab';
import { p, Poll, Fds, tcp_pair } from '../native/_support';

/** What a recv of n bytes does to the landing area: writes them at landing.at. */
function fake_read(bytes: Buffer): void {
  bytes.copy(landing.buf, landing.at);
}

describe('sockets/read_slab', () => {
  it('small reads come back as views of one slab, each 8-aligned after the last, none overwritten', () => {
    const kept: [Buffer, Buffer][] = [];
    for (let i = 0; i < 2000; i++) {
      const n = 1 + ((i * 37) % 300);
      read_into(8192);
      const at = landing.at;
      expect(at % 8).to.equal(0);
      const sent = Buffer.alloc(n, i & 0xff);
      fake_read(sent);
      const got = take(n);
      expect(got.length).to.equal(n);
      kept.push([got, sent]);
    }
    // The slab was renewed many times over (2,000 reads of ~150 bytes in 32 KiB slabs);
    // every Buffer handed out still holds its own bytes.
    for (const [got, sent] of kept) expect(got.equals(sent)).to.equal(true);
    const views = new Set(kept.map(([g]) => g.buffer));
    expect(views.size).to.be.greaterThan(1);
    expect(views.size).to.be.lessThan(kept.length);
  });

  it('a read larger than 8192 bytes lands in scratch and is copied out at the size that came', () => {
    read_into(100_000);
    expect(landing.at).to.equal(0);
    expect(landing.buf.length).to.be.at.least(100_000);
    const sent = Buffer.alloc(70_000, 7);
    fake_read(sent);
    const got = take(70_000);
    expect(got.length).to.equal(70_000);
    expect(got.buffer).to.not.equal(landing.buf.buffer); // a copy: the next read reuses scratch
    read_into(100_000);
    fake_read(Buffer.alloc(70_000, 9));
    expect(got.equals(sent)).to.equal(true);
  });

  describe('over a real socket pair', () => {
    let poll: Poll;
    const fds = new Fds();
    beforeEach(() => { poll = new Poll(); });
    afterEach(() => { fds.closeAll(); poll.stop(); sinon.restore(); });

    /** What a nowait recv does: read into landing, take what came. */
    function read(fd: number): Buffer {
      read_into(8192);
      const n = recv_landing(fd, 8192, 0);
      expect(n, p.errno_atom(n)).to.be.above(0);
      return take(n);
    }

    it('reads land in the slab; the Buffer just read is sent back from the slab, any other Buffer as given', async () => {
      const { c, a, at, ct } = await tcp_pair(fds, poll);
      const slab_send = sinon.spy(p, 'send_slab');
      const buf_send = sinon.spy(p, 'send_at');
      expect(p.send(c, Buffer.from('ping'), 0, 4, 0)).to.equal(4);
      await poll.wait(at, p.EV_IN);
      const got = read(a);
      expect(got.toString()).to.equal('ping');
      expect(got.buffer).to.equal(landing.buf.buffer); // a view of the slab
      expect(send_from(a, got, 1, 3, 0)).to.equal(3); // an echo of part of it
      expect([slab_send.callCount, buf_send.callCount]).to.deep.equal([1, 0]);
      expect(send_from(a, Buffer.from('!'), 0, 1, 0)).to.equal(1);
      expect([slab_send.callCount, buf_send.callCount]).to.deep.equal([1, 1]);
      await poll.wait(ct, p.EV_IN);
      const b = Buffer.alloc(8);
      expect(p.recv(c, b, 0, 8, 0)).to.equal(4);
      expect(b.toString('latin1', 0, 4)).to.equal('ing!');
    });

    it('a Buffer read before the slab was renewed is sent as a Buffer, with its own bytes', async () => {
      const { c, a, at, ct } = await tcp_pair(fds, poll);
      expect(p.send(c, Buffer.from('old'), 0, 3, 0)).to.equal(3);
      await poll.wait(at, p.EV_IN);
      const old = read(a);
      const old_slab = old.buffer;
      // Fill the slab until it is renewed.
      for (let i = 0; i < 64 && landing.buf.buffer === old_slab; i++) { read_into(8192); take(1024); read_into(8192); }
      expect(landing.buf.buffer).to.not.equal(old_slab);
      const slab_send = sinon.spy(p, 'send_slab');
      expect(send_from(a, old, 0, 3, 0)).to.equal(3);
      expect(slab_send.callCount).to.equal(0);
      await poll.wait(ct, p.EV_IN);
      const b = Buffer.alloc(3);
      expect(p.recv(c, b, 0, 3, 0)).to.equal(3);
      expect(b.toString()).to.equal('old');
    });

    it('a received message\'s ArrayBuffer in a transfer list is copied: the slab is not detached', async () => {
      const { c, a, at } = await tcp_pair(fds, poll);
      expect(p.send(c, Buffer.from('mine'), 0, 4, 0)).to.equal(4);
      await poll.wait(at, p.EV_IN);
      const got = read(a);
      const ab = got.buffer as ArrayBuffer;
      const copy = structuredClone(ab, { transfer: [ab] });
      expect(got.buffer.byteLength).to.be.above(0);
      expect(got.toString()).to.equal('mine');
      expect(Buffer.from(copy, got.byteOffset, 4).toString()).to.equal('mine');
      expect(p.send(c, Buffer.from('next'), 0, 4, 0)).to.equal(4);
      await poll.wait(at, p.EV_IN);
      expect(read(a).toString()).to.equal('next');
    });
  });
});
