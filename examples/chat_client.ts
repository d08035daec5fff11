// One chat client's process (examples/chat.ts): the owner of its socket, {packet, line} with
// {active, once}. Every line it reads (with its "\n") goes to every other client of the room
// byte for byte; "/quit\n" closes its connection; "/crash\n" makes it crash on purpose (its
// socket closes with it; nobody else notices); a line over 64 KiB ends its connection
// ({tcp_error, S, emsgsize}). A temporary child of the chat's clients supervisor.
import * as gen_tcp from '../gen/gen_tcp';
import * as inet from '../gen/inet';
import * as proc_lib from '../actors/proc_lib';
import { self, send, receive, on, _, error, is_process_alive, Pid, Proc } from '../runtime';

type S = gen_tcp.GenSocket;

/** The clients in one chat room. */
export type Room = Set<Pid>;

export const MAX_LINE = 64 * 1024;

/** The child start function: [chat_client, 'start_link', [Room]] in the clients supervisor's spec. */
export const chat_client = {
  name: 'chat_client',
  start_link(room: Room): Proc<unknown> {
    return proc_lib.start_link(client_init, [room]);
  },
};

function* client_init(room: Room): Proc<void> {
  proc_lib.init_ack(['ok', self()]);
  // The acceptor makes this process the socket's owner, then sends it.
  const s = (yield* receive(on(['socket', _], (m) => m[1] as S))) as S;
  yield* client(s, room);
}

function* client(s: S, room: Room): Proc<void> {
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
