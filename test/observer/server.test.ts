// The observer's HTTP server: /api/snapshot from a real echo server (the guide's) with real
// loopback clients, /api/process, the event stream, and bad input answered with a clean 4xx
// while the server keeps running.
import { expect } from 'chai';
import * as http from 'http';
import * as net from 'net';
import { run, Pid, exit, processes, spawn, receive, on, send } from '../../runtime';
import * as echo from '../../examples/echo';
import * as observer from '../../observer';
import * as gen_server from '../../actors/gen_server';
import * as gen_statem from '../../actors/gen_statem';
import type { GenServerModule, From } from '../../actors/gen_server_types';
import type { Snapshot } from '../../observer';

interface Got { status: number; body: string; headers: http.IncomingHttpHeaders }

function get(port: number, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Got> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method, headers, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Raw bytes to the server → the status line it answers. */
function raw(port: number, bytes: string | Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    let got = '';
    s.on('data', (d) => (got += d.toString('latin1')));
    s.on('end', () => resolve(got.split('\r\n')[0] ?? ''));
    s.on('close', () => resolve(got.split('\r\n')[0] ?? ''));
    s.on('error', reject);
    s.end(bytes);
    setTimeout(() => { s.destroy(); resolve(got.split('\r\n')[0] ?? ''); }, 3000);
  });
}

function client(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => {
      s.write('hi');
      s.once('data', () => resolve(s));
    });
    s.on('error', reject);
  });
}

describe('observer/server', function () {
  this.timeout(20000);
  let obs: observer.Observer;
  let port = 0;
  let acceptor: Pid;

  before(async () => {
    echo.options.quiet = true;
    const [, [p, , a]] = await run(function* () { return yield* echo.server(0, [127, 0, 0, 1]); });
    port = p;
    acceptor = a;
    obs = await observer.start({ port: 0, print: null });
  });
  after(async () => {
    await obs.stop();
    exit(acceptor, 'kill');
    echo.options.quiet = false;
  });

  it('listens on 127.0.0.1 only, on the port it reports', () => {
    expect(obs.url).to.equal(`http://127.0.0.1:${obs.port}/`);
  });

  it('/api/snapshot: the listener owned by the acceptor, each client socket by its own handler', async () => {
    const c1 = await client(port);
    const c2 = await client(port);
    const r = await get(obs.port, '/api/snapshot', { host: `127.0.0.1:${obs.port}` });
    expect(r.status).to.equal(200);
    expect(r.headers['content-type']).to.equal('application/json');
    const s = JSON.parse(r.body) as Snapshot;
    const listen = s.sockets.find((x) => x.local_address === `localhost:${port}` && x.remote_address === '');
    expect(listen, 'listener').to.not.equal(undefined);
    expect(listen!.owner).to.equal(acceptor.toString());
    expect(listen!.waiters).to.deep.equal([{ pid: acceptor.toString(), op: 'accept', signalled: false }]);
    expect([listen!.domain, listen!.type, listen!.protocol]).to.deep.equal(['inet', 'stream', 'tcp']);
    const handlers: string[] = [];
    for (const c of [c1, c2]) {
      const a = s.sockets.find((x) => x.remote_address === `localhost:${c.localPort}`);
      expect(a, 'accepted socket').to.not.equal(undefined);
      expect(a!.owner).to.not.equal(acceptor.toString());
      handlers.push(a!.owner!);
      const h = s.processes.find((p) => p.pid === a!.owner);
      expect(h!.status).to.equal('waiting');
      expect(h!.current_function).to.match(/^undefined:/);
    }
    expect(new Set(handlers).size).to.equal(2);
    expect(s.system.processes).to.equal(processes().length);
    expect(s.system.memory.total).to.be.above(0);
    const d = await get(obs.port, `/api/process/${encodeURIComponent(handlers[0]!)}`, { host: `localhost:${obs.port}` });
    expect(d.status).to.equal(200);
    expect(JSON.parse(d.body)).to.include({ pid: handlers[0], message_queue_len: 0 });
    c1.destroy();
    c2.destroy();
  });

  it('/api/snapshot?limit=N cuts each list, owners of the listed sockets first, and says so', async () => {
    const c1 = await client(port);
    const c2 = await client(port);
    const s = JSON.parse((await get(obs.port, '/api/snapshot?limit=2', { host: `127.0.0.1:${obs.port}` })).body) as Snapshot;
    expect(s.sockets).to.have.length(2);
    expect(s.processes).to.have.length(2);
    expect(s.truncated).to.deep.equal({ processes: processes().length, sockets: s.system.sockets });
    for (const x of s.sockets) expect(s.processes.map((p) => p.pid)).to.include(x.owner);
    c1.destroy();
    c2.destroy();
  });

  it('/api/events streams a change and the socket trace when a client connects', async () => {
    const chunks: string[] = [];
    const req = http.get({ host: '127.0.0.1', port: obs.port, path: '/api/events', headers: { host: `127.0.0.1:${obs.port}` } });
    const res = await new Promise<http.IncomingMessage>((resolve) => req.on('response', resolve));
    expect(res.headers['content-type']).to.equal('text/event-stream');
    res.setEncoding('utf8');
    res.on('data', (c: string) => chunks.push(c));
    await new Promise((r) => setTimeout(r, 100));
    const c = await client(port);
    await new Promise((r) => setTimeout(r, 600));
    req.destroy();
    c.destroy();
    const text = chunks.join('');
    expect(text).to.match(/^retry: 1000\nevent: change\ndata: \{"seq":\d+\}\n\n/);
    const traces = text.split('\n\n').filter((b) => b.startsWith('event: trace')).map((b) => JSON.parse(b.split('\ndata: ')[1]!) as { events: Array<{ tag: string; flag: string; text: string }> });
    const tags = traces.flatMap((t) => t.events.map((e) => e.tag));
    expect(tags).to.include.members(['socket_accept', 'socket_open', 'socket_owner', 'spawn']);
  });

  it('/api/process/:pid shows a gen_server\'s and a gen_statem\'s state, read without asking the busy server', async () => {
    // A counter; 'hold' keeps the server inside handle_call until it gets 'go'.
    const counter: GenServerModule<number, { count: number; tags: string[] }> = {
      name: 'counter',
      init: (n) => ['ok', { count: n, tags: [] }],
      *handle_call(req, _from: From, s) {
        if (req === 'hold') yield* receive(on('go'));
        return ['reply', 'ok', { count: s.count + 1, tags: [...s.tags, String(req)] }];
      },
      handle_cast: (tag, s) => ['noreply', { count: s.count + 1, tags: [...s.tags, String(tag)] }],
    };
    const h = { host: `127.0.0.1:${obs.port}` };
    const view = async (pid: Pid): Promise<Record<string, unknown>> => {
      const r = await get(obs.port, `/api/process/${encodeURIComponent(pid.toString())}`, h);
      expect(r.status).to.equal(200);
      return JSON.parse(r.body) as Record<string, unknown>;
    };
    const started = (await run(function* () { return yield* gen_server.start(counter, 40); })) as ['ok', Pid];
    const srv = started[1];
    await run(function* () {
      gen_server.cast(srv, 'a');
      return yield* gen_server.call(srv, 'b');
    });
    expect(await view(srv)).to.include({ behaviour: 'gen_server', state: '#{count => 42,tags => {a,b}}' });
    // Inside a callback the server cannot answer sys.get_state; the view still answers at
    // once, with the state as of the last callback that returned.
    const held = run(function* () { return yield* gen_server.call(srv, 'hold'); });
    await new Promise((r) => setTimeout(r, 50));
    const busy = await view(srv);
    expect(busy).to.include({ behaviour: 'gen_server', state: '#{count => 42,tags => {a,b}}', status: 'waiting' });
    send(srv, 'go');
    expect(await held).to.equal('ok');
    expect(await view(srv)).to.include({ state: '#{count => 43,tags => {a,b,hold}}' });

    const door = (await run(function* () {
      return yield* gen_statem.start({
        callback_mode: () => 'handle_event_function',
        init: () => ['ok', 'locked', { opened: 0 }],
        handle_event: (_t: unknown, c: unknown, _s: unknown, d: { opened: number }) => (c === 'open' ? ['next_state', 'open', { opened: d.opened + 1 }] : 'keep_state_and_data'),
      }, null);
    })) as ['ok', Pid];
    await run(function* () { gen_statem.cast(door[1], 'open'); });
    await new Promise((r) => setTimeout(r, 20));
    expect(await view(door[1])).to.include({ behaviour: 'gen_statem', state: '{open,#{opened => 1}}' });

    // Any other process: no behaviour, no state.
    expect(await view(acceptor)).to.include({ behaviour: null, state: null });
    await run(function* () {
      yield* gen_server.stop(srv);
      yield* gen_statem.stop(door[1]);
    });
    expect((await get(obs.port, `/api/process/${encodeURIComponent(srv.toString())}`, h)).status).to.equal(404);
  });

  it('bad input: a clean 4xx each time, and the server keeps answering', async () => {
    const h = { host: `127.0.0.1:${obs.port}` };
    expect((await get(obs.port, '/nope', h)).status).to.equal(404);
    expect((await get(obs.port, '/api/snapshot', { host: 'evil.example:80' })).status).to.equal(403);
    expect((await get(obs.port, '/api/snapshot', { host: `127.0.0.1:${obs.port + 1}` })).status).to.equal(403);
    expect((await get(obs.port, '/api/snapshot?limit=-1', h)).status).to.equal(400);
    expect((await get(obs.port, '/api/process/%E0%A4%A', h)).status).to.equal(400);
    expect((await get(obs.port, '/api/process/<0.1.0>', h)).status).to.equal(404);
    expect((await get(obs.port, '/' + 'a'.repeat(3000), h)).status).to.equal(414);
    expect((await get(obs.port, '/api/snapshot', h, 'DELETE')).status).to.equal(405);
    expect((await get(obs.port, `/api/kill/${encodeURIComponent(acceptor.toString())}`, h, 'POST')).status).to.equal(403);
    expect(await raw(obs.port, `GET / HTTP/1.1\r\nHost: 127.0.0.1:${obs.port}\r\nX: ${'x'.repeat(20000)}\r\n\r\n`)).to.equal('HTTP/1.1 431 Request Header Fields Too Large');
    expect(await raw(obs.port, 'GARBAGE\r\n\r\n')).to.equal('HTTP/1.1 400 Bad Request');
    expect(await raw(obs.port, `POST /api/snapshot HTTP/1.1\r\nHost: 127.0.0.1:${obs.port}\r\nContent-Length: 100000000\r\n\r\nxx`)).to.equal('HTTP/1.1 413 Payload Too Large');
    const r = await get(obs.port, '/', h);
    expect(r.status).to.equal(200);
    expect(r.body).to.contain('<title>erlsock observer</title>');
    expect(processes()).to.include(acceptor);
  });

  it('POST /api/kill works only when allowed and with its header', async () => {
    const o2 = await observer.start({ port: 0, print: null, allow_kill: true });
    try {
      const victim = spawn(function* victim() { yield* receive(on('never')); });
      const h = { host: `127.0.0.1:${o2.port}` };
      const path = `/api/kill/${encodeURIComponent(victim.toString())}`;
      expect((await get(o2.port, path, h, 'POST')).status).to.equal(403);
      expect((await get(o2.port, path, { ...h, 'x-erlsock-observer': 'kill' }, 'POST')).status).to.equal(200);
      expect(victim.proc).to.equal(null);
    } finally {
      await o2.stop();
    }
  });
});
