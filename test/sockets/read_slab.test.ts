// Where reads land, alone: the bytes a "read" writes into landing come back from take() as a
// Buffer of exactly their size, and no later read overwrites a Buffer already handed out
// (the socket tests drive the same code over real sockets).
import { expect } from 'chai';
import { landing, read_into, take } from '../../sockets/read_slab';

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
});
