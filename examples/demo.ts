// `npm start`: the guide's echo server on 127.0.0.1, a few clients, and socket.i(), the
// table of sockets, showing which process owns which socket. Finishes by itself.
//
// 1. The guide's server: a listening socket handed over to the acceptor process.
// 2. The guide's client/3, twice: each exchange prints the server's "** ECHO **".
// 3. Three clients that connect and stay connected, so the table shows them: each accepted
//    socket is owned by its own handler process (ownership really moves in erlsock).
// 4. The clients close; each handler sees `closed`, exits, and its socket closes with it.
// 5. The listening socket closes; the acceptor gets its abort message and exits.
//
// `npm start -- --observer 0` also serves the observer page (observer/) and, once the three
// clients are connected, holds there until Ctrl-C so the ownership graph can be looked at.
import { Pid, Proc, _, after, await_promise, on, receive, run, self, send, spawn } from '../runtime';
import { parse_observer_port, start_observer } from './observer_flag';
import { until_stopped } from './cli';
import * as socket from '../sockets/socket';
import type { Socket } from '../sockets/socket_term';
import * as echo from './echo';

const LOOPBACK: echo.Addr4 = [127, 0, 0, 1];

/** A client that connects, exchanges one message, then waits to be told to close. */
function* held_client(parent: Pid, port: number, text: string): Proc<void> {
  const [, sock] = socket.open('inet', 'stream', 'tcp') as ['ok', Socket];
  yield* socket.connect(sock, { family: 'inet', addr: LOOPBACK, port });
  yield* socket.send(sock, Buffer.from(text), 'infinity');
  const r = yield* socket.recv(sock, text.length, 5000);
  send(parent, [self(), 'connected', r]);
  yield* receive(on([parent, 'close'], () => 'ok'));
  socket.close(sock);
  send(parent, [self(), 'closed']);
}

function print_table(title: string): void {
  console.log(`\n=== ${title} ===`);
  socket.i();
}

function* pause(ms: number): Proc<void> {
  yield* receive(after(ms));
}

function* demo(hold: Promise<unknown> | null = null): Proc<void> {
  console.log('erlsock demo: the echo server and client of the OTP Socket Usage guide, on 127.0.0.1\n');
  console.log(`demo process: ${String(self())}`);
  const [, [port, , acceptor]] = yield* echo.server(0, LOOPBACK);
  console.log(`server listening on 127.0.0.1:${port}, acceptor ${String(acceptor)}`);
  print_table('after server(): the listening socket is owned by the acceptor');

  console.log('\n--- two exchanges with the guide\'s client/3 ---');
  yield* echo.client(port, LOOPBACK, 'Hello from client 1');
  yield* echo.client(port, LOOPBACK, Buffer.from('Hello from client 2'));

  console.log('\n--- three clients that stay connected ---');
  const me = self();
  const clients = [1, 2, 3].map((n) => spawn(held_client, me, port, `held client ${n}`));
  console.log(`client processes: ${clients.map(String).join(', ')} (each owns its own socket)`);
  for (const c of clients) {
    yield* receive(on([c, 'connected', _], ([, , r]) => console.log(`${String(c)} echoed: ${JSON.stringify(String((r as [string, Buffer])[1]))}`)));
  }
  print_table('three connections: each accepted socket is owned by its handler process');
  if (hold !== null) {
    console.log('\nholding here for the observer page: Ctrl-C goes on');
    yield* await_promise(hold);
  }

  for (const c of clients) send(c, [me, 'close']);
  for (const c of clients) yield* receive(on([c, 'closed'], () => undefined));
  yield* pause(100); // the handlers see `closed` and exit; their sockets close with them
  print_table('clients closed: the handlers ended, and their sockets with them');

  for (const s of socket.which_sockets()) socket.close(s as Socket);
  yield* pause(50);
  print_table('listening socket closed: the acceptor got its abort message and exited');
  console.log('\ndemo done');
}

async function main(args: string[]): Promise<void> {
  let hold: Promise<unknown> | null = null;
  if (args[0] === '--observer') {
    const port = parse_observer_port(args[1]);
    if (typeof port === 'string') throw new Error(port);
    const obs = await start_observer('demo', port);
    if (obs === null) process.exit(1);
    hold = until_stopped();
    await run(demo, hold);
    await obs.stop();
    return;
  }
  if (args.length > 0) throw new Error('usage: npm start [-- --observer PORT]');
  await run(demo);
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    () => process.exit(0),
    (e: unknown) => {
      console.error('demo failed:', e);
      process.exit(1);
    },
  );
}

export { demo };
