import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { p, scaled } from './_support';

const BODY = path.join(__dirname, '_worker_body.js');

function open_sockets(): Set<string> {
  const out = new Set<string>();
  for (const fd of fs.readdirSync('/proc/self/fd')) {
    try {
      const l = fs.readlinkSync(`/proc/self/fd/${fd}`);
      if (l.startsWith('socket:')) out.add(l);
    } catch { /* the readdir fd itself is gone */ }
  }
  return out;
}

interface Report { data: string; inodes: string[]; open: number }

function run(mode: string, terminate: boolean): Promise<{ report: Report; code: number }> {
  return new Promise((resolve, reject) => {
    const w = new Worker(BODY, { workerData: { mode } });
    let report: Report | undefined;
    const timer = setTimeout(() => { void w.terminate(); reject(new Error('worker did not finish')); }, scaled(5000));
    w.on('message', (m: Report) => { report = m; if (terminate) void w.terminate(); });
    w.on('error', reject);
    w.on('exit', (code) => {
      clearTimeout(timer);
      if (!report) reject(new Error(`worker exited (${code}) without a report`));
      else resolve({ report, code });
    });
  });
}

describe('native: Worker threads', () => {
  it('runs a round trip on a Worker\'s own poller and exits by itself once its sockets are closed', async () => {
    const { report, code } = await run('close', false);
    expect(report.data).to.equal('from worker');
    expect(report.open).to.equal(0);
    expect(code).to.equal(0);
  });

  it('closes the sockets a terminated Worker left open (no fd leaks into the process)', async () => {
    const { report } = await run('keep', true);
    expect(report.open).to.equal(3);
    const still = open_sockets();
    for (const ino of report.inodes) expect(still.has(ino), ino).to.equal(false);
  });

  it('tears down cleanly when the Worker calls process.exit with sockets registered', async () => {
    const { report } = await run('exit', false);
    const still = open_sockets();
    for (const ino of report.inodes) expect(still.has(ino), ino).to.equal(false);
  });

  it('keeps Workers independent: several at once, while the main thread polls too', async () => {
    const before = p.open_fds();
    const results = await Promise.all([run('close', false), run('keep', true), run('close', false), run('exit', false)]);
    for (const r of results) expect(r.report.data).to.equal('from worker');
    expect(p.open_fds()).to.equal(before);
  });
});
