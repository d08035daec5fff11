// The guide's echo example talking to itself across implementations, over loopback:
// Erlang's client against erlsock's server, and erlsock's client against Erlang's server.
// Erlang/OTP must be installed: without it these tests fail (the spawn reports ENOENT).
import { expect } from 'chai';
import { Pid, run } from '../../runtime';
import * as socket from '../../sockets/socket';
import type { Socket } from '../../sockets/socket_term';
import * as echo from '../../examples/echo';
import { erl_client, erl_server, erlang_example, listening, stop } from './peers';

/** Closes the listening socket of an erlsock server/2 (its acceptor owns it, and exits). */
function close_listener(acceptor: Pid): void {
  for (const s of socket.which_sockets(acceptor)) socket.close(s as Socket);
}

describe('echo example interop with Erlang/OTP', function () {
  this.timeout(30000);
  const quiet = echo.options.quiet;

  before(function () {
    erlang_example(); // compiles bench/erl/echo_guide.erl; throws when erlc is missing
    echo.options.quiet = true;
  });
  after(function () {
    echo.options.quiet = quiet;
  });

  for (const [family, addr, text] of [
    ['inet', [127, 0, 0, 1], '127.0.0.1'],
    ['inet6', [0, 0, 0, 0, 0, 0, 0, 1], '::1'],
  ] as const) {
    it(`an Erlang client gets its echo from the erlsock server (${family})`, async function () {
      const [, [port, , acceptor]] = await run(() => echo.server(0, [...addr] as echo.Addr));
      try {
        const client = erl_client(text, port, `hello from Erlang over ${family}`);
        const status = await client.exited;
        expect(status, client.stderr()).to.equal(0);
      } finally {
        close_listener(acceptor);
      }
    });

    it(`the erlsock client gets its echo from the Erlang server (${family})`, async function () {
      const server = erl_server(text, ['--quiet']);
      try {
        const port = await listening(server);
        expect(await run(() => echo.client(port, [...addr] as echo.Addr, `hello from erlsock over ${family}`))).to.equal('ok');
        // 20,000 bytes: the Erlang handler reads at most 8192 at a time and echoes in pieces;
        // client/3 waits for all of it with recv(Sock, byte_size(Msg)).
        const big = Buffer.alloc(20000, 'x');
        expect(await run(() => echo.client(port, [...addr] as echo.Addr, big))).to.equal('ok');
      } finally {
        expect(await stop(server)).to.equal(0);
      }
    });
  }

  it('the Erlang peer prints each echo as the guide does', async function () {
    const server = erl_server('127.0.0.1');
    let port: number;
    try {
      port = await listening(server);
      expect(await run(() => echo.client(port, [127, 0, 0, 1], 'printed'))).to.equal('ok');
      // The print follows the send; give the Erlang handler a moment to reach it.
      for (let i = 0; i < 50 && !server.stdout().includes('printed'); i++) await new Promise((r) => setTimeout(r, 20));
    } finally {
      await stop(server);
    }
    expect(server.stdout()).to.include('** ECHO **\nprinted\n');
  });
});
