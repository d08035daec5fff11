// erlsock supervised: the supervised server from the command line, as a child process over
// loopback; the guide's Erlang client echoes against it.
import { expect } from 'chai';
import { spawn } from 'child_process';
import * as path from 'path';
import { ROOT, Child, erl_client, listening, stop } from './peers';
import { parse_args } from '../../examples/supervised_cli';

const CLI = path.join(ROOT, 'dist', 'examples', 'supervised_cli.js');

function supervised(args: string[]): Child {
  const proc = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | string>((resolve, reject) => {
    proc.on('error', reject);
    proc.on('exit', (code, sig) => resolve(code ?? sig ?? -1));
  });
  return { proc, stdout: () => out, stderr: () => err, exited };
}

describe('erlsock supervised CLI', function () {
  this.timeout(30000);

  it('prints "listening", serves an Erlang client, stops its tree and exits 0 on SIGTERM', async () => {
    const server = supervised(['--port', '0', '--acceptors', '3']);
    const port = await listening(server);
    expect(server.stdout()).to.match(/^listening 127\.0\.0\.1 \d+\n$/);
    const client = erl_client('127.0.0.1', port, 'supervised hello');
    expect(await client.exited, client.stderr()).to.equal(0);
    expect(await stop(server)).to.equal(0);
  });

  it('parses its arguments; a bad one is exit status 2', async () => {
    expect(parse_args([])).to.deep.equal({ port: 0, acceptors: 10 });
    expect(parse_args(['--port', '5555', '--acceptors', '2'])).to.deep.equal({ port: 5555, acceptors: 2 });
    expect(parse_args(['--port', '70000'])).to.be.a('string');
    const bad = supervised(['--acceptors', '0']);
    expect(await bad.exited).to.equal(2);
  });
});
