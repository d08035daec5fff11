// The gen_tcp echo server (examples/echo_gen_tcp.ts) in each active mode, and from the
// command line (`erlsock-echo server --gen_tcp`).
import { expect } from 'chai';
import * as echo_gen_tcp from '../../examples/echo_gen_tcp';
import * as echo from '../../examples/echo';
import * as gen_tcp from '../../gen/gen_tcp';
import * as socket from '../../sockets/socket';
import { run, exit } from '../../runtime';
import { ok } from '../support/sockets';
import { cli, listening, stop } from './peers';

describe('examples/echo_gen_tcp', function () {
  this.timeout(20000);

  for (const active of ['once', true, false] as const) {
    it(`echoes with {active, ${String(active)}}, one owner process per connection`, () => run(function* () {
      const [port, acceptor] = ok<[number, unknown]>(yield* echo_gen_tcp.server(0, [127, 0, 0, 1], active));
      expect(yield* echo.client(port, [127, 0, 0, 1], 'hello')).to.equal('ok');
      const c = ok<gen_tcp.GenSocket>(yield* gen_tcp.connect([127, 0, 0, 1], port, ['binary', ['active', false]]));
      for (let i = 0; i < 50; i++) {
        const m = Buffer.alloc(64, i);
        yield* gen_tcp.send(c, m);
        expect(yield* gen_tcp.recv(c, 64, 2000)).to.deep.equal(['ok', m]);
      }
      // The handler owns the accepted socket: two sockets are owned by processes other than the acceptor and us.
      const owners = socket.which_sockets('tcp').map((s) => socket.info(s).owner);
      expect(owners.filter((o) => o === acceptor).length).to.equal(1); // the listener
      gen_tcp.close(c);
      exit(acceptor as never, 'kill');
    }));
  }

  it('erlsock-echo server --gen_tcp --active true answers the CLI client', async () => {
    const server = cli(['server', '--gen_tcp', '--active', 'true', '--port', '0']);
    const port = await listening(server);
    const client = cli(['client', '--addr', '127.0.0.1', '--port', String(port), 'over gen_tcp']);
    expect(await client.exited, client.stderr()).to.equal(0);
    expect(await stop(server)).to.equal(0);
  });
});
