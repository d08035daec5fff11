// `erlsock chat` as a child process, driven by Node net clients over loopback.
import { expect } from 'chai';
import * as net from 'net';
import { example_cli, listening, stop, Child } from './peers';

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
