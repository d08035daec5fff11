// Resource exhaustion (issue 5): a child node process under `ulimit -n 64` (so only it runs
// out) fills its descriptor table. open and accept must answer {error, emfile}, the server's
// acceptor must survive and, once descriptors are freed, serve the client that waited in the
// backlog; nothing may leak. Then the process limit: spawn past it raises system_limit and
// the runtime goes on. The child is test/reliability/_child_emfile.ts.
import { expect } from 'chai';
import { spawn as spawn_child, ChildProcess } from 'child_process';
import * as net from 'net';
import * as path from 'path';

const CHILD = path.join(__dirname, '_child_emfile.js');

/** The child's JSON lines, one at a time, in order. */
class Lines {
  private buf = '';
  private queue: Record<string, unknown>[] = [];
  private waiting: ((o: Record<string, unknown>) => void) | null = null;
  constructor(child: ChildProcess) {
    child.stdout!.on('data', (d: Buffer) => {
      this.buf += d.toString();
      let i: number;
      while ((i = this.buf.indexOf('\n')) >= 0) {
        const line = this.buf.slice(0, i);
        this.buf = this.buf.slice(i + 1);
        const o = JSON.parse(line) as Record<string, unknown>;
        if (this.waiting) { const w = this.waiting; this.waiting = null; w(o); } else this.queue.push(o);
      }
    });
  }
  next(ms = 10000): Promise<Record<string, unknown>> {
    const q = this.queue.shift();
    if (q) return Promise.resolve(q);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('no line from the child')), ms);
      this.waiting = (o) => { clearTimeout(t); resolve(o); };
    });
  }
}

describe('reliability: resource exhaustion', function () {
  this.timeout(30000);

  it('out of descriptors: open and accept answer {error, emfile}; the server survives and serves again', async () => {
    const child = spawn_child('sh', ['-c', `ulimit -n 64 && exec "${process.execPath}" "${CHILD}"`], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const killer = setTimeout(() => child.kill('SIGKILL'), 25000);
    let client: net.Socket | null = null;
    try {
      const lines = new Lines(child);
      const full = await lines.next();
      expect(full.open_error, stderr).to.deep.equal(['error', 'emfile']);
      expect(full.fillers as number).to.be.greaterThan(10);
      expect(full.pong, 'the runtime still runs with no descriptor left').to.equal('ping');

      // A client connects: the kernel queues it; the child's accept has no fd to give it.
      const c = net.connect(full.full as number, '127.0.0.1');
      client = c;
      const echoed = new Promise<string>((resolve, reject) => {
        let got = '';
        c.on('data', (d) => { got += d.toString(); if (got.length >= 5) resolve(got); });
        c.on('error', reject);
      });
      c.write('hello');
      const acc = await lines.next();
      expect(acc.accept_error, stderr).to.deep.equal(['error', 'emfile']);
      expect(acc.acceptor_alive).to.equal(true);
      expect(acc.open_again).to.deep.equal(['error', 'emfile']);

      child.stdin!.write('free\n');
      expect(await lines.next()).to.deep.equal({ served: 'ok' });
      expect(await echoed, 'the client that waited is served').to.equal('hello');
      c.end();
      const counts = await lines.next();
      expect(counts.number_of_back, JSON.stringify(counts)).to.equal(true);
      expect(counts.fds_back, JSON.stringify(counts)).to.equal(true);

      const limit = await lines.next();
      expect(limit.limit_error).to.equal('system_limit');
      expect(limit.spawned_before_limit as number).to.be.greaterThan(0).and.lessThan(100);
      expect(limit.after_ok, 'spawn works again below the limit').to.equal(true);
      expect(await exited, stderr).to.equal(0);
    } finally {
      clearTimeout(killer);
      client?.destroy();
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
