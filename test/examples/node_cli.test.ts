import { expect } from 'chai';
import { Proc, run, receive, on, after as within, _, self, send, monitor } from '../../runtime';
import { net_kernel, net_adm, nodes, rpc } from '../../distribution';
import { parse_args } from '../../examples/node_cli';
import { ErlNode, short_host } from '../support/erl_node';
import { Child, example_cli, ready } from './peers';

const COOKIE = `k${process.pid}y${Date.now() % 100000}`;
const HOST = short_host();

/** Starts `erlsock node` in its own OS process; resolves once it printed `node NAME up`. */
async function start_cli(name: string, extra: string[] = []): Promise<Child> {
  const c = example_cli('node', ['--sname', name, '--cookie', COOKIE, '--ticktime', '4', ...extra]);
  await ready(c, `node ${name}@${HOST} up\n`, 10000);
  return c;
}

describe('examples/node_cli (erlsock node)', function () {
  this.timeout(40000);

  it('parses its arguments', () => {
    expect(parse_args(['--sname', 'a', '--cookie', 'c', '--visible'])).to.deep.equal({ name: 'a', mode: 'shortnames', opts: { cookie: 'c', hidden: false } });
    expect(parse_args(['--name', 'a@127.0.0.1', '--hidden'])).to.deep.equal({ name: 'a@127.0.0.1', mode: 'longnames', opts: { hidden: true } });
    expect(parse_args([])).to.match(/usage/);
    expect(parse_args(['--sname', 'a', '--bogus'])).to.match(/unexpected argument: --bogus/);
  });

  describe('with a BEAM node and a second erlsock node', () => {
    const n1 = `n${process.pid}`;
    const n1_node = `${n1}@${HOST}`;
    let beam: ErlNode;
    let cli: Child;

    before(async () => {
      cli = await start_cli(n1);
      beam = new ErlNode(`bb${process.pid}`, COOKIE);
      await beam.eval('ok.');
      const r = await run(function* () {
        return yield* net_kernel.start([`m${process.pid}`, 'shortnames'], { cookie: COOKIE, ticktime: 4 });
      });
      expect(r[0]).to.equal('ok');
    });

    after(async () => {
      cli?.proc.kill('SIGKILL');
      await beam?.kill();
      net_kernel.stop();
    });

    it('answers the shell examples of its help: ping, echo, rpc', async () => {
      expect(await beam.eval(`net_adm:ping('${n1_node}').`)).to.equal('pong');
      expect(await beam.eval(`{echo, '${n1_node}'} ! {self(), hi}, receive M -> M after 3000 -> timeout end.`)).to.equal('{echo,hi}');
      expect(await beam.eval(`rpc:call('${n1_node}', demo, add, [1, 2]).`)).to.equal('3');
      expect(await beam.eval(`rpc:call('${n1_node}', demo, echo, [[x|y]]).`)).to.equal('[x|y]');
    });

    it('talks to another erlsock node through epmd: ping, registered send, rpc', async () => {
      const r = await run(function* (): Proc<unknown[]> {
        const pong = yield* net_adm.ping(n1_node);
        send(['echo', n1_node], [self(), ['hello', 42]]);
        const echoed = yield* receive(on(['echo', _], (m) => m[1]), within(3000, () => 'timeout'));
        const sum = yield* rpc.call(n1_node, 'demo', 'add', [20, 22]);
        return [pong, echoed, sum];
      });
      expect(r).to.deep.equal(['pong', ['hello', 42], 42]);
      expect(nodes()).to.include(n1_node);
    });

    it('a node that stops ticking is declared down on both sides', async () => {
      // erlsock (here) watches the BEAM node; the BEAM node watches the CLI node; both peers stop.
      const beam2 = new ErlNode(`bs${process.pid}`, COOKIE);
      const beam2_node = `bs${process.pid}@${HOST}`;
      const cli2 = await start_cli(`s${process.pid}`);
      try {
        await beam2.eval(`register(quiet, self()), net_adm:ping('m${process.pid}@${HOST}').`);
        expect(await beam.eval(`net_adm:ping('s${process.pid}@${HOST}'), monitor_node('s${process.pid}@${HOST}', true).`)).to.equal('true');
        const down_here = run(function* () {
          const ref = monitor('process', ['quiet', beam2_node]);
          return yield* receive(on(['DOWN', ref, 'process', _, _], (d) => d[4]), within(20000, () => 'timeout'));
        });
        await new Promise((r) => setTimeout(r, 100));
        const started = Date.now();
        beam2.stop();
        cli2.proc.kill('SIGSTOP');
        const there = beam.eval('receive {nodedown, N} -> N after 20000 -> timeout end.', 25000);
        expect(await down_here).to.equal('noconnection');
        expect(await there).to.equal(`s${process.pid}@${HOST}`);
        expect(Date.now() - started).to.be.within(2000, 15000);
      } finally {
        cli2.proc.kill('SIGKILL');
        await beam2.kill();
      }
    });

    it('--visible registers a visible node: BEAM lists it in nodes()', async () => {
      const v = await start_cli(`v${process.pid}`, ['--visible']);
      try {
        expect(await beam.eval(`net_adm:ping('v${process.pid}@${HOST}'), {lists:member('v${process.pid}@${HOST}', nodes()), lists:member('v${process.pid}@${HOST}', nodes(hidden))}.`)).to.equal('{true,false}');
      } finally {
        v.proc.kill('SIGKILL');
      }
    });

    it('killing the erlsock node gives BEAM monitors noconnection; SIGTERM exits 0', async () => {
      const cli3 = await start_cli(`k${process.pid}`);
      const k_node = `k${process.pid}@${HOST}`;
      expect(await beam.eval(`R = erlang:monitor(process, {echo, '${k_node}'}), ok.`)).to.equal('ok');
      cli3.proc.kill('SIGKILL');
      expect(await beam.eval('receive {\'DOWN\', R, process, _, Why} -> Why after 10000 -> timeout end.', 15000)).to.equal('noconnection');
      const cli4 = await start_cli(`t${process.pid}`);
      cli4.proc.kill('SIGTERM');
      expect(await cli4.exited).to.equal(0);
    });
  });
});
