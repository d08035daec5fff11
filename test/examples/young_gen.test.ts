// cap_young_generation: the erlsock command's young generation stops growing at its cap,
// where V8 left alone grows it to Node's 16 MiB semi-spaces. Each case runs in a fresh node.
import { expect } from 'chai';
import { spawnSync } from 'child_process';
import * as path from 'path';

const YOUNG_GEN = path.resolve(__dirname, '..', '..', 'examples', 'young_gen.js');

// Keeps 600,000 small objects alive, allocated over many loop turns (the gc observer reports
// between turns), and prints the new space's size in MiB.
function new_space_mib_after_growth(cap: boolean): number {
  const script = `
    ${cap ? `require(${JSON.stringify(YOUNG_GEN)}).cap_young_generation();` : ''}
    const v8 = require('v8');
    const keep = [];
    let round = 0;
    const step = () => {
      for (let i = 0; i < 3000; i++) keep.push({ i, a: [i, i + 1], s: 'x' + i });
      if (++round < 200) return setImmediate(step);
      const ns = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
      console.log(ns.space_size / 1048576);
    };
    step();`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 30000 });
  expect(r.status, r.stderr).to.equal(0);
  return Number(r.stdout.trim());
}

describe('examples/young_gen', function () {
  this.timeout(60000);

  it('caps the new space at two 8 MiB semi-spaces, where it grows further uncapped', () => {
    expect(new_space_mib_after_growth(false)).to.be.above(16);
    expect(new_space_mib_after_growth(true)).to.equal(16);
  });
});
