// `erlsock chat` as a child process, driven by Node net clients over loopback; and its
// supervision tree in this process: acceptors or the listener killed, the chat goes on.
import { expect } from 'chai';
import * as net from 'net';
import { example_cli, listening, stop, Child } from './peers';
import * as chat from '../../examples/chat';
import * as gen_tcp from '../../gen/gen_tcp';
import * as inet from '../../gen/inet';
import * as gen_server from '../../actors/gen_server';
import { run, exit, is_process_alive, receive, after, processes, Pid, Proc } from '../../runtime';
import { ok, open_fds, collect_crashes } from '../support/sockets';

const start_chat = (): Child => example_cli('chat');

interface Client {
  sock: net.Socket;
  got: () => Buffer;
  ended: Promise<void>;
}

function client(port: number): Promise<Client> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const sock = net.connect(port, '127.0.0.1');
    const ended = new Promise<void>((r) => sock.on('close', () => r()));
    sock.on('data', (d) => chunks.push(d));
    sock.on('error', () => undefined);
    sock.on('connect', () => resolve({ sock, got: () => Buffer.concat(chunks), ended }));
    sock.on('error', reject);
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('condition not met in time');
    await sleep(10);
  }
}

describe('examples/chat (erlsock chat)', function () {
  this.timeout(30000);
  let server: Child;
  let port: number;
  beforeEach(async () => {
    server = start_chat();
    port = await listening(server);
    expect(server.stdout()).to.match(/^listening 127\.0\.0\.1 \d+\n$/);
  });
  afterEach(async () => {
    expect(await stop(server)).to.equal(0);
  });

  it('sends every line to every other client byte for byte, in order, empty lines too', async () => {
    const [a, b, c] = [await client(port), await client(port), await client(port)];
    await sleep(100); // all three joined
    const fromA = 'hello\n\nthird line from a\n';
    const fromB = 'b1\n' + 'x'.repeat(30000) + '\n';
    a.sock.write(fromA.slice(0, 3));
    b.sock.write(fromB);
    a.sock.write(fromA.slice(3));
    const want = Buffer.byteLength(fromA) + Buffer.byteLength(fromB);
    await until(() => c.got().length >= want);
    await until(() => a.got().length >= Buffer.byteLength(fromB) && b.got().length >= Buffer.byteLength(fromA));
    expect(a.got().toString()).to.equal(fromB);
    expect(b.got().toString()).to.equal(fromA);
    // c sees each sender's lines in that sender's order (the two senders interleave by line).
    const lines = c.got().toString().split(/(?<=\n)/);
    expect(lines.filter((l) => fromA.includes(l) && !fromB.includes(l) || l === '\n')).to.deep.equal(['hello\n', '\n', 'third line from a\n']);
    expect(lines.filter((l) => fromB.includes(l) && l !== '\n')).to.deep.equal(fromB.split(/(?<=\n)/));
    for (const x of [a, b, c]) x.sock.destroy();
  });

  it('/quit closes that connection, /crash crashes that process only, a line over 64 KiB closes that client', async () => {
    const [a, b, c] = [await client(port), await client(port), await client(port)];
    await sleep(100);
    a.sock.write('/quit\n');
    await a.ended;
    b.sock.write('/crash\n');
    await b.ended;
    c.sock.write('still here\n');
    const d = await client(port);
    await sleep(100);
    c.sock.write('after\n');
    await until(() => d.got().toString() === 'after\n');
    d.sock.write('x'.repeat(64 * 1024 + 10) + '\n');
    await d.ended;
    const e = await client(port);
    await sleep(100);
    e.sock.write('ok\n');
    await until(() => c.got().toString() === 'ok\n');
    expect(a.got().length + b.got().length).to.equal(0);
    expect(server.stderr()).to.include('crash_requested');
    for (const x of [c, e]) x.sock.destroy();
  });
});

describe('examples/chat under its supervisor', function () {
  this.timeout(30000);
  type S = gen_tcp.GenSocket;
  let fds0 = 0;
  let crashes: ReturnType<typeof collect_crashes>;
  beforeEach(() => {
    fds0 = open_fds();
    crashes = collect_crashes(); // the kills' reports are expected: kept off the console
  });
  afterEach(() => {
    crashes.stop();
    expect(open_fds(), 'fds leaked').to.equal(fds0);
  });

  function* join(port: number): Proc<S> {
    return ok<S>(yield* gen_tcp.connect([127, 0, 0, 1], port, ['binary', ['packet', 'line'], ['active', false]], 2000));
  }

  /** Waits until every client in `to` reads `line` from `from`. */
  function* says(from: S, line: string, to: S[]): Proc<void> {
    expect(yield* gen_tcp.send(from, line)).to.equal('ok');
    for (const c of to) expect(yield* gen_tcp.recv(c, 0, 2000)).to.deep.equal(['ok', Buffer.from(line)]);
  }

  function* until_changed(top: Pid, pick: (t: { listener: Pid; acceptors: Pid[] }) => Pid[], old: Pid[]): Proc<Pid[]> {
    for (let i = 0; i < 200; i++) {
      const now = pick(yield* chat.tree(top));
      if (now.length === old.length && now.every((p) => !old.includes(p))) return now;
      yield* receive(after(10));
    }
    throw new Error('not restarted');
  }

  it('the acceptors killed: the listener lives on, the same port, old clients chat on, new ones are served', () => run(function* () {
    const [, [port, top]] = (yield* chat.server(0)) as ['ok', [number, Pid]];
    const t0 = yield* chat.tree(top);
    expect(t0.acceptors.length).to.equal(chat.ACCEPTORS);
    const a = yield* join(port);
    const b = yield* join(port);
    yield* receive(after(50)); // both joined the room
    yield* says(a, 'before\n', [b]);
    for (const p of t0.acceptors) exit(p, 'kill');
    const fresh = yield* until_changed(top, (t) => t.acceptors, t0.acceptors);
    expect(fresh.length).to.equal(chat.ACCEPTORS);
    const t1 = yield* chat.tree(top);
    expect(t1.listener).to.equal(t0.listener);
    expect(is_process_alive(t0.listener)).to.equal(true);
    const l = (yield* gen_server.call(t1.listener, 'socket')) as S;
    expect(inet.port(l)).to.deep.equal(['ok', port]);
    yield* says(b, 'after\n', [a]);
    const c = yield* join(port);
    yield* receive(after(50));
    yield* says(c, 'new\n', [a, b]);
    // A client killed: its socket closes, nobody else notices, nothing restarts it.
    const clients = (yield* chat.tree(top)).clients;
    expect(clients.length).to.equal(3);
    exit(clients[0]!, 'kill');
    yield* receive(after(50));
    expect((yield* chat.tree(top)).clients.length).to.equal(2);
    for (const x of [a, b, c]) gen_tcp.close(x);
    expect(yield* chat.stop(top)).to.equal('ok');
  }));

  it('the listener killed: acceptors restart after it on the same port, connected clients chat on', () => run(function* () {
    const [, [port, top]] = (yield* chat.server(0)) as ['ok', [number, Pid]];
    const a = yield* join(port);
    const b = yield* join(port);
    yield* receive(after(50));
    const t0 = yield* chat.tree(top);
    exit(t0.listener, 'kill');
    yield* until_changed(top, (t) => [t.listener], [t0.listener]);
    yield* until_changed(top, (t) => t.acceptors, t0.acceptors);
    yield* says(a, 'still here\n', [b]);
    const c = yield* join(port);
    yield* receive(after(50));
    yield* says(c, 'hello\n', [a, b]);
    for (const x of [a, b, c]) gen_tcp.close(x);
    expect(yield* chat.stop(top)).to.equal('ok');
  }));

  it('a port in use: the error, nothing left running', () => run(function* () {
    const [, [port, top]] = (yield* chat.server(0)) as ['ok', [number, Pid]];
    const n0 = processes().length;
    const r = yield* chat.server(port);
    // reuseaddr does not let two listeners share a port on Linux.
    expect(r).to.deep.equal(['error', 'eaddrinuse']);
    yield* receive(after(20));
    expect(processes().length).to.equal(n0);
    expect(yield* chat.stop(top)).to.equal('ok');
  }));
});
