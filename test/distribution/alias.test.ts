// Process aliases across nodes, with a real `erl -sname` node: ALIAS_SEND both ways (DFLAG_ALIAS
// offered in the handshake), an alias dropped once inactive on either side, a monitor alias
// answered by a BEAM process as gen:call's server answers, and erpc:call into erlsock unchanged.
import { expect } from 'chai';
import { Pid, Proc, Ref, run, receive, on, after as within, _, spawn, register, send, self, alias, unalias, monitor, demonitor } from '../../runtime';
import { net_kernel, export_module, ExtRef } from '../../distribution';
import { ErlNode, short_host } from '../support/erl_node';

const COOKIE = `c${process.pid}a${Date.now() % 100000}`;
const HOST = short_host();
const ES = `esa${process.pid}`;
const ES_NODE = `${ES}@${HOST}`;
const B = `ba${process.pid}`;
const B_NODE = `${B}@${HOST}`;
const NONE = 'none';

/** Every message that arrives within ms. */
function* collect(ms: number): Proc<unknown[]> {
  const out: unknown[] = [];
  for (;;) {
    const m = yield* receive(on(_, (x) => x), within(ms, () => NONE));
    if (m === NONE) return out;
    out.push(m);
  }
}

describe('distribution: process aliases with a real erl node', function () {
  this.timeout(30000);
  let b: ErlNode;

  before(async () => {
    b = new ErlNode(B, COOKIE);
    await b.eval('ok.');
    const r = await run(function* () {
      return yield* net_kernel.start([ES, 'shortnames'], { cookie: COOKIE, ticktime: 4 });
    });
    expect(r[0]).to.equal('ok');
    export_module('demo_alias', { add: (a: number, c: number) => a + c });
    expect(await b.eval(`net_adm:ping('${ES_NODE}').`)).to.equal('pong');
  });

  after(async () => {
    await b?.kill();
    net_kernel.stop();
  });

  it('a BEAM send to an erlsock alias is delivered, and dropped after unalias', async () => {
    await b.eval('register(alias_sink, self()).');
    const owner = run(function* () {
      const a = alias();
      send(['alias_sink', B_NODE], ['alias', a]);
      const first = yield* receive(on(['one', _], (m) => m[1]), within(5000, () => 'lost'));
      const was = unalias(a);
      send(['alias_sink', B_NODE], 'unaliased');
      return [first, was, yield* collect(500)];
    });
    const beam = await b.eval(
      'A = receive {alias, X} -> X after 5000 -> timeout end, A ! {one, is_reference(A)}, ' +
      'receive unaliased -> A ! two, A ! three, node(A) after 5000 -> timeout end.',
    );
    expect(beam).to.equal(ES_NODE);
    expect(await owner).to.deep.equal([true, true, []]);
  });

  it("a BEAM send to an erlsock alias(['reply']) is taken once", async () => {
    const owner = run(function* () {
      send(['alias_sink', B_NODE], ['alias', alias(['reply'])]); // the shell registered it above
      return yield* collect(800);
    });
    await b.eval('receive {alias, A2} -> A2 ! first, A2 ! second after 5000 -> timeout end.');
    expect(await owner).to.deep.equal(['first']);
  });

  it('erlsock sends to a BEAM alias: delivered while active, dropped after the BEAM unaliases', async () => {
    const sender = run(function* () {
      register('alias_sender', self());
      const [from, a] = yield* receive(on([_, _], (m) => m as [Pid, Ref]), within(5000, () => [null, null] as [null, null]));
      if (a === null || from === null) return 'no alias';
      const remote = a instanceof ExtRef && a.node === B_NODE;
      send(a, ['via_alias', 1]);
      yield* receive(on('unaliased'), within(5000));
      send(a, ['via_alias', 2]);
      send(from, 'sent_again');
      return remote;
    });
    const first = await b.eval(`BA = alias(), {alias_sender, '${ES_NODE}'} ! {self(), BA}, receive {via_alias, _} = M -> M after 5000 -> timeout end.`);
    expect(first).to.equal('{via_alias,1}');
    const second = await b.eval(
      `true = unalias(BA), {alias_sender, '${ES_NODE}'} ! unaliased, receive sent_again -> ok after 5000 -> timeout end, ` +
      'receive {via_alias, _} = M2 -> M2 after 300 -> none end.',
    );
    expect(second).to.equal('none');
    expect(await sender).to.equal(true);
  });

  it("a monitor alias ['alias', 'reply_demonitor'] answered by a BEAM process: one reply, monitor gone", async () => {
    await b.eval('Srv = spawn(fun() -> receive {call, Tag} -> Tag ! {reply, 1}, Tag ! {reply, 2}, receive stop -> ok end end end), register(alias_srv, Srv), ok.');
    const r = await run(function* () {
      const m = monitor('process', ['alias_srv', B_NODE], [['alias', 'reply_demonitor']]);
      send(['alias_srv', B_NODE], ['call', m]);
      const got = yield* collect(800);
      return [got, demonitor(m, ['info']), unalias(m)];
    });
    expect(r).to.deep.equal([[['reply', 1]], false, false]);
    // The BEAM side saw the monitor go (a DEMONITOR_P): no monitor on alias_srv is left.
    expect(await b.eval('{monitored_by, By} = process_info(whereis(alias_srv), monitored_by), alias_srv ! stop, By.')).to.equal('[]');
  });

  it('erpc:call and gen_server-style calls from the BEAM into erlsock still work', async () => {
    expect(await b.eval(`erpc:call('${ES_NODE}', demo_alias, add, [1, 2]).`)).to.equal('3');
    spawn(function* () {
      register('alias_echo_srv', self());
      const m = yield* receive(on(['$gen_call', [_, _], _], (x) => x));
      const [pid, tag] = m[1] as [Pid, unknown];
      send(pid, [tag, ['echoed', m[2]]]);
    });
    expect(await b.eval(`gen_server:call({alias_echo_srv, '${ES_NODE}'}, hi).`)).to.equal('{echoed,hi}');
  });
});
