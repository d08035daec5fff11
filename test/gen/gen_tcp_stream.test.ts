// No bytes lost, whatever the chunking: packets of random sizes sent in random pieces arrive
// whole and in order, in every packet mode, passive and {active, once}; malformed HTTP never
// crashes the decoder.
import { expect } from 'chai';
import * as gen_tcp from '../../gen/gen_tcp';
import * as inet from '../../gen/inet';
import { decode } from '../../gen/packet';
import { run, receive, on, after, _, spawn, Proc } from '../../runtime';
import { ok, open_fds } from '../support/sockets';

type S = gen_tcp.GenSocket;

// A small deterministic generator, so a failure repeats.
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    return x / 0x100000000;
  };
}

function frame(mode: 1 | 2 | 4 | 'line', p: Buffer): Buffer {
  if (mode === 'line') return p;
  const h = Buffer.alloc(mode);
  if (mode === 1) h[0] = p.length; else if (mode === 2) h.writeUInt16BE(p.length); else h.writeUInt32BE(p.length);
  return Buffer.concat([h, p]);
}

function packets(mode: 1 | 2 | 4 | 'line', n: number, r: () => number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const max = mode === 1 ? 255 : mode === 'line' ? 3000 : 20000;
    const len = Math.floor(r() * r() * max);
    const b = Buffer.alloc(len);
    for (let k = 0; k < len; k++) b[k] = mode === 'line' ? 32 + Math.floor(r() * 90) : Math.floor(r() * 256);
    out.push(mode === 'line' ? Buffer.concat([b, Buffer.from('\n')]) : b);
  }
  return out;
}

describe('gen/gen_tcp: streams in pieces', function () {
  this.timeout(20000);
  let fds0 = 0;
  beforeEach(() => { fds0 = open_fds(); });
  afterEach(() => { expect(open_fds(), 'fds leaked').to.equal(fds0); });

  for (const mode of [1, 2, 4, 'line'] as const) {
    for (const active of [false, 'once'] as const) {
      it(`packet ${mode}, active ${String(active)}: 200 packets in random pieces arrive whole and in order`, () => run(function* () {
        const r = rng(mode === 'line' ? 7 : mode * 31 + (active ? 1 : 0));
        const ps = packets(mode, 200, r);
        const l = ok<S>(gen_tcp.listen(0, ['binary', ['active', false], ['packet', mode]]));
        const c = ok<S>(yield* gen_tcp.connect([127, 0, 0, 1], ok<number>(inet.port(l)), ['binary', ['active', false], ['nodelay', true]]));
        const a = ok<S>(yield* gen_tcp.accept(l));
        const wire = Buffer.concat(ps.map((p) => frame(mode, p)));
        const cuts = Array.from({ length: 300 }, () => Math.floor(r() * wire.length)).sort((x, y) => x - y);
        spawn(function* (): Proc<void> {
          let at = 0;
          for (const cut of [...cuts, wire.length]) {
            if (cut > at) yield* gen_tcp.send(c, wire.subarray(at, cut));
            at = Math.max(at, cut);
            if (r() < 0.1) yield* receive(after(1, () => 0));
          }
        });
        for (const p of ps) {
          let got: unknown;
          if (active === false) got = yield* gen_tcp.recv(a, 0, 5000);
          else {
            inet.setopts(a, [['active', 'once']]);
            got = yield* receive(on(['tcp', a, _], (m) => ['ok', m[2]]), after(5000, () => 'none'));
          }
          expect(got).to.deep.equal(['ok', p]);
        }
        gen_tcp.close(c); gen_tcp.close(a); gen_tcp.close(l);
      }));
    }
  }

  it('a 4 MiB line and a 4 MiB {packet, 4} body, collected from thousands of reads, in linear time', () => run(function* () {
    for (const mode of ['line', 4] as const) {
      for (const active of [false, true]) {
        const l = ok<S>(gen_tcp.listen(0, ['binary', ['active', false], ['packet', mode]]));
        const c = ok<S>(yield* gen_tcp.connect([127, 0, 0, 1], ok<number>(inet.port(l)), ['binary', ['active', false]]));
        const a = ok<S>(yield* gen_tcp.accept(l));
        const body = Buffer.alloc(4 << 20, 0x61);
        const p = mode === 'line' ? Buffer.concat([body, Buffer.from('\n')]) : body;
        const t0 = Date.now();
        spawn(function* () { yield* gen_tcp.send(c, mode === 'line' ? p : frame(4, p)); });
        let got: unknown;
        if (active) {
          inet.setopts(a, [['active', 'once']]);
          got = yield* receive(on(['tcp', a, _], (m) => m[2]), after(10000, () => 'none'));
        } else got = ok<Buffer>(yield* gen_tcp.recv(a, 0, 10000));
        expect((got as Buffer).equals(p)).to.equal(true);
        expect(Date.now() - t0, `${mode} ${String(active)}`).to.be.below(3000);
        gen_tcp.close(c); gen_tcp.close(a); gen_tcp.close(l);
      }
    }
  }));

  it('random bytes never make the HTTP decoder throw, and every byte is accounted for', () => {
    const r = rng(99);
    const alphabet = Buffer.from('GET / HTTP/1.1\r\n: \t\nabcXYZ-*?:%0129\x00\xff');
    for (let i = 0; i < 2000; i++) {
      const len = Math.floor(r() * 200);
      const b = Buffer.alloc(len);
      for (let k = 0; k < len; k++) b[k] = alphabet[Math.floor(r() * alphabet.length)]!;
      for (const type of ['http_bin', 'httph_bin', 'http', 'httph'] as const) {
        let at = 0;
        for (;;) {
          const d = decode(type, b, at, { packet_size: 100, line_delimiter: 10 });
          if (d === 'more' || d[0] === 'error') break;
          expect(d[2]).to.be.above(at);
          at = d[2];
        }
      }
    }
  });
});
