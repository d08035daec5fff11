import { expect } from 'chai';
import { Pid, Proc, run, receive, on, after as within, _, spawn, register, send, self, monitor, link, process_flag, exit } from '../../runtime';
import { net_kernel, net_adm, nodes, node_name, rpc, erpc, export_module, list, List, set_dist_logger, RemotePid } from '../../distribution';
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
});
