// The epmd client: register this node (ALIVE2, the connection stays open: closing it
// unregisters) and look nodes up (PORT_PLEASE2). Starts `epmd -daemon` when none answers.
import { execFile } from 'child_process';
import { Proc, await_promise } from '../runtime';
import * as socket from '../sockets/socket';
import type { Socket } from '../sockets/socket_term';

export const EPMD_PORT = Number(process.env.ERL_EPMD_PORT ?? 4369);
const LOOPBACK = [127, 0, 0, 1] as [number, number, number, number];

export class DistError extends Error {
  override name = 'DistError';
}

function* connect_epmd(addr: [number, number, number, number], start_daemon: boolean): Proc<Socket> {
  for (let attempt = 0; ; attempt++) {
    const o = socket.open('inet', 'stream', 'tcp');
    if (o[0] !== 'ok') throw new DistError(`epmd: cannot open a socket: ${String(o[1])}`);
    const s = o[1] as Socket;
    const r = yield* socket.connect(s, { family: 'inet', addr, port: EPMD_PORT }, 5000);
    if (r === 'ok') return s;
    socket.close(s);
    if (!start_daemon || attempt >= 20) throw new DistError(`epmd: cannot connect to port ${EPMD_PORT}: ${JSON.stringify(r)}`);
    if (attempt === 0) {
      // No epmd yet: start the one that ships with Erlang, as `erl -sname` does.
      yield* await_promise(new Promise<void>((resolve) => execFile('epmd', ['-daemon'], () => resolve())));
    }
    yield* await_promise(new Promise((resolve) => setTimeout(resolve, 100)));
  }
}

function* recv_exact(s: Socket, n: number, what: string): Proc<Buffer> {
  const r = yield* socket.recv(s, n, 5000);
  if (r[0] !== 'ok') throw new DistError(`epmd: ${what}: ${JSON.stringify(r[1] instanceof Buffer ? 'closed' : r[1])}`);
  return r[1] as Buffer;
}

export interface Registration {
  /** The open connection that keeps the name registered; closing it unregisters. */
  sock: Socket;
  creation: number;
}

/** ALIVE2: registers `alive` (the part before @) with our listen port. */
export function* register(alive: string, port: number, hidden: boolean): Proc<Registration> {
  const s = yield* connect_epmd(LOOPBACK, true);
  const name = Buffer.from(alive, 'utf8');
  const body = Buffer.alloc(13 + name.length);
  body[0] = 120;
  body.writeUInt16BE(port, 1);
  body[3] = hidden ? 72 : 77;
  body[4] = 0; // tcp/ipv4
  body.writeUInt16BE(6, 5); // highest version
  body.writeUInt16BE(6, 7); // lowest version
  body.writeUInt16BE(name.length, 9);
  name.copy(body, 11);
  body.writeUInt16BE(0, 11 + name.length); // no extra
  const len = Buffer.alloc(2);
  len.writeUInt16BE(body.length);
  const w = yield* socket.send(s, Buffer.concat([len, body]), 5000);
  if (w !== 'ok') {
    socket.close(s);
    throw new DistError('epmd: register: send failed');
  }
  try {
    const head = yield* recv_exact(s, 2, 'register');
    if (head[0] === 118) {
      const rest = yield* recv_exact(s, 4, 'register');
      if (head[1] !== 0) throw new DistError(`epmd: the name ${alive} is taken (or refused, result ${head[1]})`);
      return { sock: s, creation: rest.readUInt32BE(0) };
    }
    if (head[0] === 121) {
      const rest = yield* recv_exact(s, 2, 'register');
      if (head[1] !== 0) throw new DistError(`epmd: the name ${alive} is taken (or refused, result ${head[1]})`);
      return { sock: s, creation: rest.readUInt16BE(0) };
    }
    throw new DistError(`epmd: unexpected reply ${head[0]}`);
  } catch (e) {
    socket.close(s);
    throw e;
  }
}

/** PORT_PLEASE2: the port of `alive` on the epmd at addr, or null if not registered. */
export function* port_please(alive: string, addr: [number, number, number, number]): Proc<number | null> {
  const s = yield* connect_epmd(addr, false);
  try {
    const name = Buffer.from(alive, 'utf8');
    const req = Buffer.alloc(3 + name.length);
    req.writeUInt16BE(1 + name.length, 0);
    req[2] = 122;
    name.copy(req, 3);
    if ((yield* socket.send(s, req, 5000)) !== 'ok') return null;
    const head = yield* socket.recv(s, 2, 5000);
    if (head[0] !== 'ok') return null;
    const h = head[1] as Buffer;
    if (h[0] !== 119 || h[1] !== 0) return null;
    const port = yield* recv_exact(s, 2, 'port_please');
    return port.readUInt16BE(0);
  } finally {
    socket.close(s);
  }
}
