// A line-based chat on gen_tcp: {packet, line} with {active, once}, one process per client,
// each the owner of its socket. Every line a client sends (with its "\n") goes to every
// other client byte for byte; "/quit\n" closes the sender's connection; "/crash\n" makes
// the sender's process crash on purpose (its socket closes with it; nobody else notices);
// a line over 64 KiB ends that client's connection ({tcp_error, S, emsgsize}).
import * as gen_tcp from '../gen/gen_tcp';
import * as inet from '../gen/inet';
import { spawn, self, send, receive, on, _, error, is_process_alive, Pid, Proc } from '../runtime';

type S = gen_tcp.GenSocket;

/** The clients in one chat room. */
export type Room = Set<Pid>;

export const MAX_LINE = 64 * 1024;

/**
 * Listens on addr:port (0: a free port) and accepts clients in an acceptor process.
 * Returns the listening socket's port and the acceptor.
 */
export function* server(port: number, addr: number[] = [127, 0, 0, 1]): Proc<['ok', [number, Pid]] | ['error', unknown]> {
  const r = gen_tcp.listen(port, [
    'binary', ['ip', addr], ['packet', 'line'], ['packet_size', MAX_LINE], ['active', false], ['reuseaddr', true], ['backlog', 128],
  ]);
  if (r[0] !== 'ok') return r;
  const l = r[1];
  const [, p] = inet.port(l) as ['ok', number];
  const room: Room = new Set();
  const acceptor = spawn(accept_loop, l, room);
  // The acceptor owns the listening socket: it closes if the acceptor dies.
  yield* gen_tcp.controlling_process(l, acceptor);
  return ['ok', [p, acceptor]];
}

function* accept_loop(l: S, room: Room): Proc<void> {
  for (;;) {
    const r = yield* gen_tcp.accept(l);
    if (r[0] !== 'ok') return;
    const a = r[1];
    const pid = spawn(client, room);
    yield* gen_tcp.controlling_process(a, pid);
    send(pid, ['socket', a]);
  }
}

function* client(room: Room): Proc<void> {
  const s = (yield* receive(on(['socket', _], (m) => m[1] as S))) as S;
  const me = self();
  room.add(me);
  try {
    inet.setopts(s, [['active', 'once']]);
    for (;;) {
      const m = (yield* receive(
        on(['tcp', s, _], (x: unknown[]) => x),
        on(['chat', _], (x: unknown[]) => x),
        on(['tcp_closed', s], (x: unknown[]) => x),
        on(['tcp_error', s, _], (x: unknown[]) => x),
      )) as unknown[];
      if (m[0] === 'chat') {
        yield* gen_tcp.send(s, m[1]);
        continue;
      }
      if (m[0] !== 'tcp') return; // closed, or an error (a line too long): the socket is closed
      const line = m[2] as Buffer;
      if (is(line, '/quit\n')) {
        gen_tcp.close(s);
        return;
      }
      if (is(line, '/crash\n')) error('crash_requested');
      for (const p of room) {
        if (p === me) continue;
        if (is_process_alive(p)) send(p, ['chat', line]);
        else room.delete(p);
      }
      inet.setopts(s, [['active', 'once']]);
    }
  } finally {
    room.delete(me);
  }
}

function is(b: Buffer, text: string): boolean {
  return b.length === text.length && b.toString('latin1') === text;
}
