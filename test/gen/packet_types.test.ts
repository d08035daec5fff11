// The packet types sunrm, asn1, cdr, fcgi and tpkt (gen/packet_types.ts) against OTP 25:
// the decoder compared with erlang:decode_packet/3 run on erl over the same bytes (fixed
// cases from test/otp/41_packet_types.escript and seeded random ones), and gen_tcp with real
// Erlang peers both ways (test/gen/erl/packet_peer.escript): an Erlang client sends a framed
// stream in pieces of 1 to 7 bytes to an erlsock {packet, Type} server, and an erlsock client
// sends one to an Erlang {packet, Type} server.
import { expect } from 'chai';
import * as path from 'path';
import { spawn as child_spawn, execFile } from 'child_process';
import * as gen_tcp from '../../gen/gen_tcp';
import * as inet from '../../gen/inet';
import { decode, PacketType } from '../../gen/packet';
import { HEADER_TYPES, HeaderType } from '../../gen/packet_types';
import { run, receive, on, after, _, Proc, await_promise } from '../../runtime';
import type { GenSocket } from '../../gen/gen_socket';
import { ok } from '../support/sockets';

const PEER = path.resolve(__dirname, '..', '..', '..', 'test', 'gen', 'erl', 'packet_peer.escript');
const H = (hex: string): Buffer => Buffer.from(hex, 'hex');
const O = (packet_size = 0): { packet_size: number; line_delimiter: number } => ({ packet_size, line_delimiter: 10 });

/** erlsock's decode in packet_peer's words: "ok PacketHex RestHex", "more", "error". */
function ours(type: PacketType, buf: Buffer, packet_size: number): string {
  const d = decode(type, buf, 0, O(packet_size));
  if (d === 'more') return 'more';
  if (d[0] === 'error') return 'error';
  const hex = (b: Buffer): string => b.toString('hex');
  return `ok ${hex(d[1] as Buffer)} ${hex(buf.subarray(d[2]))}`.trimEnd();
}

function erl_decode(cases: [HeaderType, number, Buffer][]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = execFile('escript', [PEER, 'decode'], { timeout: 30000, maxBuffer: 16 << 20 }, (err, stdout) => {
      if (err) reject(err);
      else resolve(stdout.split('\n').filter((l) => l !== '').map((l) => l.trimEnd()));
    });
    child.stdin!.end(cases.map(([t, n, b]) => `${t} ${n} ${b.length === 0 ? '-' : b.toString('hex')}\n`).join(''));
  });
}

// A seeded generator: the same random cases on every run.
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1103515245 + 12345) >>> 0;
    return s >>> 8;
  };
}

/** Headers of each type, good and bad, cut short or followed by more, with random limits. */
function random_cases(type: HeaderType, count: number, r: () => number): [HeaderType, number, Buffer][] {
  const starts: Record<HeaderType, number[][]> = {
    sunrm: [[0x80, 0, 0, 3], [0, 0, 0, 0], [0x7f, 0xff, 0xff, 0xff], [0, 0, 1, 0]],
    asn1: [[48, 3], [48, 0x81, 2], [48, 0x82, 0, 4], [48, 0x84, 0, 0, 0, 2], [48, 0x85], [31, 0x81, 0x81, 1, 2], [31, 0x81, 2], [48, 0x80]],
    cdr: [[71, 73, 79, 80, 1, 2, 0, 0, 0, 0, 0, 3], [71, 73, 79, 80, 1, 2, 1, 0, 3, 0, 0, 0], [71, 73, 79, 88, 1, 2, 0, 0, 0, 0, 0, 3]],
    fcgi: [[1, 1, 0, 1, 0, 3, 2, 0], [1, 5, 0, 1, 0, 0, 0, 0], [2, 1, 0, 1, 0, 3, 0, 0], [1, 1, 0, 1, 0, 0, 7, 0]],
    tpkt: [[3, 0, 0, 7], [3, 0, 0, 4], [3, 0, 0, 3], [3, 0, 0, 0], [2, 0, 0, 7], [3, 9, 0, 5]],
  };
  const out: [HeaderType, number, Buffer][] = [];
  for (let i = 0; i < count; i++) {
    const pick = starts[type][r() % starts[type].length]!;
    const more = Array.from({ length: r() % 8 }, () => r() % 256);
    // Now and then random bytes in place of a known header.
    const head = r() % 5 === 0 ? Array.from({ length: 1 + (r() % 6) }, () => r() % 256) : pick;
    const all = Buffer.from([...head, ...more]);
    const cut = all.subarray(0, r() % (all.length + 1));
    out.push([type, [0, 0, 1, 2, 3, 5][r() % 6]!, cut]);
  }
  return out;
}

// The fixed cases of test/otp/41_packet_types.escript, as [type, packet_size, bytes].
const FIXED: [HeaderType, number, string][] = [
  ['sunrm', 0, '8000000301020304'], ['sunrm', 0, '000000030102'], ['sunrm', 2, '00000003010203'],
  ['sunrm', 3, '00000003010203'], ['sunrm', 0, 'ffffffff01'], ['sunrm', 0, ''],
  ['asn1', 0, '300301020309'], ['asn1', 0, '308103010203'], ['asn1', 0, '30820003010203'],
  ['asn1', 0, '3083000003010203'], ['asn1', 0, '308400000003010203'], ['asn1', 0, '308001'],
  ['asn1', 0, '30850000000003010203'], ['asn1', 0, '3085'], ['asn1', 0, '1f818101020506'],
  ['asn1', 0, '1f81010205'], ['asn1', 0, '1f81'], ['asn1', 0, '30'], ['asn1', 0, '3084ffffffff'],
  ['asn1', 2, '3003010203'],
  ['cdr', 0, '47494f500102000000000002090907'], ['cdr', 0, '47494f500102010002000000090907'],
  ['cdr', 0, '47494f580102010002000000090907'], ['cdr', 0, '47494f50010201000200000009'],
  ['cdr', 1, '47494f500102000000000002090907'], ['cdr', 0, '47494f500102000080000000'],
  ['fcgi', 0, '0101000100020100070800'], ['fcgi', 0, '010100010002010007080005'], ['fcgi', 0, '0201000100020100070800'],
  ['fcgi', 0, '01010001000201000708'], ['fcgi', 2, '0101000100020100070800'], ['fcgi', 3, '0101000100020100070800'],
  ['tpkt', 0, '03000006010203'], ['tpkt', 0, '03000004'], ['tpkt', 0, '0300000301'], ['tpkt', 0, '020000060102'],
  ['tpkt', 0, '030000090102'], ['tpkt', 4, '030000090102030405'], ['tpkt', 5, '030000090102030405'],
];

describe('gen/packet_types (sunrm, asn1, cdr, fcgi, tpkt)', function () {
  this.timeout(60000);

  it('decodes as OTP 25 does (test/otp/41_packet_types.escript)', () => {
    expect(decode('sunrm', H('8000000301020304'), 0, O())).to.deep.equal(['ok', H('80000003010203'), 7]);
    expect(decode('sunrm', H('000000030102'), 0, O())).to.equal('more');
    expect(decode('sunrm', H('ffffffff01'), 0, O())).to.deep.equal(['error', 'emsgsize']);
    expect(decode('asn1', H('308001'), 0, O())).to.deep.equal(['ok', H('3080'), 2]);
    expect(decode('asn1', H('30850000000003010203'), 0, O())).to.deep.equal(['error', 'emsgsize']);
    expect(decode('asn1', H('1f818101020506'), 0, O())).to.deep.equal(['ok', H('1f818101020506'), 7]);
    expect(decode('cdr', H('47494f500102010002000000090907'), 0, O())).to.deep.equal(['ok', H('47494f5001020100020000000909'), 14]);
    expect(decode('cdr', H('47494f58010201000200000009'), 0, O())).to.deep.equal(['error', 'emsgsize']);
    // fcgi: the padding is read and dropped; packet_size counts content and padding.
    expect(decode('fcgi', H('010100010002010007080005'), 0, O())).to.deep.equal(['ok', H('01010001000201000708'), 11]);
    expect(decode('fcgi', H('0101000100020100070800'), 0, O(2))).to.deep.equal(['error', 'emsgsize']);
    expect(decode('tpkt', H('03000004'), 0, O())).to.deep.equal(['ok', H('03000004'), 4]);
    expect(decode('tpkt', H('0300000301'), 0, O())).to.deep.equal(['error', 'emsgsize']);
    expect(decode('tpkt', H('030000090102030405'), 0, O(5))).to.deep.equal(['ok', H('030000090102030405'), 9]);
    // From an offset, as the active path decodes one buffer packet after packet.
    expect(decode('tpkt', H('ff03000005ee'), 1, O())).to.deep.equal(['ok', H('03000005ee'), 6]);
  });

  it('gives what erlang:decode_packet/3 gives on erl, on fixed and random bytes', async () => {
    const r = rng(20250);
    const cases: [HeaderType, number, Buffer][] = FIXED.map(([t, n, h]) => [t, n, H(h)]);
    for (const t of HEADER_TYPES) cases.push(...random_cases(t, 150, r));
    const theirs = await erl_decode(cases);
    expect(theirs.length).to.equal(cases.length);
    const diffs = cases
      .map(([t, n, b], i) => ({ c: `${t} ${n} ${b.toString('hex')}`, ours: ours(t, b, n), erl: theirs[i] }))
      .filter((d) => d.ours !== d.erl);
    expect(diffs).to.deep.equal([]);
    // The random cases reach every outcome.
    for (const w of ['ok', 'more', 'error']) expect(theirs.some((l) => l.startsWith(w)), w).to.equal(true);
  });

  function erl(args: string[]): { out: () => string; exited: Promise<number>; line: (re: RegExp) => Promise<RegExpExecArray> } {
    const child = child_spawn('escript', [PEER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const waiters: (() => void)[] = [];
    const grow = (d: Buffer): void => {
      out += d.toString();
      for (const w of waiters.splice(0)) w();
    };
    child.stdout!.on('data', grow);
    child.stderr!.on('data', grow);
    const exited = new Promise<number>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (code) => resolve(code ?? -1));
    });
    const line = (re: RegExp): Promise<RegExpExecArray> => new Promise((resolve, reject) => {
      const look = (): void => {
        const m = re.exec(out);
        if (m) resolve(m);
        else waiters.push(look);
      };
      look();
      void exited.then(() => setTimeout(() => reject(new Error(`erl exited: ${out}`)), 100));
    });
    return { out: () => out, exited, line };
  }

  /** What an erlsock {packet, Type} server delivers from one connection, active once. */
  function* collect(l: GenSocket): Proc<string[]> {
    const s = ok<GenSocket>(yield* gen_tcp.accept(l, 10000));
    const got: string[] = [];
    for (;;) {
      inet.setopts(s, [['active', 'once']]);
      const m = (yield* receive(
        on(['tcp', s, _], (x) => x), on(['tcp_error', s, _], (x) => x), on(['tcp_closed', s], (x) => x), after(10000, () => ['timeout']),
      )) as unknown[];
      if (m[0] === 'tcp') got.push(`pkt ${(m[2] as Buffer).toString('hex')}`);
      else if (m[0] === 'tcp_error') got.push(`tcp_error ${String(m[2])}`);
      else {
        got.push(String(m[0]));
        break;
      }
    }
    gen_tcp.close(s);
    return got;
  }

  for (const type of HEADER_TYPES) {
    it(`{packet, ${type}}: an Erlang client's framed stream, good then with a bad header, reaches an erlsock server packet for packet`, () => run(function* () {
      for (const kind of ['good', 'bad']) {
        const l = ok<GenSocket>(gen_tcp.listen(0, ['binary', ['packet', type], ['active', false], ['ip', [127, 0, 0, 1]]]));
        const e = erl(['client', String(ok<number>(inet.port(l))), type, kind]);
        const got = yield* collect(l);
        gen_tcp.close(l);
        expect(yield* await_promise(e.exited), e.out()).to.equal(0);
        const want = e.out().split('\n').filter((x) => x.startsWith('pkt '));
        expect(want.length).to.be.greaterThan(3);
        // The good stream ends when Erlang closes; a bad header ends it with emsgsize (inet's
        // message; then tcp_closed, and the socket is closed).
        const end = kind === 'bad' ? ['tcp_error emsgsize', 'tcp_closed'] : ['tcp_closed'];
        // Compared as one text: a failure then shows where the packets part.
        expect(got.join('\n')).to.equal([...want, ...end].join('\n'));
        expect(e.out()).to.include(kind === 'bad' ? 'error\n' : 'pkt ');
      }
    }));

    it(`{packet, ${type}}: an erlsock client's stream (send does not frame) reaches an Erlang server packet for packet`, () => run(function* () {
      const stream = H((yield* await_promise(new Promise<string>((resolve, reject) => {
        execFile('escript', [PEER, 'stream', type, 'good'], { maxBuffer: 16 << 20 }, (err, out) => (err ? reject(err) : resolve(out.trim())));
      }))));
      const e = erl(['server', type]);
      const port = Number((yield* await_promise(e.line(/listening (\d+)/)))[1]);
      const c = ok<GenSocket>(yield* gen_tcp.connect([127, 0, 0, 1], port, ['binary', ['packet', type], ['active', false]]));
      // In three sends, cutting headers.
      for (const [a, b] of [[0, 3], [3, 1001], [1001, stream.length]]) expect(yield* gen_tcp.send(c, stream.subarray(a, b))).to.equal('ok');
      gen_tcp.close(c);
      expect(yield* await_promise(e.exited)).to.equal(0);
      const mine: string[] = [];
      for (let at = 0; at < stream.length;) {
        const d = decode(type, stream, at, O());
        if (d === 'more' || d[0] !== 'ok') break;
        mine.push(`pkt ${(d[1] as Buffer).toString('hex')}`);
        at = d[2];
      }
      expect(e.out().split('\n').filter((x) => x !== '' && !x.startsWith('listening'))).to.deep.equal([...mine, 'closed']);
    }));
  }

  it('passive recv: a bad header gives emsgsize and closes; recv(S, N > 0) is einval; getopts names the type', () => run(function* () {
    const l = ok<GenSocket>(gen_tcp.listen(0, ['binary', ['packet', 'tpkt'], ['active', false]]));
    const c = ok<GenSocket>(yield* gen_tcp.connect([127, 0, 0, 1], ok<number>(inet.port(l)), ['binary', ['packet', 'raw'], ['active', false]]));
    const s = ok<GenSocket>(yield* gen_tcp.accept(l));
    expect(inet.getopts(s, ['packet'])).to.deep.equal(['ok', [['packet', 'tpkt']]]);
    expect(yield* gen_tcp.recv(s, 2, 100)).to.deep.equal(['error', 'einval']);
    yield* gen_tcp.send(c, H('0300000601020200000509'));
    expect(yield* gen_tcp.recv(s, 0, 1000)).to.deep.equal(['ok', H('030000060102')]);
    expect(yield* gen_tcp.recv(s, 0, 1000)).to.deep.equal(['error', 'emsgsize']);
    expect(yield* gen_tcp.recv(s, 0, 1000)).to.deep.equal(['error', 'closed']);
    for (const t of HEADER_TYPES) expect(inet.setopts(c, [['packet', t]])).to.equal('ok');
    expect(inet.setopts(c, [['packet', 'rm']])).to.deep.equal(['error', 'einval']);
    gen_tcp.close(c);
    gen_tcp.close(l);
  }));
});
