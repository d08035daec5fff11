// Owner crashes under load (issue 5): 1,000 handler processes, each owning an accepted
// socket and holding part of a message (a read of 100 bytes that has 10), die three ways:
// killed by exit(Pid, kill), by an error they raise, or by a linked process's crash. For
// every one: its socket is closed with owner undefined, the queued reader in another process
// gets {'$socket', S, abort, {H, closed}}, the socket monitor fires, the peer reads
// {error, closed} (docs/OTP25_BEHAVIOUR.md section 3, owner exit), and at the end number_of(), the socket
// monitors and /proc/self/fd are back where they started.
import { expect } from 'chai';
import * as socket from '../../sockets/socket';
import {
  run, self, spawn, spawn_link, spawn_monitor, send, exit, error, receive, on, after, _, Pid, Ref, Proc,
} from '../../runtime';
import { listener, connected, reply, baseline, collect_crashes, Socket, SelectInfo } from '../support/sockets';

type Mode = 'kill' | 'raise' | 'linked';
const MODES: Mode[] = ['kill', 'raise', 'linked'];
const TOTAL = 1000;
// Connections alive at once: 2 fds each, well inside CI's descriptor limit.
const BATCH = 200;

const PART = Buffer.from('0123456789'); // 10 of the 100 bytes the handler waits for

/**
 * The handler: takes ownership, reads until it holds the 10-byte part of a 100-byte message,
 * reports, then waits the way its mode dies: blocked in recv (kill, linked) or in a receive
 * that raises on 'boom' (raise).
 */
function* handler(parent: Pid, mode: Mode): Proc<void> {
  const s = (yield* receive(on(['own', _], ([, x]) => x))) as Socket;
  let partner: Pid | null = null;
  if (mode === 'linked') {
    partner = spawn_link(function* () {
      yield* receive(on('boom', () => 0));
      error('partner_crash');
    });
  }
  // nowait until the part has come: {select, {SelectInfo, <<"0123456789">>}}
  let r = yield* socket.recv(s, 100, 'nowait');
  while (r[0] === 'select' && (r[1] as unknown[])[0] === 'select_info') {
    const h = (r[1] as SelectInfo)[2];
    yield* receive(on(['$socket', s, 'select', h], () => 0), after(3000, () => 0));
    r = yield* socket.recv(s, 100, 'nowait');
  }
  if (r[0] !== 'select') error(['unexpected', r]);
  const [, part] = r[1] as [SelectInfo, Buffer];
  send(parent, ['holding', [self(), part, partner]]);
  if (mode === 'raise') {
    yield* receive(on('boom', () => 0));
    error(['handler_crash', 'boom']);
  }
  // Blocked for the other 90 bytes, which never come.
  yield* socket.recv(s, 90, 'infinity');
  error('recv_returned');
}

/** A process queued behind the handler on the read queue; reports what it gets. */
function* queued_reader(parent: Pid, s: Socket): Proc<void> {
  const r = yield* socket.recv(s, 0, 'nowait');
  send(parent, ['queued', [self(), r]]);
  const m = yield* receive(on(_, (x) => x), after(5000, () => 'none'));
  send(parent, ['reader_got', [self(), m]]);
}

interface Conn {
  mode: Mode;
  client: Socket;
  sock: Socket;
  handler: Pid;
  hmon: Ref;
  smon: Ref;
  partner: Pid | null;
  reader: Pid;
  handle: unknown;
}

function* start_one(l: Socket, sa: socket.SockAddr, mode: Mode): Proc<Conn> {
  const me = self();
  const [client, sock] = yield* connected(l, sa);
  const [h, hmon] = spawn_monitor(handler, me, mode);
  expect(socket.setopt(sock, 'otp', 'controlling_process', h)).to.equal('ok');
  send(h, ['own', sock]);
  expect(yield* socket.send(client, PART)).to.equal('ok');
  const [hp, part, partner] = (yield* reply('holding')) as [Pid, Buffer, Pid | null];
  expect(hp).to.equal(h);
  expect(part).to.deep.equal(PART);
  const reader = spawn(queued_reader, me, sock);
  const [rp, rr] = (yield* reply('queued')) as [Pid, unknown[]];
  expect(rp).to.equal(reader);
  expect(rr[0], 'the second reader is queued with a select').to.equal('select');
  const smon = socket.monitor(sock);
  return { mode, client, sock, handler: h, hmon, smon, partner, reader, handle: (rr[1] as SelectInfo)[2] };
}

function fire(c: Conn): void {
  if (c.mode === 'kill') exit(c.handler, 'kill');
  else if (c.mode === 'raise') send(c.handler, 'boom');
  else send(c.partner!, 'boom');
}

function* check_one(c: Conn): Proc<void> {
  const reason = yield* receive(on(['DOWN', c.hmon, 'process', c.handler, _], (m) => m[4]), after(5000, () => 'none'));
  if (c.mode === 'kill') expect(reason).to.equal('killed');
  else if (c.mode === 'raise') expect((reason as unknown[])[0]).to.deep.equal(['handler_crash', 'boom']);
  else expect((reason as unknown[])[0], 'the link carried the partner\'s reason').to.equal('partner_crash');

  const down = yield* receive(on(['DOWN', c.smon, 'socket', c.sock, _], (m) => m[4]), after(5000, () => 'none'));
  expect(down, 'socket monitor').to.equal('closed');
  expect(socket.is_open(c.sock)).to.equal(false);
  expect(socket.info(c.sock).owner).to.equal('undefined');

  const [rp, got] = (yield* receive(on(['reader_got', [c.reader, _]], (m) => m[1]), after(5000, () => ['none', 'none']))) as [Pid, unknown];
  expect(rp).to.equal(c.reader);
  expect(got, 'the queued reader gets its abort').to.deep.equal(['$socket', c.sock, 'abort', [c.handle, 'closed']]);

  // The handler had consumed the 10 bytes, so the peer sees a clean EOF.
  expect(yield* socket.recv(c.client, 0, 3000), 'the peer sees the close').to.deep.equal(['error', 'closed']);
  expect(socket.close(c.client)).to.equal('ok');
}

describe('reliability: owner crashes under load', function () {
  this.timeout(60000);

  it(`${TOTAL} handlers killed, raising or linked-crashed mid-message: all closed, aborted, nothing leaks`, () => run(function* () {
    const check_counts = yield* baseline();
    const crashes = collect_crashes();
    try {
      const [l, sa] = listener();
      const reporting = new Set<Pid>();
      const counts: Record<Mode, number> = { kill: 0, raise: 0, linked: 0 };
      for (let done = 0; done < TOTAL; done += BATCH) {
        const conns: Conn[] = [];
        for (let i = 0; i < Math.min(BATCH, TOTAL - done); i++) {
          const mode = MODES[(done + i) % MODES.length];
          counts[mode]++;
          conns.push(yield* start_one(l, sa, mode));
        }
        expect(socket.which_sockets(conns[0].handler)).to.deep.equal([conns[0].sock]);
        for (const c of conns) fire(c);
        for (const c of conns) {
          yield* check_one(c);
          if (c.mode === 'raise') reporting.add(c.handler);
          if (c.partner !== null) reporting.add(c.partner);
        }
      }
      expect(counts.kill + counts.raise + counts.linked).to.equal(TOTAL);
      expect(socket.close(l)).to.equal('ok');
      // Crash reports come from the processes whose own code failed: the raising handlers
      // and the linked partners; a killed or link-killed handler reports nothing.
      const from = new Set(crashes.reports.map((r) => r.pid));
      expect(from.size).to.equal(reporting.size);
      for (const p of reporting) expect(from.has(p), `crash report from ${p.toString()}`).to.equal(true);
    } finally {
      crashes.stop();
    }
    yield* check_counts();
  }));
});
