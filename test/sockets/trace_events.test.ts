// The 'sockets' trace flag: open, accept, connect, owner change, select, abort, monitor
// DOWN and close, each as ['trace', Pid, Tag, ...].
import { expect } from 'chai';
import * as socket from '../../sockets/socket';
import { run, self, spawn, send, receive, on, after, _, trace, add_trace_sink, TraceMessage } from '../../runtime';
import { trace_clear, tracing } from '../../runtime/trace';
import { ok, listener, close_all } from '../support/sockets';

describe('sockets/trace_events', () => {
  afterEach(() => {
    trace_clear();
    expect(tracing).to.equal(false);
  });

  it('a traced process sees its sockets open, connect, accept, select, move, abort and close', () => run(function* () {
    const seen: TraceMessage[] = [];
    const me = self();
    trace(me, true, ['sockets'], { tracer: (m) => seen.push(m) });
    const [l, sa] = listener();
    const c = ok<socket.Socket>(socket.open('inet', 'stream'));
    expect(yield* socket.connect(c, sa)).to.equal('ok');
    const a = ok<socket.Socket>(yield* socket.accept(l, 2000));
    const h = spawn(function* handler() { yield* receive(on('stop')); });
    expect(socket.setopt(a, 'otp', 'controlling_process', h)).to.equal('ok');
    // a nowait recv that gets its select message, then a nowait accept aborted by close
    const r = (yield* socket.recv(c, 0, 'nowait')) as ['select', [string, unknown, unknown]];
    expect(r[0]).to.equal('select');
    yield* socket.send(a, Buffer.from('x'));
    yield* receive(on(['$socket', c, 'select', _]));
    const ar = (yield* socket.accept(l, 'nowait')) as ['select', [string, unknown, unknown]];
    const mref = socket.monitor(l);
    socket.close(l);
    yield* receive(on(['DOWN', mref, 'socket', _, _]));
    yield* receive(after(5));
    const tags = seen.map((m) => m[2]);
    // the blocking connect waited for its own select first
    expect(tags).to.deep.equal([
      'socket_open', 'socket_open', 'socket_select', 'socket_connect', 'socket_open', 'socket_accept',
      'socket_owner', 'socket_select', 'socket_close', 'socket_abort', 'socket_down',
    ]);
    expect(seen[0]).to.deep.equal(['trace', me, 'socket_open', l, 'inet', 'stream', 'tcp']);
    expect(seen.find((m) => m[2] === 'socket_accept')).to.deep.equal(['trace', me, 'socket_accept', l, a]);
    expect(seen.find((m) => m[2] === 'socket_owner')).to.deep.equal(['trace', me, 'socket_owner', a, me, h]);
    expect(seen.filter((m) => m[2] === 'socket_select')[1]).to.deep.equal(['trace', me, 'socket_select', c, r[1][2]]);
    expect(seen.find((m) => m[2] === 'socket_abort')).to.deep.equal(['trace', me, 'socket_abort', l, ar[1][2], 'closed']);
    expect(seen.find((m) => m[2] === 'socket_down')).to.deep.equal(['trace', me, 'socket_down', l, mref]);
    close_all(c);
    socket.close(a);
  }));

  it('a sink sees the close of a socket whose owner died, after the owner', () => run(function* () {
    const seen: Array<[unknown, string]> = [];
    const stop = add_trace_sink(['sockets', 'procs'], (m, flag) => seen.push([m[2], flag]));
    const me = self();
    const p = spawn(function* owner() {
      ok(socket.open('inet', 'stream'));
      yield* receive(on('stop'));
    });
    yield* receive(after(5));
    void me;
    send(p, 'stop');
    yield* receive(after(5));
    stop();
    expect(seen.filter(([t]) => t !== 'spawn' && t !== 'spawned')).to.deep.equal([
      ['socket_open', 'sockets'], ['exit', 'procs'], ['socket_close', 'sockets'],
    ]);
  }));

  it('a sink can skip tags: socket_select never reaches it, the rest does', () => run(function* () {
    const tags: unknown[] = [];
    const stop = add_trace_sink(['sockets'], (m) => tags.push(m[2]), ['socket_select']);
    const [l, sa] = listener();
    const c = ok<socket.Socket>(socket.open('inet', 'stream'));
    expect(yield* socket.connect(c, sa)).to.equal('ok');
    const a = ok<socket.Socket>(yield* socket.accept(l, 2000));
    close_all(c, a, l);
    stop();
    expect(tags).to.deep.equal(['socket_open', 'socket_open', 'socket_connect', 'socket_open', 'socket_accept', 'socket_close', 'socket_close', 'socket_close']);
  }));
});
