// The supervised server under crash injection (loopback only, bounded): 1,000 random kills of
// handlers and acceptors while 100 client connections keep echoing. The server keeps
// serving new connections, every kill shows as one restart decision (a child_terminated
// report from the supervisor that owned the child), no rejection goes unhandled, and the fd
// count is back at its start once everything has stopped. Then a crash loop beyond the
// acceptors' intensity: their supervisor goes down and the top one restarts it, while the
// listener (and its socket) lives on.
import { readdirSync } from 'fs';
import { expect } from 'chai';
import {
  run, spawn, self, send, receive, on, after, _, exit, process_flag, is_process_alive, monitor,
  set_crash_logger, CrashLogger, CrashReport, Pid, Proc,
} from '../../runtime';
import * as socket from '../../sockets/socket';
import type { Socket } from '../../sockets/socket_term';
import * as gen_server from '../../actors/gen_server';
import * as supervisor from '../../actors/supervisor';
import * as server from '../../examples/supervised_server';

function fd_count(): number {
  return readdirSync('/proc/self/fd').length;
}

function* sleep(ms: number): Proc<void> {
  yield* receive(after(ms));
}

/** One echo exchange on a new connection: 'ok' or the first error. */
function* echo_once(port: number, msg: string): Proc<unknown> {
  const o = socket.open('inet', 'stream', 'tcp');
  if (o[0] !== 'ok') return o;
  const s = o[1] as Socket;
  try {
    const c = yield* socket.connect(s, { family: 'inet', addr: [127, 0, 0, 1], port }, 2000);
    if (c !== 'ok') return c;
    const w = yield* socket.send(s, Buffer.from(msg), 2000);
    if (w !== 'ok') return w;
    const r = yield* socket.recv(s, msg.length, 2000);
    return r[0] === 'ok' && (r[1] as Buffer).toString() === msg ? 'ok' : r;
  } finally {
    socket.close(s);
  }
}

/** A client that keeps one connection busy echoing, reconnecting when the server drops it. */
function* load_client(port: number, id: number, parent: Pid): Proc<void> {
  let echoes = 0;
  let reconnects = 0;
  let s: Socket | null = null;
  for (;;) {
    const stop = yield* receive(on('stop'), after(0, () => null));
    if (stop !== null) break;
    if (s === null) {
      const o = socket.open('inet', 'stream', 'tcp');
      if (o[0] !== 'ok') exit(['open_failed', o]);
      s = o[1] as Socket;
      const c = yield* socket.connect(s, { family: 'inet', addr: [127, 0, 0, 1], port }, 2000);
      if (c !== 'ok') {
        socket.close(s);
        s = null;
        reconnects++;
        yield* sleep(2);
        continue;
      }
    }
    const msg = Buffer.from(`c${id}-${echoes}`);
    const w = yield* socket.send(s, msg, 2000);
    const r = w === 'ok' ? yield* socket.recv(s, msg.length, 2000) : w;
    if (Array.isArray(r) && r[0] === 'ok' && (r[1] as Buffer).equals(msg)) {
      echoes++;
    } else {
      socket.close(s); // killed handler: closed or reset; start again
      s = null;
      reconnects++;
    }
  }
  if (s !== null) socket.close(s);
  send(parent, ['load_done', id, echoes, reconnects]);
}

function terminated_by(reports: CrashReport[], sup: string): number {
  return reports.filter((r) => {
    if (r.label !== 'supervisor_report') return false;
    const [[, name], [, ctx]] = r.reason as [[string, unknown], [string, unknown]];
    return ctx === 'child_terminated' && Array.isArray(name) && name[1] === sup;
  }).length;
}

describe('examples/supervised_server', function () {
  this.timeout(60000);
  let old: CrashLogger;
  let reports: CrashReport[];
  let rejections = 0;
  const on_rejection = (): void => {
    rejections++;
  };
  beforeEach(() => {
    reports = [];
    old = set_crash_logger((r) => reports.push(r));
    process.on('unhandledRejection', on_rejection);
  });
  afterEach(() => {
    set_crash_logger(old);
    process.off('unhandledRejection', on_rejection);
  });

  it('1,000 random kills of handlers and acceptors under 100 busy connections', async () => {
    const fd0 = fd_count();
    const r = await run(function* () {
      process_flag('trap_exit', true);
      const top = yield* server.start_link({ name: 'ss1', port: 0, acceptors: 10, acceptor_intensity: 5000, acceptor_period: 1 });
      const top_pid = (top as [string, Pid])[1];
      const port = yield* server.port('ss1');
      const me = self();
      const clients: Pid[] = [];
      for (let i = 0; i < 100; i++) clients.push(spawn(load_client, port, i, me));
      yield* sleep(100);
      const kills = { handler: 0, acceptor: 0 };
      let new_conns_ok = 0;
      for (let k = 0; kills.handler + kills.acceptor < 1000 && k < 20000; k++) {
        const { acceptors, handlers } = yield* server.children('ss1');
        const pick_handler = Math.random() < 0.5 ? handlers.length > 0 : acceptors.length === 0;
        const pool = pick_handler ? handlers : acceptors;
        const victim = pool[Math.floor(Math.random() * pool.length)];
        if (victim !== undefined && is_process_alive(victim)) {
          exit(victim, 'kill');
          kills[pick_handler ? 'handler' : 'acceptor']++;
        }
        if (k % 50 === 0 && (yield* echo_once(port, `new-${k}`)) === 'ok') new_conns_ok++;
        yield* sleep(1);
      }
      // Still serving new connections after the storm.
      const after_storm = yield* echo_once(port, 'after');
      for (const c of clients) send(c, 'stop');
      const load: Array<[number, number]> = [];
      for (let i = 0; i < clients.length; i++) {
        const m = yield* receive(on(['load_done', _, _, _]), after(10000, () => null));
        if (m !== null) load.push([m[2] as number, m[3] as number]);
      }
      const acceptors_left = (yield* supervisor.count_children('ss1_acceptors'))[1];
      const ref = monitor('process', top_pid);
      exit(top_pid, 'shutdown');
      yield* receive(on(['DOWN', ref, _, _, _]), after(5000));
      yield* sleep(50);
      return { kills, new_conns_ok, after_storm, load, acceptors_left, port };
    });
    const total_echoes = r.load.reduce((a, [e]) => a + e, 0);
    expect(r.kills.handler + r.kills.acceptor).to.equal(1000);
    expect(r.kills.acceptor).to.be.greaterThan(100);
    expect(r.kills.handler).to.be.greaterThan(100);
    expect(r.after_storm).to.equal('ok');
    expect(r.new_conns_ok).to.be.greaterThan(0);
    expect(r.load).to.have.length(100);
    expect(total_echoes).to.be.greaterThan(1000);
    expect(r.acceptors_left).to.deep.equal(['active', 10]);
    // Every kill is one restart decision of the supervisor that owned the victim.
    expect(terminated_by(reports, 'ss1_acceptors')).to.equal(r.kills.acceptor);
    expect(terminated_by(reports, 'ss1_conns')).to.equal(r.kills.handler);
    expect(terminated_by(reports, 'ss1')).to.equal(0); // nothing escalated to the top
    expect(rejections).to.equal(0);
    expect(fd_count()).to.equal(fd0);
  });

  it('a crash loop beyond the acceptors’ intensity takes their subtree down; the top restarts it, the listener lives on', async () => {
    const fd0 = fd_count();
    const r = await run(function* () {
      process_flag('trap_exit', true);
      const top = yield* server.start_link({ name: 'ss2', port: 0, acceptors: 4, acceptor_intensity: 3, acceptor_period: 5 });
      const top_pid = (top as [string, Pid])[1];
      const port = yield* server.port('ss2');
      const which = function* (): Proc<Map<string, unknown>> {
        return new Map((yield* supervisor.which_children(top_pid)).map((c) => [c[0] as string, c[1]]));
      };
      const before = yield* which();
      const asup1 = before.get('acceptors') as Pid;
      const asup_ref = monitor('process', asup1);
      for (let i = 0; i < 4; i++) {
        const { acceptors } = yield* server.children('ss2');
        if (acceptors[0] !== undefined) exit(acceptors[0], 'kill');
        yield* sleep(2);
      }
      const asup_down = yield* receive(on(['DOWN', asup_ref, _, _, _], (m) => m[4]), after(2000, () => 'alive'));
      yield* sleep(20);
      const after_loop = yield* which();
      const serving = yield* echo_once(port, 'still here');
      const ref = monitor('process', top_pid);
      yield* gen_server.stop(top_pid);
      yield* receive(on(['DOWN', ref, _, _, _]), after(5000));
      yield* sleep(50);
      return {
        asup_down,
        new_acceptors_sup: after_loop.get('acceptors') instanceof Pid && after_loop.get('acceptors') !== asup1,
        same_listener: after_loop.get('listener') === before.get('listener'),
        same_conns: after_loop.get('conns') === before.get('conns'),
        serving,
      };
    });
    expect(r).to.deep.equal({ asup_down: 'shutdown', new_acceptors_sup: true, same_listener: true, same_conns: true, serving: 'ok' });
    const shutdowns = reports.filter((x) => x.label === 'supervisor_report' && (x.reason as unknown[][])[1][1] === 'shutdown');
    expect(shutdowns).to.have.length(1); // reached_max_restart_intensity, in the acceptors' supervisor
    expect(terminated_by(reports, 'ss2')).to.equal(1); // the top saw its acceptors child die once
    expect(rejections).to.equal(0);
    expect(fd_count()).to.equal(fd0);
  });
});
