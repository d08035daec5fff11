// observer.start({port}): the observer page and its JSON over node:http on 127.0.0.1 only.
// Not served on erlsock's own sockets: the page must keep working while the scheduler it
// observes is starved, and its own processes would clutter the graph.
//
// - Host header check (a DNS-rebinding guard): only 127.0.0.1:PORT, localhost:PORT and
//   [::1]:PORT are answered; anything else gets 403.
// - Read-only by default. POST /api/kill/:pid works only with {allow_kill: true} and the
//   header `x-erlsock-observer: kill` (a page from another origin cannot set it).
// - Bad input: unknown paths 404, other methods 405, long URLs 414, bodies 413, malformed
//   requests 400 (Node's parser), oversized headers 431; the server keeps running.
// Endpoints: GET / (the page), /app.js, /style.css, /api/snapshot[?limit=N],
// /api/process/:pid, /api/events (Server-Sent Events: `change` when processes or sockets
// changed, `trace` batches of recent procs and sockets events, a ping every 15 s).
import * as http from 'http';
import * as fs from 'fs';
import * as path from 'path';
import type { AddressInfo } from 'net';
import { Pid, exit, add_trace_sink, processes } from '../runtime';
import { format_trace } from '../runtime/dbg';
import { SystemSampler, snapshot, process_detail } from './snapshot';

export interface ObserverOpts {
  /** TCP port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
  /** Address to bind; '127.0.0.1' unless asked otherwise. */
  host?: string;
  /** Allow POST /api/kill/:pid (off by default). */
  allow_kill?: boolean;
  /** Where the `observer http://127.0.0.1:PORT/` line goes (stdout by default); null: nowhere. */
  print?: ((line: string) => void) | null;
}

export interface Observer {
  port: number;
  url: string;
  stop(): Promise<void>;
}

const MAX_URL = 2048;
const TRACE_RING = 1000;
const TRACE_BATCH = 200;
const FLUSH_MS = 250;

/** The page's files: next to the sources (observer/page), found from dist/observer too. */
function page_dir(): string {
  for (const d of [path.join(__dirname, 'page'), path.join(__dirname, '..', '..', 'observer', 'page')]) {
    if (fs.existsSync(path.join(d, 'index.html'))) return d;
  }
  throw new Error('erlsock observer: observer/page/index.html not found');
}

const STATIC: Record<string, [string, string]> = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/index.html': ['index.html', 'text/html; charset=utf-8'],
  '/app.js': ['app.js', 'text/javascript; charset=utf-8'],
  '/graph.js': ['graph.js', 'text/javascript; charset=utf-8'],
  '/style.css': ['style.css', 'text/css; charset=utf-8'],
};

/** Events that change the graph (everything but select/abort/down and message traffic). */
const STRUCTURAL = new Set(['spawn', 'exit', 'link', 'unlink', 'register', 'unregister', 'socket_open', 'socket_close', 'socket_owner', 'socket_accept', 'socket_connect']);

interface Ev {
  seq: number;
  time: number;
  flag: string;
  msg: unknown[];
}

/** A pid from its printed form, if that process is alive. */
function find_pid(text: string): Pid | null {
  for (const p of processes()) if (p.toString() === text) return p;
  return null;
}

export function start(opts: ObserverOpts = {}): Promise<Observer> {
  const dir = page_dir();
  const files = new Map<string, Buffer>();
  for (const [, [f]] of Object.entries(STATIC)) files.set(f, fs.readFileSync(path.join(dir, f)));
  const host = opts.host ?? '127.0.0.1';
  const sampler = new SystemSampler();
  let port = 0;
  let seq = 0;
  let ev_seq = 0;
  const ring: Array<Ev | undefined> = new Array<Ev | undefined>(TRACE_RING);
  const clients = new Set<http.ServerResponse>();
  let stop_sink: (() => void) | null = null;
  let sent_seq = -1;
  let sent_ev = 0;

  const sink = (msg: unknown[], flag: string, time: number): void => {
    ev_seq++;
    ring[ev_seq % TRACE_RING] = { seq: ev_seq, time, flag, msg };
    if (STRUCTURAL.has(msg[2] as string)) seq++;
  };

  const flush = (): void => {
    if (clients.size === 0) return;
    let out = '';
    if (seq !== sent_seq) {
      sent_seq = seq;
      out += `event: change\ndata: ${JSON.stringify({ seq })}\n\n`;
    }
    if (ev_seq !== sent_ev) {
      const from = Math.max(sent_ev + 1, ev_seq - TRACE_BATCH + 1, ev_seq - TRACE_RING + 1);
      const batch: unknown[] = [];
      for (let n = from; n <= ev_seq; n++) {
        const e = ring[n % TRACE_RING];
        if (e === undefined || e.seq !== n) continue;
        batch.push({ seq: e.seq, time: e.time, flag: e.flag, tag: e.msg[2], pid: String(e.msg[1]), text: format_trace(e.msg) });
      }
      out += `event: trace\ndata: ${JSON.stringify({ skipped: from - sent_ev - 1, events: batch })}\n\n`;
      sent_ev = ev_seq;
    }
    if (out !== '') for (const c of clients) c.write(out);
  };
  const flusher = setInterval(flush, FLUSH_MS);
  flusher.unref();
  const pinger = setInterval(() => {
    for (const c of clients) c.write(': ping\n\n');
  }, 15000);
  pinger.unref();

  // A host asked for explicitly (say a LAN address) is also accepted under its own name.
  const allowed_host = (h: string | undefined): boolean =>
    h === `127.0.0.1:${port}` || h === `localhost:${port}` || h === `[::1]:${port}` || (host !== '127.0.0.1' && h === `${host.includes(':') ? `[${host}]` : host}:${port}`);

  const send = (res: http.ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8'): void => {
    res.writeHead(status, {
      'content-type': type,
      'content-length': Buffer.byteLength(body),
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
    res.end(body);
  };
  const json = (res: http.ServerResponse, status: number, v: unknown): void => send(res, status, JSON.stringify(v), 'application/json');

  const handle = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const url = req.url ?? '/';
    if (!allowed_host(req.headers.host)) return send(res, 403, 'forbidden: Host must be 127.0.0.1 or localhost with this port\n');
    if (url.length > MAX_URL) return send(res, 414, 'URI too long\n');
    const cl = Number(req.headers['content-length'] ?? 0);
    if (req.headers['transfer-encoding'] !== undefined || !(cl >= 0 && cl <= 0)) {
      res.setHeader('connection', 'close');
      return send(res, 413, 'request bodies are not accepted\n');
    }
    let u: URL;
    try {
      u = new URL(url, 'http://127.0.0.1');
    } catch {
      return send(res, 400, 'bad request\n');
    }
    const p = u.pathname;
    if (req.method === 'POST' && p.startsWith('/api/kill/')) {
      if (opts.allow_kill !== true) return send(res, 403, 'killing is off: start the observer with allow_kill\n');
      if (req.headers['x-erlsock-observer'] !== 'kill') return send(res, 403, 'missing x-erlsock-observer: kill\n');
      const pid = find_pid(decodeURIComponent(p.slice('/api/kill/'.length)));
      if (pid === null) return send(res, 404, 'no such process\n');
      exit(pid, 'kill');
      return json(res, 200, { killed: pid.toString() });
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return send(res, 405, 'method not allowed\n');
    }
    const st = STATIC[p];
    if (st !== undefined) {
      const body = files.get(st[0]) as Buffer;
      res.writeHead(200, { 'content-type': st[1], 'content-length': body.length, 'cache-control': 'no-store' });
      return void res.end(req.method === 'HEAD' ? undefined : body);
    }
    if (p === '/api/snapshot') {
      const lim = u.searchParams.get('limit');
      const n = lim === null ? 20000 : Number(lim);
      if (!Number.isInteger(n) || n < 1 || n > 1000000) return send(res, 400, 'limit must be an integer from 1 to 1000000\n');
      return json(res, 200, { ...snapshot(seq, sampler, n), allow_kill: opts.allow_kill === true });
    }
    if (p.startsWith('/api/process/')) {
      let text: string;
      try {
        text = decodeURIComponent(p.slice('/api/process/'.length));
      } catch {
        return send(res, 400, 'bad pid\n');
      }
      const pid = find_pid(text);
      const d = pid === null ? null : process_detail(pid);
      return d === null ? send(res, 404, 'no such process\n') : json(res, 200, d);
    }
    if (p === '/api/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      res.write(`retry: 1000\nevent: change\ndata: ${JSON.stringify({ seq })}\n\n`);
      clients.add(res);
      // socket_select comes with nearly every socket operation: too frequent to be worth its cost here
      if (stop_sink === null) stop_sink = add_trace_sink(['procs', 'sockets'], sink, ['socket_select']);
      req.on('close', () => {
        clients.delete(res);
        if (clients.size === 0 && stop_sink !== null) {
          stop_sink();
          stop_sink = null;
        }
      });
      return;
    }
    return send(res, 404, 'not found\n');
  };

  const server = http.createServer({ maxHeaderSize: 16384, requestTimeout: 10000, headersTimeout: 10000 }, (req, res) => {
    try {
      handle(req, res);
    } catch (e) {
      if (!res.headersSent) send(res, 500, `internal error: ${String(e)}\n`);
      else res.destroy();
    }
  });
  server.on('clientError', (err: NodeJS.ErrnoException, sock) => {
    if (!sock.writable) return sock.destroy();
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
    sock.end(`HTTP/1.1 ${status}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n`);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      port = (server.address() as AddressInfo).port;
      const url = `http://127.0.0.1:${port}/`;
      const print = opts.print === undefined ? (l: string) => process.stdout.write(`${l}\n`) : opts.print;
      if (print !== null) print(`observer ${url}`);
      resolve({
        port,
        url,
        stop: () =>
          new Promise<void>((done) => {
            clearInterval(flusher);
            clearInterval(pinger);
            if (stop_sink !== null) stop_sink();
            stop_sink = null;
            for (const c of clients) c.end();
            clients.clear();
            sampler.stop();
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
