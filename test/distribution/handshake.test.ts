// The simultaneous-connect rule against real erl nodes: each side connects to the other while
// the other's attempt is waiting at its acceptor. The attempt of the node with the greater
// name wins (the other side answers it `ok_simultaneous` and gives up its own, which gets
// `nok`), one connection results, and the messages queued on both attempts arrive.
import { expect } from 'chai';
import { Proc, run, receive, on, after as within, _, register, send, self } from '../../runtime';
import { net_kernel, nodes, set_dist_logger } from '../../distribution';
import { ErlNode, short_host } from '../support/erl_node';

const COOKIE = `hs${process.pid}x${Date.now() % 100000}`;
const HOST = short_host();
const ES = `m${process.pid}`;
const ES_NODE = `${ES}@${HOST}`;

/** Holds the event loop: what arrives meanwhile waits in the kernel until it runs again. */
function block_ms(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

describe('distribution/handshake: simultaneous connect with real erl nodes', function () {
  this.timeout(30000);
  const logged: string[] = [];
  const peers: ErlNode[] = [];

  before(async () => {
    set_dist_logger((l) => logged.push(l));
    const r = await run(function* () {
      return yield* net_kernel.start([ES, 'shortnames'], { cookie: COOKIE, setup_timeout: 3000 });
    });
    expect(r[0]).to.equal('ok');
  });

  after(async () => {
    for (const p of peers) await p.kill();
    net_kernel.stop();
  });

  // 'a…' < 'm…' < 'z…': the BEAM node's name is the smaller, then the greater.
  for (const [which, prefix] of [['smaller', 'a'], ['greater', 'z']] as const) {
    it(`a BEAM node with the ${which} name: one connection, both messages delivered`, async () => {
      const bname = `${prefix}${process.pid}`;
      const bnode = `${bname}@${HOST}`;
      const b = new ErlNode(bname, COOKIE);
      peers.push(b);
      await b.eval('register(bsink, self()).');
      const catcher = `catch_${prefix}`;
      const got = run(function* (): Proc<unknown> {
        register(catcher, self());
        return yield* receive(on(['from_beam', _]), within(8000, () => 'timeout'));
      });
      logged.length = 0;
      // The BEAM node starts its attempt (its send waits in its pending connection) ...
      expect(await b.eval(`{${catcher}, '${ES_NODE}'} ! {from_beam, 1}, ok.`)).to.equal('ok');
      // ... whose name then waits at our listen socket while we start ours.
      block_ms(400);
      await run(function* () {
        send(['bsink', bnode], ['from_es', 2]);
      });
      expect(await got).to.deep.equal(['from_beam', 1]);
      expect(await b.eval('receive {from_es, N} -> N after 5000 -> timeout end.')).to.equal('2');
      expect(nodes().filter((n) => n === bnode)).to.deep.equal([bnode]);
      expect(await b.eval('nodes(hidden).')).to.equal(`[${ES_NODE}]`);
      // Our acceptor answered the BEAM's attempt by the rule: nok when our name is the greater.
      const refused = logged.filter((l) => l.includes(`refused ${bnode}: nok`));
      expect(refused.length).to.equal(which === 'smaller' ? 1 : 0);
      // Our own attempt, if it got nok, waits to be taken over: it neither gives up nor logs.
      expect(logged.filter((l) => l.includes('cannot connect'))).to.deep.equal([]);
    });
  }
});
