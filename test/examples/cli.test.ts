// The erlsock command, its echo subcommand (and the erlsock-echo alias), and the `npm start`
// demo, as child processes over loopback, against Node net, Erlang gen_tcp and the CLI's own
// client.
import { expect } from 'chai';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { COMMANDS } from '../../examples/cli';
import { Child, ERLSOCK_CLI, ROOT, cli, erl_client, erlsock, kernel_backlog, listening, start, stop } from './peers';

/** Resolves once cond() holds (polled every 20 ms); rejects after ms. */
function wait_for(cond: () => boolean, ms: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + ms;
    const poll = (): void => {
      if (cond()) return resolve();
      if (Date.now() > deadline) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(poll, 20);
    };
    poll();
  });
}

/** A Node net client that has exchanged `text` with the server and stays connected. */
function held_connection(port: number, text: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(text));
    s.once('data', () => resolve(s));
    s.once('error', reject);
  });
}

/** A Node net client that exchanges one message, then resets the connection (SO_LINGER 0). */
function resetting_client(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write('reset after this'));
    s.once('data', () => s.resetAndDestroy());
    s.once('close', () => resolve());
    s.once('error', reject);
  });
}

/** The lines a child wrote to stderr. */
function lines(text: string): string[] {
  return text.split('\n').filter((l) => l !== '');
}

describe('erlsock command', function () {
  this.timeout(30000);

  it('--help lists every command; each command answers --help with its usage and status 0', async function () {
    const help = erlsock(['--help']);
    expect(await help.exited).to.equal(0);
    expect(help.stdout()).to.match(/^usage: erlsock <command>/);
    const width = Math.max(...COMMANDS.map((c) => c.name.length));
    for (const c of COMMANDS) {
      expect(help.stdout()).to.include(`  ${c.name.padEnd(width)}  ${c.summary}\n`);
      const sub = erlsock([c.name, '--help']);
      expect(await sub.exited, c.name).to.equal(0);
      expect(sub.stdout()).to.match(new RegExp(`^usage: erlsock ${c.name} `));
      expect(sub.stderr()).to.equal('');
    }
  });

  it('an unknown command is one line on stderr and status 2; no command prints the usage, status 2', async function () {
    const bad = erlsock(['ehco', 'server']);
    expect(await bad.exited).to.equal(2);
    expect(bad.stderr()).to.equal('erlsock: unknown command: ehco (erlsock --help lists them)\n');
    expect(bad.stdout()).to.equal('');
    const none = erlsock([]);
    expect(await none.exited).to.equal(2);
    expect(none.stderr()).to.match(/^usage: erlsock <command>/);
  });

  it("package.json's bins are built, executable scripts with a shebang; erlsock runs by it", function () {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(Object.keys(pkg.bin).sort()).to.deep.equal(['erlsock', 'erlsock-echo']);
    for (const file of Object.values(pkg.bin)) {
      const full = path.join(ROOT, file);
      expect(fs.readFileSync(full, 'utf8').startsWith('#!/usr/bin/env node\n'), file).to.equal(true);
      expect(fs.statSync(full).mode & 0o111, file).to.equal(0o111);
    }
    const direct = spawnSync(path.join(ROOT, pkg.bin.erlsock), ['--help'], { encoding: 'utf8', timeout: 10000 });
    expect(direct.status, direct.stderr).to.equal(0);
    expect(direct.stdout).to.match(/^usage: erlsock <command>/);
    const alias = spawnSync(path.join(ROOT, pkg.bin['erlsock-echo']), ['--help'], { encoding: 'utf8', timeout: 10000 });
    expect(alias.status, alias.stderr).to.equal(0);
    expect(alias.stdout).to.match(/^usage: erlsock echo server/);
  });
});

describe('erlsock echo (and its alias erlsock-echo)', function () {
  this.timeout(30000);

  it('server prints "listening", echoes for client, and exits 0 on SIGTERM', async function () {
    const server = erlsock(['echo', 'server', '--addr', '127.0.0.1', '--port', '0', '--quiet']);
    const port = await listening(server);
    expect(server.stdout()).to.match(/^listening 127\.0\.0\.1 \d+\n$/);
    const client = erlsock(['echo', 'client', '--addr', '127.0.0.1', '--port', String(port), 'hello there']);
    expect(await client.exited, client.stderr()).to.equal(0);
    const alias = cli(['client', '--addr', '127.0.0.1', '--port', String(port), 'through the alias']);
    expect(await alias.exited, alias.stderr()).to.equal(0);
    expect(await stop(server)).to.equal(0);
    expect(server.stdout()).to.not.include('ECHO'); // --quiet
    expect(server.stderr()).to.equal('');
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

  it('a server restarted on the same port right after SIGINT listens (SO_REUSEADDR), though connections held the port', async function () {
    const first = erlsock(['echo', 'server', '--port', '0', '--quiet']);
    const port = await listening(first);
    const held = await held_connection(port, 'held while the server stops');
    held.on('error', () => undefined);
    first.proc.kill('SIGINT');
    expect(await first.exited).to.equal(0);
    // The server closed first, so its end of `held` is in FIN_WAIT/TIME_WAIT on `port`.
    const second = erlsock(['echo', 'server', '--port', String(port), '--quiet']);
    try {
      expect(await listening(second)).to.equal(port);
      const client = erlsock(['echo', 'client', '--addr', '127.0.0.1', '--port', String(port), 'after restart']);
      expect(await client.exited, client.stderr()).to.equal(0);
    } finally {
      held.destroy();
      await stop(second);
    }
    expect(await second.exited).to.equal(0);
    expect(second.stderr()).to.equal('');
  });

  it('a port in use, or an address not on this host, is one line on stderr and status 1', async function () {
    const owner = erlsock(['echo', 'server', '--port', '0', '--quiet']);
    const port = await listening(owner);
    try {
      const clash = erlsock(['echo', 'server', '--port', String(port)]);
      expect(await clash.exited).to.equal(1);
      expect(clash.stderr()).to.equal(`erlsock echo: cannot listen on 127.0.0.1 port ${port}: eaddrinuse (address already in use)\n`);
      expect(clash.stdout()).to.equal('');
    } finally {
      expect(await stop(owner)).to.equal(0);
    }
    const elsewhere = erlsock(['echo', 'server', '--addr', '192.0.2.1', '--port', '0']); // TEST-NET-1
    expect(await elsewhere.exited).to.equal(1);
    expect(elsewhere.stderr()).to.equal('erlsock echo: cannot listen on 192.0.2.1 port 0: eaddrnotavail (address not available)\n');
  });

  it("a client's reset connection makes a crash report, which --quiet silences", async function () {
    const loud = erlsock(['echo', 'server', '--port', '0']);
    const loudPort = await listening(loud);
    await resetting_client(loudPort);
    await wait_for(() => loud.stderr().includes('=ERROR REPORT'), 5000, 'the crash report');
    expect(loud.stderr()).to.include('econnreset');
    expect(await stop(loud)).to.equal(0);

    const quiet = erlsock(['echo', 'server', '--port', '0', '--quiet']);
    const port = await listening(quiet);
    await resetting_client(port);
    await resetting_client(port);
    const after = erlsock(['echo', 'client', '--addr', '127.0.0.1', '--port', String(port), 'still serving']);
    expect(await after.exited, after.stderr()).to.equal(0);
    await new Promise((r) => setTimeout(r, 500)); // the loud server reported within this
    expect(await stop(quiet)).to.equal(0);
    expect(quiet.stderr()).to.equal('');
    expect(quiet.stdout()).to.equal(`listening 127.0.0.1 ${port}\n`);
  });

  it('prints the control bytes of an echo escaped (from an Erlang gen_tcp client)', async function () {
    const server = erlsock(['echo', 'server', '--port', '0']);
    const port = await listening(server);
    // ESC [2J (clear screen), CR, NUL, BEL, BS, a backslash, TAB, LF, DEL, C1 bytes, latin1.
    const bytes = '<<"a",27,"[2J",13,0,7,8,92,9,"t",10,127,128,155,159,160,233,"z">>';
    const erl = start('erl', ['-noshell', '-eval',
      `try {ok, S} = gen_tcp:connect({127,0,0,1}, ${port}, [binary, {active, false}]), B = ${bytes}, ` +
      'ok = gen_tcp:send(S, B), {ok, B} = gen_tcp:recv(S, byte_size(B), 5000), ok = gen_tcp:close(S), halt(0) ' +
      'catch C:R -> io:format(standard_error, "~p~n", [{C, R}]), halt(1) end.']);
    expect(await erl.exited, erl.stderr()).to.equal(0);
    const printed = 'a\\x1b[2J\\x0d\\x00\\x07\\x08\\\\\tt\n\\x7f\\x80\\x9b\\x9f\u00a0\u00e9z';
    await wait_for(() => server.stdout().includes('z\n'), 5000, 'the echo print');
    expect(await stop(server)).to.equal(0);
    expect(server.stdout()).to.equal(`listening 127.0.0.1 ${port}\n** ECHO **\n${printed}\n`);
  });

  it('a reader that closes stdout early (| head -1) does not stop the server', async function () {
    const server = erlsock(['echo', 'server', '--port', '0']);
    const port = await listening(server);
    server.proc.stdout!.destroy(); // our end of the pipe closes: the server's next print gets EPIPE
    for (const msg of ['printed into a closed pipe', 'and still echoed']) {
      const client = erlsock(['echo', 'client', '--addr', '127.0.0.1', '--port', String(port), msg]);
      expect(await client.exited, client.stderr()).to.equal(0);
    }
    expect(await stop(server)).to.equal(0);
    expect(server.stderr()).to.equal('');
  });

  it('--backlog N is the listen backlog the kernel holds (default 511); bad values are status 2', async function () {
    for (const [args, expected] of [[['--backlog', '7'], 7], [[], 511]] as const) {
      const server = erlsock(['echo', 'server', '--port', '0', '--quiet', ...args]);
      const port = await listening(server);
      try {
        expect(kernel_backlog(port), args.join(' ')).to.equal(expected);
        const client = erlsock(['echo', 'client', '--addr', '127.0.0.1', '--port', String(port), 'x']);
        expect(await client.exited).to.equal(0);
      } finally {
        expect(await stop(server)).to.equal(0);
      }
    }
    const bad_lines = [['--backlog', '-1'], ['--backlog', 'many'], ['--backlog', '1.5'], ['--backlog']];
    const bad = bad_lines.map((args) => erlsock(['echo', 'server', ...args]));
    for (const [i, c] of bad.entries()) {
      expect(await c.exited, bad_lines[i].join(' ')).to.equal(2);
      expect(c.stdout()).to.equal('');
    }
  });

  it('an acceptor that dies (accept fails with emfile) ends the server: one line, status 1', async function () {
    // 48 descriptors: enough for Node and the listener, then accept runs out.
    const server = start('sh', ['-c', 'ulimit -n 48 && exec "$@"', 'sh', process.execPath, ERLSOCK_CLI, 'echo', 'server', '--port', '0', '--quiet']);
    const port = await listening(server);
    const clients: net.Socket[] = [];
    try {
      for (let i = 0; i < 200 && server.proc.exitCode === null; i++) {
        const c = net.connect(port, '127.0.0.1');
        c.on('error', () => undefined);
        clients.push(c);
        await new Promise((r) => c.once('connect', r).once('error', r));
        await new Promise((r) => setTimeout(r, 5));
      }
      expect(await Promise.race([server.exited, new Promise((r) => setTimeout(() => r('running'), 5000))])).to.equal(1);
      expect(lines(server.stderr())).to.have.length(1);
      expect(server.stderr()).to.match(/^erlsock echo: the acceptor exited, no longer accepting: \{(accept_failed|select,accept),emfile\}\n$/);
    } finally {
      for (const c of clients) c.destroy();
      await stop(server);
    }
  });

  it('client exits 1 with one line when nobody listens, 2 on a bad command line', async function () {
    const probe = erlsock(['echo', 'server', '--port', '0', '--quiet']);
    const port = await listening(probe);
    await stop(probe); // the port is now closed
    const refused = cli(['client', '--addr', '127.0.0.1', '--port', String(port), 'x']);
    expect(await refused.exited).to.equal(1);
    expect(refused.stderr()).to.equal('erlsock echo: client failed: econnrefused (connection refused)\n');
    const bad_lines: string[][] = [[], ['bogus'], ['client', '--port', '1', 'x'], ['server', '--addr', 'not-an-ip'], ['server', '--port', '70000'],
      ['server', '--port', ' 80'], ['client', '--addr', '127.0.0.1', '--port', '1', 'x', '--quiet']];
    const bad: [string[], Child][] = bad_lines.flatMap((args) => [[args, cli(args)], [args, erlsock(['echo', ...args])]]);
    for (const [args, c] of bad) {
      expect(await c.exited, args.join(' ')).to.equal(2);
      expect(c.stdout()).to.equal('');
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
