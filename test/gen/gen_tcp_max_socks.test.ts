// gen_tcp_misc_SUITE's iter_max_socks, bounded: a fresh Node process under `ulimit -n 100`
// opens a listener and connected pairs (connect to "localhost", accept) until the fds run
// out, closes them all, three times; the second time one fd is taken first, so that the other
// of connect and accept runs out. As OTP 25 under the same limit
// (test/gen/erl/iter_max_socks.escript, run here too): {error, emfile} from connect or
// accept, no crash, no hang, the same count each time, and the fds all back.
import { expect } from 'chai';
import { execFile } from 'child_process';
import * as path from 'path';

const root = path.join(__dirname, '..', '..', 'index.js');
const ERL = path.resolve(__dirname, '..', '..', '..', 'test', 'gen', 'erl', 'iter_max_socks.escript');

const BODY = `
const E = require(${JSON.stringify(root)});
const fs = require('fs');
const { gen_tcp, inet, run } = E;
const fds = () => fs.readdirSync('/proc/self/fd').length;
run(function* () {
  const out = [];
  const fd0 = fds();
  for (let iter = 0; iter < 3; iter++) {
    const extra = iter === 1 ? fs.openSync('/dev/null', 'r') : null;
    const l = gen_tcp.listen(0, []);
    const socks = [l[1]];
    const port = inet.port(l[1])[1];
    let err = null;
    for (;;) {
      const c = yield* gen_tcp.connect('localhost', port, [], 2000);
      if (c[0] !== 'ok') { err = ['connect', c]; break; }
      socks.push(c[1]);
      const a = yield* gen_tcp.accept(l[1], 2000);
      if (a[0] !== 'ok') { err = ['accept', a]; break; }
      socks.push(a[1]);
    }
    const n = socks.length;
    for (const s of socks) gen_tcp.close(s);
    if (extra !== null) fs.closeSync(extra);
    out.push([n, err, fds() - fd0]);
  }
  return out;
}).then((r) => { console.log(JSON.stringify(r)); process.exit(0); }, (e) => { console.error(e); process.exit(1); });
`;

/** Runs argv under `ulimit -n 100` (the arguments pass through sh untouched). */
function limited(argv: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('sh', ['-c', 'ulimit -n 100 && exec "$@"', 'sh', ...argv], { timeout: 30000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${err.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

describe('gen_tcp: iter_max_socks (bounded by ulimit -n 100)', function () {
  this.timeout(60000);

  it('connect or accept answer emfile when the fds run out; every fd comes back; the same count each time', async () => {
    const out = JSON.parse(await limited([process.execPath, '-e', BODY])) as [number, [string, unknown], number][];
    for (const r of out) expect(r[1][1]).to.deep.equal(['error', 'emfile']);
    // Which call runs out depends on how many fds the process started with; one fd less
    // makes the other one run out.
    const steps = out.map((r) => r[1][0]);
    expect(steps[0]).to.be.oneOf(['connect', 'accept']);
    expect(steps[1]).to.equal(steps[0] === 'connect' ? 'accept' : 'connect');
    expect(steps[2]).to.equal(steps[0]);
    expect(out.map((r) => r[2])).to.deep.equal([0, 0, 0]);
    const [n1, n2, n3] = out.map((r) => r[0]) as [number, number, number];
    expect(n3).to.equal(n1);
    expect(n2).to.equal(n1 - 1);
    expect(n1).to.be.within(40, 99);
  });

  it('OTP 25 under the same limit: emfile from connect or accept, the same count each time', async () => {
    const out = await limited(['escript', ERL]);
    const m = /^\[\{(\d+),\{(\w+),\{error,emfile\}\}\},\s*\{(\d+),\{(\w+),\{error,emfile\}\}\},\s*\{(\d+),\{(\w+),\{error,emfile\}\}\}\]\s*$/.exec(out);
    expect(m, out).to.not.equal(null);
    const [n1, n3] = [Number(m![1]), Number(m![5])];
    expect(n3).to.equal(n1);
    expect(Number(m![3])).to.equal(n1 - 1);
    expect(m![4]).to.equal(m![2] === 'connect' ? 'accept' : 'connect');
    expect(m![6]).to.equal(m![2]);
  });
});
