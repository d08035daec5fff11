// --observer PORT on the CLI servers: parsed (a bad port is a usage error, status 2),
// `npm start -- --observer 0` serving the page while the demo holds its three connections,
// `erlsock chat --observer 0` serving it beside the chat, and `erlsock supervised --observer
// 0` showing its supervision tree (the '$ancestors' of each process) in /api/snapshot.
import { expect } from 'chai';
import * as http from 'http';
import * as path from 'path';
import { spawn, spawnSync } from 'child_process';
import { parse_args } from '../../examples/echo_cli';
import { parse_observer_port } from '../../examples/observer_flag';
import { parse_server_args } from '../../examples/server_args';
import { parse_args as parse_supervised_args } from '../../examples/supervised_cli';
import { Child, example_cli, listening, stop } from './peers';
import type { Snapshot } from '../../observer';

/** Waits for the child's `observer URL` line → the URL. */
function observer_url(c: Child, ms = 15000): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no observer line: ${c.stdout()} ${c.stderr()}`)), ms);
    const check = (): void => {
      const m = /^observer (http:\/\/127\.0\.0\.1:\d+\/)$/m.exec(c.stdout());
      if (m === null) return;
      clearTimeout(timer);
      c.proc.stdout!.off('data', check);
      resolve(m[1]!);
    };
    c.proc.stdout!.on('data', check);
    check();
  });
}

function get_json<T>(url: string): Promise<T> {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      let b = '';
      res.on('data', (c: Buffer) => (b += c.toString()));
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(b) as T) : reject(new Error(`${String(res.statusCode)} ${b}`))));
    }).on('error', reject);
  });
}

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

  it('chat, http and supervised parse --observer; a bad port is status 2', async () => {
    expect(parse_server_args('chat', ['--observer', '0'])).to.deep.include({ observer: 0, port: 0 });
    expect(parse_server_args('http', ['--port', '0', '--observer', '8081'])).to.deep.include({ observer: 8081 });
    expect(parse_server_args('chat', ['--observer', 'x'])).to.equal('erlsock chat: bad observer port: x\nusage: erlsock chat [--port P] [--addr A] [--observer P]');
    expect(parse_supervised_args(['--observer', '0'])).to.deep.equal({ port: 0, acceptors: 10, observer: 0 });
    expect(parse_supervised_args(['--observer', '65536'])).to.equal('erlsock supervised: bad observer port: 65536\nusage: erlsock supervised [--port P] [--acceptors N] [--observer P]');
    const bad = example_cli('http', ['--observer', '-1']);
    expect(await bad.exited).to.equal(2);
    expect(bad.stderr()).to.match(/^erlsock http: bad observer port: -1\n/);
  });

  it('erlsock chat --observer 0: prints the observer line after listening; /api/snapshot shows the listener', async () => {
    const chat = example_cli('chat', ['--port', '0', '--observer', '0']);
    try {
      const port = await listening(chat);
      const url = await observer_url(chat);
      expect(chat.stdout()).to.match(/^listening 127\.0\.0\.1 \d+\nobserver http:\/\/127\.0\.0\.1:\d+\/\n$/);
      const snap = await get_json<Snapshot>(`${url}api/snapshot`);
      const listener = snap.sockets.find((x) => x.local_address === `localhost:${port}` && x.remote_address === '');
      expect(listener, 'the chat listener').to.not.equal(undefined);
      expect(snap.processes.map((p) => p.pid)).to.include(listener!.owner);
    } finally {
      expect(await stop(chat)).to.equal(0);
    }
  });

  it('erlsock supervised --observer 0: /api/snapshot holds the tree, acceptors waiting on the listener', async () => {
    const sup = example_cli('supervised', ['--port', '0', '--acceptors', '3', '--observer', '0']);
    try {
      const port = await listening(sup);
      const url = await observer_url(sup);
      const snap = await get_json<Snapshot>(`${url}api/snapshot`);
      const named = (n: string): Snapshot['processes'][number] => {
        const p = snap.processes.find((x) => x.registered_name === n);
        expect(p, n).to.not.equal(undefined);
        return p!;
      };
      const top = named('supervised');
      const conns = named('supervised_conns');
      const listener = named('supervised_listener');
      const acceptors_sup = named('supervised_acceptors');
      // the top supervisor's parent is the CLI's owner process; its children point at it
      expect(top.ancestors).to.have.length(1);
      for (const p of [conns, listener, acceptors_sup]) expect(p.ancestors).to.deep.equal([top.pid, ...top.ancestors]);
      const acceptors = snap.processes.filter((x) => x.ancestors[0] === acceptors_sup.pid);
      expect(acceptors).to.have.length(3);
      for (const a of acceptors) expect(a.ancestors).to.deep.equal([acceptors_sup.pid, top.pid, ...top.ancestors]);
      // the listener owns the listening socket; the three acceptors wait on it in accept
      const lsock = snap.sockets.find((x) => x.local_address === `localhost:${port}` && x.remote_address === '');
      expect(lsock!.owner).to.equal(listener.pid);
      expect(lsock!.waiters.map((w) => w.op)).to.deep.equal(['accept', 'accept', 'accept']);
      expect(new Set(lsock!.waiters.map((w) => w.pid))).to.deep.equal(new Set(acceptors.map((a) => a.pid)));
      // the supervisors are gen_servers: the process view shows their state
      const d = await get_json<{ behaviour: string | null; state: string | null }>(`${url}api/process/${encodeURIComponent(acceptors_sup.pid)}`);
      expect(d.behaviour).to.equal('gen_server');
      expect(d.state).to.be.a('string').and.to.contain('one_for_one');
    } finally {
      expect(await stop(sup)).to.equal(0);
    }
  });
});
