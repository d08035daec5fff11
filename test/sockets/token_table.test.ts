// The poller's token → socket table, alone, against a Map doing the same operations (the
// socket tests drive it over real sockets).
import { expect } from 'chai';
import { TokenTable } from '../../sockets/token_table';

interface Entry {
  state: { token: number };
}

const entry = (token: number): Entry => ({ state: { token } });

// A small deterministic generator, so a failure replays.
function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => (x = (Math.imul(x, 1664525) + 1013904223) >>> 0);
}

describe('sockets/token_table', () => {
  it('finds what was added, forgets what was deleted, ignores unknown tokens', () => {
    const t = new TokenTable<Entry>();
    const a = entry(1);
    const b = entry(65); // same home slot as 1 in the first 64 slots
    t.add(a);
    t.add(b);
    expect(t.get(1)).to.equal(a);
    expect(t.get(65)).to.equal(b);
    expect(t.get(129)).to.equal(undefined);
    expect(t.size).to.equal(2);
    expect(t.delete(1)).to.equal(true);
    expect(t.get(1)).to.equal(undefined);
    expect(t.get(65)).to.equal(b); // moved back into the hole, still found
    expect(t.delete(1)).to.equal(false);
    expect(t.size).to.equal(1);
  });

  it('agrees with a Map over random adds and deletes, through growth and shrinking', () => {
    const rnd = lcg(13);
    const t = new TokenTable<Entry>();
    const m = new Map<number, Entry>();
    let next = 0;
    for (let step = 0; step < 60000; step++) {
      // Grow to a few thousand, then mostly delete, then grow again: every resize path.
      const phase = Math.floor(step / 15000) % 2;
      const add = m.size === 0 || rnd() % 100 < (phase === 0 ? 70 : 30);
      if (add) {
        // Mostly consecutive tokens (as the poller's counter gives), sometimes a jump.
        next += rnd() % 10 === 0 ? 1 + (rnd() % 5000) : 1;
        const e = entry(next);
        t.add(e);
        m.set(next, e);
      } else {
        const keys = [...m.keys()];
        const k = keys[rnd() % keys.length]!;
        expect(t.delete(k)).to.equal(true);
        m.delete(k);
      }
      if (step % 997 === 0) {
        expect(t.size).to.equal(m.size);
        // values(): every entry once (the registry lists which_sockets from it)
        const tok = (e: Entry): number => e.state.token;
        expect(t.values().map(tok).sort((x, y) => x - y)).to.deep.equal([...m.keys()].sort((x, y) => x - y));
        for (const [k, e] of m) expect(t.get(k)).to.equal(e);
        for (let k = next + 1; k < next + 50; k++) expect(t.get(k)).to.equal(undefined);
      }
    }
    for (const [k, e] of m) expect(t.get(k)).to.equal(e);
  });

  it('handles tokens near 2^32 (the counter never wraps, but the mask must hold for any)', () => {
    const t = new TokenTable<Entry>();
    const es = [0xffffffff, 0xfffffffe, 0x80000000, 63, 127].map(entry);
    for (const e of es) t.add(e);
    for (const e of es) expect(t.get(e.state.token)).to.equal(e);
    for (const e of es) expect(t.delete(e.state.token)).to.equal(true);
    expect(t.size).to.equal(0);
  });
});
