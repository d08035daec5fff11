// --observer PORT on the CLI servers: parsed (a bad port is a usage error, status 2), and
// `npm start -- --observer 0` serving the page while the demo holds its three connections.
import { expect } from 'chai';
import * as http from 'http';
import * as path from 'path';
import { spawn, spawnSync } from 'child_process';
import { parse_args } from '../../examples/echo_cli';
import { parse_observer_port } from '../../examples/observer_flag';

const ROOT = path.join(__dirname, '..', '..', '..');

describe('examples/observer_flag', function () {
  this.timeout(20000);

  it('parses the port; bad ones are errors', () => {
    expect(parse_observer_port('0')).to.equal(0);
    expect(parse_observer_port('8080')).to.equal(8080);
    expect(parse_observer_port('70000')).to.equal('bad observer port: 70000');
    expect(parse_observer_port(undefined)).to.equal('bad observer port: undefined');
    expect(parse_args(['server', '--observer', '0'])).to.include({ command: 'server', observer: 0 });
    expect(parse_args(['server', '--observer', 'x'])).to.equal('erlsock echo: bad observer port: x');
    const r = spawnSync(process.execPath, [path.join(ROOT, 'dist/examples/cli.js'), 'echo', 'server', '--observer', '-1'], { encoding: 'utf8', timeout: 10000 });
    expect(r.status).to.equal(2);
    expect(r.stderr).to.equal('erlsock echo: bad observer port: -1\n');
  });

  it('npm start -- --observer 0: the page shows the three held connections; SIGINT ends the demo with 0', async () => {
    const child = spawn(process.execPath, [path.join(ROOT, 'dist/examples/demo.js'), '--observer', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no hold line: ${out}`)), 15000);
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('holding here for the observer page')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const url = /^observer (http:\/\/127\.0\.0\.1:\d+\/)$/m.exec(out)![1]!;
    const snap = await new Promise<{ sockets: Array<{ owner: string; state: string }> }>((resolve, reject) => {
      http.get(`${url}api/snapshot`, (res) => {
        let b = '';
        res.on('data', (c: Buffer) => (b += c.toString()));
        res.on('end', () => resolve(JSON.parse(b) as { sockets: Array<{ owner: string; state: string }> }));
      }).on('error', reject);
    });
    // the listener, three accepted sockets and the three clients' own sockets
    expect(snap.sockets).to.have.length(7);
    expect(new Set(snap.sockets.map((s) => s.owner)).size).to.equal(7);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exited).to.equal(0);
    expect(out).to.contain('demo done');
  });
});
