// gen_tcp interop with real Erlang (OTP 25, default gen_tcp), both ways, with {packet, 4}
// and {packet, line}: an Erlang client against an erlsock gen_tcp server, and an erlsock
// gen_tcp client against an Erlang gen_tcp server (test/gen/erl/interop_*.escript).
import { expect } from 'chai';
import * as path from 'path';
import { spawn as child_spawn, ChildProcess } from 'child_process';
import * as gen_tcp from '../../gen/gen_tcp';
import * as inet from '../../gen/inet';
import * as gen_udp from '../../gen/gen_udp';
import { run, spawn, receive, on, after, _, Proc, await_promise } from '../../runtime';
import type { GenSocket } from '../../gen/gen_socket';
import { ok } from '../support/sockets';

const ERL_DIR = path.resolve(__dirname, '..', '..', '..', 'test', 'gen', 'erl');

function escript(name: string, args: string[]): { child: ChildProcess; out: () => string; exited: Promise<number> } {
  const child = child_spawn('escript', [path.join(ERL_DIR, name), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => resolve(code ?? -1));
  });
  return { child, out: () => out, exited };
}

/** An erlsock gen_tcp echo server for one connection: active once, each packet sent back. */
function* echo_once(l: GenSocket): Proc<void> {
  const s = ok<GenSocket>(yield* gen_tcp.accept(l, 10000));
  for (;;) {
    inet.setopts(s, [['active', 'once']]);
    const m = (yield* receive(on(['tcp', s, _], (x) => x), on(['tcp_closed', s], (x) => x), after(10000, () => null))) as unknown[] | null;
    if (m === null || m[0] !== 'tcp') break;
    yield* gen_tcp.send(s, m[2]);
  }
  gen_tcp.close(s);
}

describe('gen/gen_tcp interop with Erlang', function () {
  this.timeout(30000);

  for (const mode of ['4', 'line']) {
    it(`an Erlang gen_tcp client with {packet, ${mode}} against an erlsock gen_tcp server`, () => run(function* () {
      const packet = mode === '4' ? 4 : 'line';
      const l = ok<GenSocket>(gen_tcp.listen(0, ['binary', ['packet', packet], ['active', false], ['ip', [127, 0, 0, 1]]]));
      spawn(echo_once, l);
      const e = escript('interop_client.escript', [String(ok<number>(inet.port(l))), mode]);
      const status = yield* await_promise(e.exited);
      gen_tcp.close(l);
      expect(e.out()).to.equal('ok\n');
      expect(status).to.equal(0);
    }));

    it(`an erlsock gen_tcp client with {packet, ${mode}} against an Erlang gen_tcp server`, () => run(function* () {
      const e = escript('interop_server.escript', [mode]);
      const port = yield* await_promise(new Promise<number>((resolve, reject) => {
        e.child.stdout!.on('data', () => {
          const m = /listening \S+ (\d+)/.exec(e.out());
          if (m) resolve(Number(m[1]));
        });
        void e.exited.then(() => reject(new Error(`erl exited: ${e.out()}`)));
      }));
      const packet = mode === '4' ? 4 : 'line';
      const c = ok<GenSocket>(yield* gen_tcp.connect([127, 0, 0, 1], port, ['binary', ['packet', packet], ['active', false]]));
      const msgs = mode === '4'
        ? [Buffer.from('hello'), Buffer.alloc(0), Buffer.alloc(70000, 'a'), Buffer.from('end')]
        : [Buffer.from('hello\n'), Buffer.from('\n'), Buffer.from('b'.repeat(3000) + '\n')];
      for (const m of msgs) expect(yield* gen_tcp.send(c, m)).to.equal('ok');
      for (const m of msgs) expect(yield* gen_tcp.recv(c, 0, 5000)).to.deep.equal(['ok', Buffer.from(m.toString('latin1').toUpperCase(), 'latin1')]);
      // Active mode on the same connection.
      expect(inet.setopts(c, [['active', true]])).to.equal('ok');
      yield* gen_tcp.send(c, mode === '4' ? 'abc' : 'abc\n');
      const m = yield* receive(on(['tcp', c, _], (x) => x), after(5000, () => 'none'));
      expect(m).to.deep.equal(['tcp', c, Buffer.from(mode === '4' ? 'ABC' : 'ABC\n')]);
      gen_tcp.close(c);
      expect(yield* await_promise(e.exited)).to.equal(0);
    }));
  }

  it('gen_udp with an Erlang gen_udp peer, both directions', () => run(function* () {
    const u = ok<GenSocket>(gen_udp.open(0, ['binary', ['ip', [127, 0, 0, 1]], ['active', 'once']]));
    const e = escript('udp_peer.escript', [String(ok<number>(inet.port(u)))]);
    const m = (yield* receive(on(['udp', u, _, _, _], (x) => x), after(10000, () => null))) as unknown[] | null;
    expect(m).to.not.equal(null);
    const [, , ip, port, data] = m as [string, GenSocket, number[], number, Buffer];
    expect([ip, data]).to.deep.equal([[127, 0, 0, 1], Buffer.from('ping')]);
    expect(yield* gen_udp.send(u, ip, port, data.toString().toUpperCase())).to.equal('ok');
    inet.setopts(u, [['active', 'once']]);
    expect(yield* gen_udp.send(u, [ip, port], 'abc')).to.equal('ok');
    const back = yield* receive(on(['udp', u, _, _, _], (x) => x[4]), after(10000, () => null));
    expect(back).to.deep.equal(Buffer.from('cba'));
    expect(yield* await_promise(e.exited)).to.equal(0);
    expect(e.out()).to.equal('ok\n');
    gen_udp.close(u);
  }));
});
