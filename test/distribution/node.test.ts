import { expect } from 'chai';
import { execFileSync } from 'child_process';
import { connect } from 'net';
import { Pid, Proc, run, receive, on, after as within, _, spawn, register, send, self, monitor, link, unlink, process_flag, exit, whereis } from '../../runtime';
import { net_kernel, net_adm, nodes, node_name, rpc, erpc, export_module, list, set_dist_logger, RemotePid, monitor_node } from '../../distribution';
import * as gen_server from '../../actors/gen_server';
import { ErlNode, short_host } from '../support/erl_node';

const COOKIE = `c${process.pid}x${Date.now() % 100000}`;
const HOST = short_host();
const ES = `es${process.pid}`;
const ES_NODE = `${ES}@${HOST}`;
const B = `b${process.pid}`;
const B_NODE = `${B}@${HOST}`;

function* echo(): Proc<void> {
  for (;;) {
    const m = yield* receive(on(_));
    if (Array.isArray(m) && m.length === 2 && m[0] instanceof Pid) send(m[0], ['echo', m[1]]);
  }
}

function* idle_until_told(): Proc<void> {
  for (;;) {
    const m = yield* receive(on(_));
    if (m === 'stop') return;
    if (m === 'crash') exit('boom');
    if (Array.isArray(m) && m[1] === 'whoami') send(m[0] as Pid, ['pid', self()]);
  }
}

describe('distribution: erlsock as a node with real erl nodes', function () {
  this.timeout(30000);
  let b: ErlNode;
  const logged: string[] = [];

  before(async () => {
    set_dist_logger((l) => logged.push(l));
    b = new ErlNode(B, COOKIE);
    await b.eval('ok.');
    const r = await run(function* () {
      return yield* net_kernel.start([ES, 'shortnames'], { cookie: COOKIE, ticktime: 4 });
    });
    expect(r[0]).to.equal('ok');
    spawn(function* () {
      register('echo', self());
      yield* echo();
    });
    export_module('demo', {
      echo: (x: never) => x,
      add: (a: number, b: number) => a + b,
      crash: () => exit('bad_thing'),
      throw_it: (x: unknown) => {
        throw x;
      },
      whereis_to_kill: () => whereis('to_kill'),
      reply_to: (to: Pid) => send(to, ['spawned', self()]),
    });
  });

  after(async () => {
    await b?.kill();
    net_kernel.stop();
  });

  it('is named as erl names it', () => {
    expect(node_name()).to.equal(ES_NODE);
  });

  it('answers a BEAM ping with pong', async () => {
    expect(await b.eval(`net_adm:ping('${ES_NODE}').`)).to.equal('pong');
    expect(await b.eval('nodes(hidden).')).to.equal(`[${ES_NODE}]`);
    expect(nodes()).to.include(B_NODE);
  });

  it('pings a BEAM node (pong) and an unknown one (pang)', async () => {
    expect(await run(function* () { return yield* net_adm.ping(B_NODE); })).to.equal('pong');
    expect(await run(function* () { return yield* net_adm.ping(`nobody${process.pid}@${HOST}`); })).to.equal('pang');
  });

  it('echoes a BEAM message sent to a registered name, replying to the BEAM pid', async () => {
    expect(await b.eval(`{echo, '${ES_NODE}'} ! {self(), hi}, receive M -> M after 3000 -> timeout end.`)).to.equal('{echo,hi}');
  });

  it('sends to a process registered on the BEAM node, and to a BEAM pid', async () => {
    await b.eval('register(sink, self()).');
    await run(function* () {
      send(['sink', B_NODE], ['hello', 1]);
    });
    expect(await b.eval('receive M1 -> M1 after 3000 -> timeout end.')).to.equal('{hello,1}');
  });

  it('gets a BEAM pid in a message and sends back to it', async () => {
    const p = run(function* () {
      register('catcher2', self());
      const from = yield* receive(on([_, 'pid_please'], (x) => x[0] as Pid), within(5000, () => null));
      if (from === null) return 'no message';
      send(from, ['your_pid', from]);
      return from instanceof RemotePid ? from.node : 'not remote';
    });
    const answer = b.eval(`{catcher2, '${ES_NODE}'} ! {self(), pid_please}, receive {your_pid, P} -> P =:= self() after 3000 -> timeout end.`);
    expect(await p).to.equal(B_NODE);
    expect(await answer).to.equal('true');
  });

  describe('monitors and links', () => {
    it('a BEAM monitor on an erlsock process by name: DOWN normal, and noproc for a missing name', async () => {
      spawn(function* () {
        register('victim', self());
        yield* idle_until_told();
      });
      await new Promise((r) => setTimeout(r, 20));
      expect(await b.eval(`R1 = erlang:monitor(process, {victim, '${ES_NODE}'}), {victim, '${ES_NODE}'} ! stop, receive {'DOWN', R1, process, Who1, Why1} -> {Who1, Why1} after 3000 -> timeout end.`)).to.equal(`{{victim,${ES_NODE}},normal}`);
      expect(await b.eval(`R2 = erlang:monitor(process, {nobody, '${ES_NODE}'}), receive {'DOWN', R2, process, _, Why2} -> Why2 after 3000 -> timeout end.`)).to.equal('noproc');
    });

    it('a BEAM link to an erlsock process that crashes: EXIT boom', async () => {
      spawn(function* () {
        register('linkme', self());
        yield* idle_until_told();
      });
      await new Promise((r) => setTimeout(r, 20));
      expect(await b.eval(`process_flag(trap_exit, true), {linkme, '${ES_NODE}'} ! {self(), whoami}, receive {pid, LP} -> link(LP), LP ! crash, receive {'EXIT', LP, LR} -> LR after 3000 -> timeout end after 3000 -> nopid end.`)).to.equal('boom');
    });

    it('an erlsock monitor and link on BEAM processes: DOWN normal, EXIT with the crash reason', async () => {
      await b.eval('register(bv, spawn(fun() -> receive stop -> ok end end)), register(bl, spawn(fun() -> receive crash -> exit(kaboom) end end)).');
      const r = run(function* () {
        register('asker', self());
        const ref = monitor('process', ['bv', B_NODE]);
        send(['bv', B_NODE], 'stop');
        const down = yield* receive(on(['DOWN', ref, 'process', _, _], (d) => [d[3], d[4]]), within(3000, () => 'timeout'));
        // link to a BEAM pid we learn from a message
        process_flag('trap_exit', true);
        const pid = yield* receive(on(['bl_pid', _], (m) => m[1] as Pid), within(3000, () => null));
        if (pid === null) return [down, 'no pid'];
        link(pid);
        send(pid, 'crash');
        const ex = yield* receive(on(['EXIT', pid, _], (m) => m[2]), within(3000, () => 'timeout'));
        return [down, ex];
      });
      await new Promise((res) => setTimeout(res, 50));
      await b.eval(`{asker, '${ES_NODE}'} ! {bl_pid, whereis(bl)}.`);
      expect(await r).to.deep.equal([[['bv', B_NODE], 'normal'], 'kaboom']);
    });
  });

  describe('rpc', () => {
    it('rpc:call and erpc:call from BEAM run exported functions; undef and crashes answer as OTP does', async () => {
      expect(await b.eval(`rpc:call('${ES_NODE}', demo, add, [1, 2]).`)).to.equal('3');
      expect(await b.eval(`erpc:call('${ES_NODE}', demo, echo, [{x, "s", <<1>>}], 3000).`)).to.equal('{x,[115],<<1>>}');
      expect(await b.eval(`rpc:call('${ES_NODE}', nomod, nofun, []).`)).to.equal("{badrpc,{'EXIT',{undef,[{nomod,nofun,[],[]}]}}}");
      expect(await b.eval(`rpc:call('${ES_NODE}', demo, crash, []).`)).to.equal("{badrpc,{'EXIT',bad_thing}}");
      expect(await b.eval(`try erpc:call('${ES_NODE}', demo, crash, []) catch C:R -> {C, R} end.`)).to.equal('{exit,{exception,bad_thing}}');
      expect(await b.eval(`rpc:call('${ES_NODE}', erlang, node, []).`)).to.equal(ES_NODE);
    });

    it('rpc.call and erpc.call into BEAM', async () => {
      const r = await run(function* () {
        return [
          yield* rpc.call(B_NODE, 'erlang', 'node', []),
          yield* rpc.call(B_NODE, 'lists', 'sum', [list(1, 2, 3)]),
          yield* rpc.call(B_NODE, 'nomod', 'nofun', []),
          yield* erpc.call(B_NODE, 'erlang', 'abs', [-4]),
        ];
      });
      expect(r.slice(0, 2)).to.deep.equal([B_NODE, 6]);
      const undef = r[2] as unknown[];
      expect(undef[0]).to.equal('badrpc');
      expect(((undef[1] as unknown[])[1] as unknown[])[0]).to.equal('undef');
      expect(r[3]).to.equal(4);
    });

    it('rpc.call that times out: badrpc timeout, and no late message for it', async () => {
      const r = await run(function* () {
        const answer = yield* rpc.call(B_NODE, 'timer', 'sleep', [600], 100);
        const late = yield* receive(on(_), within(1000, () => 'nothing'));
        return [answer, late];
      });
      expect(r).to.deep.equal([['badrpc', 'timeout'], 'nothing']);
    });

    it('gen_server.call to a process registered on the BEAM node', async () => {
      const r = await run(function* () {
        return yield* gen_server.call(['net_kernel', B_NODE], ['is_auth', ES_NODE]);
      });
      expect(r).to.equal('yes');
    });

    it('gen_server:call from BEAM to an erlsock gen_server: OTP 25 tags it [alias | Mref], the reply to the pid matches', async () => {
      const started = await run(function* () {
        return yield* gen_server.start({ local: 'es_gs' }, {
          init: () => ['ok', 0],
          handle_call: (req: unknown, from: [Pid, unknown], n: number) => ['reply', [req, from[1]], n + 1],
          handle_cast: (_m: unknown, n: number) => ['noreply', n],
        }, null);
      });
      expect(started[0]).to.equal('ok');
      // What the tag looked like on the erlsock side, as the BEAM sees it echoed back.
      const r = await b.eval(`{ping, [alias | GsTagRef]} = gen_server:call({es_gs, '${ES_NODE}'}, ping), is_reference(GsTagRef).`);
      expect(r).to.equal('true');
      expect(await b.eval(`element(1, gen_server:call({es_gs, '${ES_NODE}'}, again)).`)).to.equal('again');
    });
  });

  it('gives every term BEAM sends back exactly as sent (=:= on the BEAM side)', async () => {
    const terms = `[atom, 'héllo', 'λ', '', true, 0, 255, 256, -1, 2147483648, 1 bsl 53, (1 bsl 53) + 1, -(1 bsl 64), 1 bsl 2100,
      1.0, -0.0, 3.14, <<>>, <<1,2,3>>, <<1:3>>, binary:copy(<<7>>, 65536), {}, {a,1}, list_to_tuple(lists:seq(1, 300)),
      [], "abc", [1,2|3], [a|b], [1000,2000], "λx", lists:seq(1, 70000), [[]], #{}, #{a => 1}, #{1 => 2, "k" => v},
      #{true => 1}, self(), make_ref(), hd(erlang:ports()), fun() -> ok end, fun lists:map/2,
      [{alias, make_ref()} | make_ref()]]`;
    await b.eval(`Terms = ${terms}.`);
    // The terms that did not come back exactly, with what came back instead: none.
    expect(await b.eval(`[{T, X} || T <- Terms, X <- [begin {echo, '${ES_NODE}'} ! {self(), T}, receive {echo, Back} -> Back after 3000 -> timeout end end], X =/= T].`)).to.equal('[]');
  });

  it('refuses a node with the wrong cookie (pang) and logs one line', async () => {
    const bad = new ErlNode(`bad${process.pid}`, 'wrongcookie');
    try {
      expect(await bad.eval(`net_adm:ping('${ES_NODE}').`)).to.equal('pang');
      expect(logged.some((l) => /wrong cookie/.test(l))).to.equal(true);
    } finally {
      await bad.kill();
    }
  });

  it('gives noconnection to monitors and links when a BEAM node dies, and drops it from nodes()', async () => {
    const c = new ErlNode(`c${process.pid}`, COOKIE);
    const c_node = `c${process.pid}@${HOST}`;
    try {
      await c.eval(`register(cv, self()), net_adm:ping('${ES_NODE}').`);
      let linked: () => void = () => undefined;
      const ready = new Promise<void>((res) => (linked = res));
      const r = run(function* () {
        process_flag('trap_exit', true);
        yield* monitor_node(c_node, true);
        const ref = monitor('process', ['cv', c_node]);
        register('waiter', self());
        const pid = yield* receive(on(['pid', _], (m) => m[1] as Pid), within(5000, () => null));
        if (pid === null) return 'no pid';
        link(pid);
        linked();
        const down = yield* receive(on(['DOWN', ref, 'process', _, _], (d) => d[4]), within(10000, () => 'timeout'));
        const ex = yield* receive(on(['EXIT', pid, _], (m) => m[2]), within(10000, () => 'timeout'));
        const nodedown = yield* receive(on(['nodedown', c_node], () => 'nodedown'), within(10000, () => 'timeout'));
        return [down, ex, nodedown];
      });
      await new Promise((res) => setTimeout(res, 50));
      await c.eval(`{waiter, '${ES_NODE}'} ! {pid, self()}.`);
      await ready;
      await new Promise((res) => setTimeout(res, 100));
      await c.kill();
      expect(await r).to.deep.equal(['noconnection', 'noconnection', 'nodedown']);
      expect(nodes()).to.not.include(c_node);
    } finally {
      await c.kill();
    }
  });

  describe('more signals', () => {
    it('exit/2 from BEAM kills an erlsock process (kill → killed)', async () => {
      const watcher = run(function* () {
        const victim = spawn(function* () {
          register('to_kill', self());
          yield* receive(on('never'));
        });
        const ref = monitor('process', victim);
        return yield* receive(on(['DOWN', ref, 'process', _, _], (d) => d[4]), within(5000, () => 'timeout'));
      });
      await new Promise((r) => setTimeout(r, 30));
      await b.eval(`{to_kill, '${ES_NODE}'} ! {self(), whoami}, ok.`);
      await b.eval(`exit(rpc:call('${ES_NODE}', demo, whereis_to_kill, []), kill).`);
      expect(await watcher).to.equal('killed');
    });

    it('spawn(Node, M, F, A) from BEAM runs an exported function as a process', async () => {
      expect(await b.eval(`SP = spawn('${ES_NODE}', demo, reply_to, [self()]), receive {spawned, SP} -> yes after 3000 -> timeout end.`)).to.equal('yes');
      expect(await b.eval(`{_, MR} = spawn_monitor('${ES_NODE}', nomod, nofun, []), receive {'DOWN', MR, _, _, Why} -> element(1, Why) after 3000 -> timeout end.`)).to.equal('undef');
    });

    it('unlink both ways: no exit crosses an unlinked pair; exit/2 from erlsock kills a BEAM process', async () => {
      spawn(function* () {
        register('unlinkme', self());
        yield* idle_until_told();
      });
      await new Promise((r) => setTimeout(r, 20));
      // BEAM links, unlinks (UNLINK_ID, acked), then the erlsock process crashes: no EXIT.
      expect(await b.eval(`process_flag(trap_exit, true), {unlinkme, '${ES_NODE}'} ! {self(), whoami}, receive {pid, UP} -> link(UP), unlink(UP), UP ! crash, receive {'EXIT', UP, UR} -> UR after 500 -> no_exit end after 3000 -> nopid end.`)).to.equal('no_exit');
      await b.eval('register(bu, spawn(fun() -> receive crash -> exit(oops) end end)), register(bk, spawn(fun() -> receive never -> ok end end)).');
      const r = run(function* () {
        process_flag('trap_exit', true);
        register('asker2', self());
        const [bu, bk] = yield* receive(on(['pids', _, _], (m) => [m[1], m[2]] as [Pid, Pid]), within(3000, () => [null, null]));
        if (bu === null || bk === null) return 'no pids';
        link(bu);
        unlink(bu);
        send(bu, 'crash');
        const got = yield* receive(on(['EXIT', bu, _], (m) => m[2]), within(500, () => 'no_exit'));
        const ref = monitor('process', bk);
        exit(bk, 'kill');
        const down = yield* receive(on(['DOWN', ref, 'process', _, _], (d) => d[4]), within(3000, () => 'timeout'));
        return [got, down];
      });
      await new Promise((res) => setTimeout(res, 50));
      await b.eval(`{asker2, '${ES_NODE}'} ! {pids, whereis(bu), whereis(bk)}.`);
      expect(await r).to.deep.equal(['no_exit', 'killed']);
    });

    it('rpc:block_call from BEAM goes through rex', async () => {
      expect(await b.eval(`rpc:block_call('${ES_NODE}', demo, add, [2, 3]).`)).to.equal('5');
      expect(await b.eval(`rpc:block_call('${ES_NODE}', nomod, nofun, []).`)).to.equal("{badrpc,{'EXIT',{undef,[{nomod,nofun,[],[]}]}}}");
    });

    it('erpc from BEAM: a throw comes back as a throw', async () => {
      // the REPL's own catch shows the class: the throw reached the caller as a throw
      expect(await b.eval(`erpc:call('${ES_NODE}', demo, throw_it, [ball]).`)).to.equal('{caught,throw,ball}');
    });

    it('erpc.call from erlsock raises error {exception, undef, _} for an unknown function', async () => {
      const r = await run(function* () {
        try {
          yield* erpc.call(B_NODE, 'nomod', 'nofun', [], 5000);
          return 'no error';
        } catch (e) {
          return (e as { reason?: unknown }).reason;
        }
      });
      expect((r as unknown[]).slice(0, 2)).to.deep.equal(['exception', 'undef']);
    });

    it('a watcher that dies takes its monitor off the BEAM process', async () => {
      await b.eval('register(bw, spawn(fun() -> receive stop -> ok end end)).');
      await run(function* () {
        monitor('process', ['bw', B_NODE]);
        yield* receive(within(50));
      });
      await new Promise((r) => setTimeout(r, 100));
      expect(await b.eval('process_info(whereis(bw), monitored_by).')).to.equal('{monitored_by,[]}');
    });

    it('closes a connection that sends garbage, logging one line', async () => {
      const names = execFileSync('epmd', ['-names'], { encoding: 'utf8' });
      const port = Number(new RegExp(`name ${ES} at port (\\d+)`).exec(names)?.[1]);
      expect(port).to.be.greaterThan(0);
      const before = logged.length;
      const closed = await new Promise<boolean>((resolve) => {
        const c = connect(port, '127.0.0.1', () => c.write(Buffer.from('\x00\x05GET /')));
        c.on('close', () => resolve(true));
        c.on('error', () => resolve(true));
        setTimeout(() => resolve(false), 5000);
      });
      expect(closed).to.equal(true);
      expect(logged.slice(before).filter((l) => /not a handshake/.test(l))).to.have.length(1);
      expect(await b.eval(`net_adm:ping('${ES_NODE}').`)).to.equal('pong'); // still serving
    });
  });
});
