import { expect } from 'chai';
import { spawnSync } from 'child_process';
import * as path from 'path';

describe('native: 10,000 sockets at once', () => {
  it('opens, registers, wakes and closes 10,000 UDP sockets (child process, ulimit -n 20000)', function () {
    this.timeout(30000);
    const child = path.join(__dirname, '_child_many.js');
    const r = spawnSync('sh', ['-c', `ulimit -n 20000 && exec "${process.execPath}" "${child}" 10000`],
      { timeout: 25000, encoding: 'utf8' });
    expect(r.status, r.stderr).to.equal(0);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, number>;
    expect(out.writable).to.equal(10000);
    expect(out.readable).to.equal(10000);
    expect(out.bad).to.equal(0);
    expect(out.open).to.equal(0);
    // Batched: far fewer JS calls than sockets.
    expect(out.batches).to.be.lessThan(200);
  });
});
