// An HTTP/1.1 hello server on gen_tcp {packet, http_bin}: one process per connection,
// keep-alive (HTTP/1.1's default; HTTP/1.0 with "Connection: keep-alive"), "Connection:
// close" honoured. GET / (and HEAD /) answer 200 text/plain "Hello from erlsock\n", any
// other path 404, a malformed request 400 and a close.
import * as gen_tcp from '../gen/gen_tcp';
import * as inet from '../gen/inet';
import { spawn, Pid, Proc } from '../runtime';

type S = gen_tcp.GenSocket;

export const BODY = 'Hello from erlsock\n';

const OK_RESPONSE = Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${BODY.length}\r\n\r\n${BODY}`);
const OK_HEAD = Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${BODY.length}\r\n\r\n`);
const NOT_FOUND = Buffer.from('HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 10\r\n\r\nNot Found\n');
const BAD_REQUEST = Buffer.from('HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 12\r\nConnection: close\r\n\r\nBad Request\n');
const CLOSE_HEADER = Buffer.from('Connection: close\r\n');

/** Listens on addr:port (0: a free port); returns the port and the acceptor. */
export function* server(port: number, addr: number[] = [127, 0, 0, 1]): Proc<['ok', [number, Pid]] | ['error', unknown]> {
  const r = gen_tcp.listen(port, [
    'binary', ['ip', addr], ['packet', 'http_bin'], ['packet_size', 16384], ['active', false], ['reuseaddr', true], ['backlog', 1024],
  ]);
  if (r[0] !== 'ok') return r;
  const l = r[1];
  const [, p] = inet.port(l) as ['ok', number];
  const acceptor = spawn(accept_loop, l);
  yield* gen_tcp.controlling_process(l, acceptor);
  return ['ok', [p, acceptor]];
}

function* accept_loop(l: S): Proc<void> {
  for (;;) {
    const r = yield* gen_tcp.accept(l);
    if (r[0] !== 'ok') return;
    const pid = spawn(connection, r[1]);
    yield* gen_tcp.controlling_process(r[1], pid);
  }
}

// The accepted socket's owner until controlling_process runs is the acceptor: the handler
// only reads and writes (any process may), and the move makes its death close the socket.
function* connection(s: S): Proc<void> {
  for (;;) {
    const req = yield* gen_tcp.recv(s, 0);
    if (req[0] !== 'ok') break;
    const t = req[1] as unknown[];
    if (t[0] !== 'http_request') {
      yield* gen_tcp.send(s, BAD_REQUEST);
      break;
    }
    const [, method, uri, version] = t as [string, unknown, unknown[], [number, number]];
    let keep = version[0] === 1 && version[1] >= 1;
    let length = 0;
    let bad = false;
    for (;;) {
      const h = yield* gen_tcp.recv(s, 0);
      if (h[0] !== 'ok') return close(s);
      const v = h[1];
      if (v === 'http_eoh') break;
      const hdr = v as unknown[];
      if (hdr[0] !== 'http_header') {
        bad = true;
        continue;
      }
      const value = (hdr[4] as Buffer).toString('latin1').trim().toLowerCase();
      if (hdr[2] === 'Connection') {
        if (value === 'close') keep = false;
        else if (value === 'keep-alive') keep = true;
      } else if (hdr[2] === 'Content-Length') {
        length = /^\d+$/.test(value) ? Number(value) : -1;
      }
    }
    if (bad || length < 0) {
      yield* gen_tcp.send(s, BAD_REQUEST);
      break;
    }
    if (length > 0) {
      // A body: read it raw, then back to requests.
      inet.setopts(s, [['packet', 'raw']]);
      const b = yield* gen_tcp.recv(s, length);
      inet.setopts(s, [['packet', 'http_bin']]);
      if (b[0] !== 'ok') break;
    }
    const root = uri[0] === 'abs_path' && (uri[1] as Buffer).toString('latin1').split('?')[0] === '/';
    const resp = root ? (method === 'HEAD' ? OK_HEAD : OK_RESPONSE) : NOT_FOUND;
    const sent = keep ? yield* gen_tcp.send(s, resp) : yield* gen_tcp.send(s, with_close(resp));
    if (sent !== 'ok' || !keep) break;
  }
  close(s);
}

function close(s: S): void {
  gen_tcp.close(s);
}

/** The response with "Connection: close" after its status line. */
function with_close(resp: Buffer): Buffer {
  const eol = resp.indexOf('\r\n') + 2;
  return Buffer.concat([resp.subarray(0, eol), CLOSE_HEADER, resp.subarray(eol)]);
}
