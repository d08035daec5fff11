// erlsock supervised: the supervised server from the command line, as a child process over
// loopback; the guide's Erlang client echoes against it.
import { expect } from 'chai';
import { Child, erl_client, example_cli, listening, stop } from './peers';
import { parse_args } from '../../examples/supervised_cli';

const supervised = (args: string[]): Child => example_cli('supervised', args);

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
