// The erlsock-echo command line and the `npm start` demo, as child processes over loopback.
import { expect } from 'chai';
import { spawnSync } from 'child_process';
import * as path from 'path';
import { ROOT, cli, erl_client, listening, stop } from './peers';

describe('erlsock-echo CLI and demo', function () {
  this.timeout(30000);

  it('server prints "listening", echoes for client, and exits 0 on SIGTERM', async function () {
    const server = cli(['server', '--addr', '127.0.0.1', '--port', '0', '--quiet']);
    const port = await listening(server);
    expect(server.stdout()).to.match(/^listening 127\.0\.0\.1 \d+\n$/);
    const client = cli(['client', '--addr', '127.0.0.1', '--port', String(port), 'hello there']);
    expect(await client.exited, client.stderr()).to.equal(0);
    expect(await stop(server)).to.equal(0);
    expect(server.stdout()).to.not.include('ECHO'); // --quiet
  });

  it('without --quiet the server prints each echo as the guide does; SIGINT stops it', async function () {
    const server = cli(['server', '--addr', '::1']);
    const port = await listening(server);
    const client = erl_client('::1', port, 'seen by Erlang');
    expect(await client.exited, client.stderr()).to.equal(0);
    server.proc.kill('SIGINT');
    expect(await server.exited).to.equal(0);
    expect(server.stdout()).to.include('** ECHO **\nseen by Erlang\n');
  });

  it('client exits 1 when nobody listens, 2 on a bad command line', async function () {
    const probe = cli(['server', '--port', '0', '--quiet']);
    const port = await listening(probe);
    await stop(probe); // the port is now closed
    const refused = cli(['client', '--addr', '127.0.0.1', '--port', String(port), 'x']);
    expect(await refused.exited).to.equal(1);
    expect(refused.stderr()).to.match(/econnrefused/);
    for (const args of [[], ['bogus'], ['client', '--port', '1', 'x'], ['server', '--addr', 'not-an-ip'], ['server', '--port', '70000']]) {
      const bad = cli(args);
      expect(await bad.exited, args.join(' ')).to.equal(2);
    }
  });

  it('npm start: the demo runs server, clients and socket.i(), then finishes by itself', function () {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'examples', 'demo.js')], { encoding: 'utf8', timeout: 20000 });
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.include('** ECHO **\nHello from client 1');
    expect(r.stdout).to.include('each accepted socket is owned by its handler process');
    expect(r.stdout).to.include('demo done');
  });
});
