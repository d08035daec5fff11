// The connection's framing against a real erl node: large binaries go out from the sender's
// Buffer (gathered, not copied), bursts go out in pieces, packets larger than one read come
// back whole, and a message that cannot be encoded leaves nothing of itself in the queue.
import { expect } from 'chai';
import { createHash } from 'crypto';
import { Pid, Proc, run, receive, on, after as within, _, register, send, self } from '../../runtime';
import { net_kernel, list, set_dist_logger, List } from '../../distribution';
import { ErlNode, short_host } from '../support/erl_node';

const COOKIE = `cc${process.pid}x${Date.now() % 100000}`;
const HOST = short_host();
const ES = `esc${process.pid}`;
const ES_NODE = `${ES}@${HOST}`;
const B = `bc${process.pid}`;
const B_NODE = `${B}@${HOST}`;

/** n bytes that differ from each other and from any other call's (a misplaced piece shows). */
function bytes(n: number, seed: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed * 7 + (i >> 8)) & 255;
  return b;
}

function md5(b: Buffer): string {
  return createHash('md5').update(b).digest('hex');
}

describe('distribution/connection: framing against a real erl node', function () {
  this.timeout(30000);
  let b: ErlNode;

  before(async () => {
    set_dist_logger(() => undefined);
    b = new ErlNode(B, COOKIE);
    await b.eval('ok.');
    const r = await run(function* () {
      return yield* net_kernel.start([ES, 'shortnames'], { cookie: COOKIE });
    });
    expect(r[0]).to.equal('ok');
    // A BEAM echo: {From, M} -> From ! {echo, M}.
    await b.eval('register(becho, spawn(fun Loop() -> receive {F, M} -> F ! {echo, M}, Loop() end end)).');
  });

  after(async () => {
    await b?.kill();
    net_kernel.stop();
  });

  it('sends a burst of large and small binaries in one step; the BEAM gets each intact, in order', async () => {
    await b.eval('register(bsink, self()).');
    const sizes = [16384, 16383, 65536, 1, 0, 300000, 20000, 64, 1048576, 16385];
    const sent = sizes.map((n, i) => bytes(n, i));
    await run(function* () {
      for (let i = 0; i < sent.length; i++) send(['bsink', B_NODE], ['bin', i, sent[i]]);
    });
    const got = await b.eval(
      `[receive {bin, I, Bin} when I =:= K -> {byte_size(Bin), binary:decode_unsigned(erlang:md5(Bin))} after 1000 -> timeout end || K <- lists:seq(0, ${sent.length - 1})].`,
    );
    const want = sent.map((s) => `{${s.length},${BigInt(`0x${md5(s)}`)}}`);
    expect(got).to.equal(`[${want.join(',')}]`);
  });

  it('gets back, exactly, binaries larger than one read (up to 3 MiB), several in one step', async () => {
    const r = await run(function* (): Proc<string[]> {
      const me = self();
      const sent = [bytes(3 * 1024 * 1024 + 5, 1), bytes(262145, 2), bytes(17, 3), bytes(700000, 4)];
      for (const s of sent) send(['becho', B_NODE], [me, [s, s.length]]);
      const out: string[] = [];
      for (let i = 0; i < sent.length; i++) {
        const m = yield* receive(on(['echo', _], (x) => x[1] as [Buffer, number]), within(10000, () => null));
        if (m === null) return ['timeout'];
        out.push(m[0].equals(sent[i]) && m[1] === sent[i].length ? 'same' : `differs at ${i}`);
      }
      return out;
    });
    expect(r).to.deep.equal(['same', 'same', 'same', 'same']);
  });

  it('a message that cannot be encoded raises and leaves nothing queued; the next ones go out whole', async () => {
    const r = await run(function* (): Proc<unknown[]> {
      const me = self();
      const big = bytes(40000, 9);
      let raised = '';
      try {
        // The large binary is queued as it is before the encoder meets the undefined.
        send(['becho', B_NODE], [me, [big, big, undefined]]);
      } catch (e) {
        raised = (e as Error).name;
      }
      send(['becho', B_NODE], [me, ['after', big]]);
      const m = yield* receive(on(['echo', _], (x) => x[1] as [string, Buffer]), within(5000, () => null));
      const extra = yield* receive(on(_), within(300, () => 'none'));
      return [raised, m === null ? 'timeout' : m[0], m !== null && m[1].equals(big), extra];
    });
    expect(r).to.deep.equal(['EtfError', 'after', true, 'none']);
  });

  it('delivers a BEAM burst of large binaries to an erlsock process, in order', async () => {
    const p = run(function* (): Proc<string[]> {
      register('esink', self());
      const out: string[] = [];
      for (let i = 0; i < 20; i++) {
        const m = yield* receive(on(['b', _, _], (x) => x as [string, number, Buffer]), within(10000, () => null));
        if (m === null) return [...out, 'timeout'];
        out.push(`${m[1]}:${m[2].length}:${m[2][m[2].length - 1]}`);
      }
      return out;
    });
    await new Promise((r) => setTimeout(r, 50));
    await b.eval(`[{esink, '${ES_NODE}'} ! {b, I, binary:copy(<<I>>, 1000 + I * 40000)} || I <- lists:seq(0, 19)], ok.`);
    const want = Array.from({ length: 20 }, (_x, i) => `${i}:${1000 + i * 40000}:${i}`);
    expect(await p).to.deep.equal(want);
  });

  it('copies small binaries out of a large read and keeps large ones as views of it', async () => {
    const p = run(function* (): Proc<unknown[]> {
      register('esink2', self());
      const m = yield* receive(on(['two', _, _]), within(10000, () => null));
      if (m === null) return ['timeout'];
      const [, small, large] = m as [string, Buffer, Buffer];
      return [small.length, large.length, small.buffer === large.buffer, small.toString()];
    });
    await new Promise((r) => setTimeout(r, 50));
    await b.eval(`{esink2, '${ES_NODE}'} ! {two, <<"tiny">>, binary:copy(<<1>>, 100000)}, ok.`);
    expect(await p).to.deep.equal([4, 100000, false, 'tiny']);
  });

  it('keeps lists and pids around gathered binaries intact', async () => {
    const r = await run(function* (): Proc<unknown> {
      const me = self();
      const big = bytes(50000, 5);
      const t = [big, list(big, 1, list(big)), me, 'atom'];
      send(['becho', B_NODE], [me, t]);
      const m = yield* receive(on(['echo', _], (x) => x[1] as unknown[]), within(5000, () => null));
      if (m === null) return 'timeout';
      const l = m[1] as List;
      return [
        (m[0] as Buffer).equals(big),
        (l.items[0] as Buffer).equals(big),
        l.items[1],
        ((l.items[2] as List).items[0] as Buffer).equals(big),
        m[2] instanceof Pid && m[2] === me,
        m[3],
      ];
    });
    expect(r).to.deep.equal([true, true, 1, true, true, 'atom']);
  });

  it('the node is still connected after all of it', async () => {
    expect(await b.eval('nodes(hidden).')).to.equal(`[${ES_NODE}]`);
  });
});
