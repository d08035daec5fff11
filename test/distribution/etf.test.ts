import { expect } from 'chai';
import { execFileSync } from 'child_process';
import * as path from 'path';
import { decode, encode, EtfError, MAX_DEPTH, decode_dist_header, decode_dist_term } from '../../distribution/etf';
import { List, Float, BitString, Opaque, ExtRef, ExtPort, list, charlist } from '../../distribution/terms';
import { RemotePid } from '../../runtime/remote';
import { Pid, Ref } from '../../runtime/terms';

// The escript sits next to this test in the source tree (dist/test/... → test/...).
const ESCRIPT = path.resolve(__dirname, '../../../test/distribution/etf_terms.escript');

function escript(mode: string, input?: string): string[] {
  const out = execFileSync('escript', [ESCRIPT, mode], { input, timeout: 20000, encoding: 'utf8' });
  return out.trim().split('\n');
}

describe('distribution/etf', function () {
  this.timeout(30000);

  describe('every term OTP 25 makes, round-tripped through erl', () => {
    let wire: Buffer[];
    let terms: unknown[];
    before(() => {
      wire = escript('gen').map((h) => Buffer.from(h, 'hex'));
      terms = wire.map((b) => decode(b));
    });

    it('comes back from erlsock exactly (=:=) as erl made it', () => {
      const back = terms.map((t, i) => `${wire[i].toString('hex')} ${encode(t).toString('hex')}`).join('\n') + '\n';
      const verdicts = escript('check', back);
      expect(verdicts).to.have.length(terms.length);
      verdicts.forEach((v, i) => expect(v, `term #${i + 1}`).to.equal('ok'));
    });

    it('decodes to the documented JS values', () => {
      const [a, heh, , long, , empty, t, f, undef] = terms;
      expect([a, heh, empty, t, f, undef]).to.deep.equal(['atom', 'héllo', '', true, false, 'undefined']);
      expect(long).to.equal('x'.repeat(255));
      expect(terms.slice(9, 17)).to.deep.equal([0, 255, 256, -1, 2147483647, -2147483648, 2147483648, -2147483649]);
      expect(terms[17]).to.equal(2n ** 53n); // past Number.MAX_SAFE_INTEGER: a bigint
      expect(terms[18]).to.equal(2n ** 53n + 1n);
      expect(terms[19]).to.equal(-(2n ** 64n));
      expect(terms[20]).to.equal(2n ** 2100n);
      expect(terms[22]).to.be.instanceOf(Float).and.have.property('value', 1);
      expect(Object.is((terms[23] as Float).value, -0)).to.equal(true);
      expect(terms[25]).to.equal(3.14);
      expect(terms[29]).to.deep.equal(Buffer.alloc(0));
      expect(terms[30]).to.deep.equal(Buffer.from([1, 2, 3]));
      const bits = terms[31] as BitString;
      expect(bits).to.be.instanceOf(BitString);
      expect([bits.bits, bits.bytes[0]]).to.deep.equal([3, 0b00100000]);
      expect(terms[34]).to.deep.equal([]);
      expect(terms[35]).to.deep.equal(['a', 1]);
      const nil = terms[38] as List;
      expect(nil).to.be.instanceOf(List);
      expect(nil.items).to.deep.equal([]);
      expect((terms[39] as List).to_string()).to.equal('abc');
      const improper = terms[40] as List;
      expect([improper.proper, improper.items, improper.tail]).to.deep.equal([false, [1, 2], 3]);
      expect((terms[43] as List).to_string()).to.equal('λx');
      expect((terms[44] as List).items).to.have.length(70000);
      expect(terms[48]).to.deep.equal({});
      expect(terms[49]).to.deep.equal({ a: 1 });
      expect(terms[50]).to.be.instanceOf(Map);
      expect(terms[53]).to.be.instanceOf(RemotePid).and.have.property('node', 'nonode@nohost');
      expect(terms[54]).to.be.instanceOf(ExtRef);
      expect(terms[55]).to.be.instanceOf(ExtPort);
      expect(terms[56]).to.be.instanceOf(Opaque);
      expect(terms[57]).to.be.instanceOf(Opaque);
    });

    it('gives the same object for the same remote pid or ref each time', () => {
      const again = decode(wire[53]);
      expect(again).to.equal(terms[53]);
      expect(decode(wire[54])).to.equal(terms[54]);
    });
  });

  it('encodes erlsock terms as the documented Erlang terms', () => {
    // Checked against term_to_binary on erl: {ok, [1,2,3], "hi", 1.0, <<"b">>, #{k => [a]}}
    const t = ['ok', list(1, 2, 3), charlist('hi'), new Float(1), Buffer.from('b'), { k: list('a') }];
    const back = decode(encode(t)) as unknown[];
    expect(back[0]).to.equal('ok');
    expect((back[1] as List).items).to.deep.equal([1, 2, 3]);
    expect((back[2] as List).to_string()).to.equal('hi');
    expect(back[3]).to.be.instanceOf(Float);
  });

  it('gives a local pid and ref back as the same objects', () => {
    const p = new Pid(4242);
    const r = new Ref();
    const back = decode(encode([p, r])) as unknown[];
    expect(back[0]).to.equal(p);
    expect(back[1]).to.equal(r);
  });

  it('refuses what Erlang has no term for', () => {
    for (const bad of [null, undefined, NaN, Infinity, () => 1, Symbol('s'), new Date(), 'a'.repeat(256)]) {
      expect(() => encode(bad), String(bad)).to.throw(EtfError);
    }
    const cyclic: unknown[] = [];
    cyclic.push(cyclic);
    expect(() => encode(cyclic)).to.throw(EtfError, /deeper/);
  });

  it('refuses truncated, oversized, malformed and too deep input with an EtfError', () => {
    const cases: Array<[string, RegExp]> = [
      ['', /truncated/],
      ['82', /version/],
      ['83', /truncated/],
      ['836d7fffffff', /truncated/], // a 2 GiB binary in 6 bytes
      ['836f7fffffff00', /truncated/], // a huge bignum
      ['836cffffffff', /truncated/], // a huge list
      ['8374ffffffff', /truncated/], // a huge map
      ['8369ffffffff', /truncated/], // a huge tuple
      ['83ff', /unknown term tag 255/],
      ['8377036869', /truncated/],
      ['837702c328', /UTF-8/],
      ['8361016a', /trailing/],
      ['834d0000000009ff', /bitstring/],
      ['8346 7ff0000000000000'.replace(' ', ''), /finite/],
      ['8352 00'.replace(' ', ''), /atom cache/],
      ['835a0006770161000000000000000100000002000000030000000400000005000000', /ids/],
    ];
    for (const [hex, why] of cases) expect(() => decode(Buffer.from(hex, 'hex')), hex).to.throw(EtfError, why);
    const deep = Buffer.concat([Buffer.from([131]), Buffer.alloc(2 * (MAX_DEPTH + 10), 0).fill(Buffer.from([104, 1])), Buffer.from([106])]);
    expect(() => decode(deep)).to.throw(EtfError, /nested/);
  });

  it('reads a distribution header: new atom cache entries, then references to them in later packets', () => {
    const cache = new Array<string | undefined>(2048);
    // 2 refs: index 0 new in segment 0 slot 5 ("hello"), index 1 new in segment 3 slot 1 ("wörld");
    // flags byte 0 = (8|3)<<4 | (8|0), flags byte 1 = 0 (short atoms)
    const first = Buffer.concat([Buffer.from([2, 0xb8, 0x00, 5, 5]), Buffer.from('hello'), Buffer.from([1, 6]), Buffer.from('wörld'),
      Buffer.from([104, 2, 82, 0, 82, 1])]);
    const [refs, hend] = decode_dist_header(first, 0, first.length, cache);
    expect(refs).to.deep.equal(['hello', 'wörld']);
    expect(decode_dist_term(first, hend, first.length, refs)).to.deep.equal([['hello', 'wörld'], first.length]);
    // a later packet: one cached reference (segment 3, slot 1), not new
    const later = Buffer.from([1, 0x03, 1, 82, 0]);
    const [refs2, h2] = decode_dist_header(later, 0, later.length, cache);
    expect(decode_dist_term(later, h2, later.length, refs2)[0]).to.equal('wörld');
    // unknown slots and references past the header are errors
    expect(() => decode_dist_header(Buffer.from([1, 0x02, 9]), 0, 3, cache)).to.throw(EtfError, /before it was set/);
    expect(() => decode_dist_term(Buffer.from([82, 3]), 0, 2, refs2)).to.throw(EtfError, /past the header/);
    // mutated headers: a result or an EtfError, nothing else
    let seed = 7;
    for (let i = 0; i < 2000; i++) {
      const b = Buffer.from(first);
      seed = (seed * 1103515245 + 12345) >>> 0;
      b[seed % b.length] = (seed >>> 8) & 0xff;
      const c = new Array<string | undefined>(2048);
      try {
        const [r, e] = decode_dist_header(b, 0, b.length, c);
        decode_dist_term(b, e, b.length, r);
      } catch (err) {
        if (!(err instanceof EtfError)) throw err;
      }
    }
  });

  it('survives 10,000 mutated inputs: a term or an EtfError, never another error or a hang', () => {
    let seed = 0x2545f491;
    const rand = (n: number): number => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) % n;
    };
    const corpus = escript('gen')
      .map((h) => Buffer.from(h, 'hex'))
      .filter((b) => b.length < 4096);
    const started = Date.now();
    let decoded = 0;
    for (let i = 0; i < 10000; i++) {
      const b = Buffer.from(corpus[rand(corpus.length)]);
      const input = mutate(b, rand);
      try {
        decode(input);
        decoded++;
      } catch (e) {
        if (!(e instanceof EtfError)) throw new Error(`input ${input.toString('hex')} threw ${String(e)}`, { cause: e });
      }
    }
    expect(decoded).to.be.greaterThan(0);
    expect(Date.now() - started).to.be.lessThan(15000);
  });
});

function mutate(b: Buffer, rand: (n: number) => number): Buffer {
  switch (rand(5)) {
    case 0: // flip a byte
      if (b.length > 1) b[1 + rand(b.length - 1)] = rand(256);
      return b;
    case 1: // truncate
      return b.subarray(0, rand(b.length + 1));
    case 2: // set a byte to a boundary value
      if (b.length > 1) b[1 + rand(b.length - 1)] = [0, 0x7f, 0x80, 0xff][rand(4)];
      return b;
    case 3: // insert random bytes
      return Buffer.concat([b.subarray(0, rand(b.length)), Buffer.from([rand(256), rand(256), rand(256)]), b.subarray(rand(b.length))]);
    default: // several flips
      for (let k = 0; k < 4 && b.length > 1; k++) b[1 + rand(b.length - 1)] = rand(256);
      return b;
  }
}
