import { expect } from 'chai';
import { run, spawn, send, link, unlink, monitor, demonitor, exit, receive, on, after, _, self, register, Ref, Pid } from '../../runtime';
import { RemotePid, Router, set_router } from '../../runtime/remote';
import type { Process } from '../../runtime/process';

/** A router that records what the runtime hands it. */
function recording(): { router: Router; calls: unknown[][] } {
  const calls: unknown[][] = [];
  const router: Router = {
    node: () => 'here@host',
    send: (to, msg, from) => void calls.push(['send', to, msg, from?.pid]),
    reg_send: (name, node, msg) => {
      if (node === 'here@host') return false;
      calls.push(['reg_send', name, node, msg]);
      return true;
    },
    link: (from: Process, to) => void calls.push(['link', from.pid, to]),
    unlink: (from: Process, to) => void calls.push(['unlink', from.pid, to]),
    exit: (from, to, reason) => void calls.push(['exit', from, to, reason]),
    monitor: (from: Process, to, ref) => void calls.push(['monitor', from.pid, to, ref]),
    demonitor: (from: Process, ref) => {
      calls.push(['demonitor', from.pid, ref]);
      return true;
    },
  };
  return { router, calls };
}

describe('runtime/remote', () => {
  const far = new RemotePid('far@host', 7, 0, 3);
  afterEach(() => set_router(null));

  it('prints a remote pid with its node', () => {
    expect(far.toString()).to.equal('<far@host.7.0>');
    expect(far).to.be.instanceOf(Pid);
  });

  it('hands send, link, unlink, exit, monitor and demonitor on a remote pid to the router', async () => {
    const { router, calls } = recording();
    set_router(router);
    const [me, ref, info] = await run(function* () {
      send(far, 'hi');
      send(['reg', 'far@host'], 'named');
      link(far);
      unlink(far);
      exit(far, 'bye');
      const r = monitor('process', far);
      const named = monitor('process', ['reg', 'far@host']);
      return [self(), r, demonitor(named, ['info'])] as [Pid, Ref, boolean];
    });
    expect(calls.map((c) => c[0])).to.deep.equal(['send', 'reg_send', 'link', 'unlink', 'exit', 'monitor', 'monitor', 'demonitor']);
    expect(calls[0]).to.deep.equal(['send', far, 'hi', me]);
    expect(calls[1]).to.deep.equal(['reg_send', 'reg', 'far@host', 'named']);
    expect(calls[4]).to.deep.equal(['exit', me, far, 'bye']);
    expect(calls[5]).to.deep.equal(['monitor', me, far, ref]);
    expect(calls[6][2]).to.deep.equal(['reg', 'far@host']);
    expect(info).to.equal(true);
  });

  it('keeps local pids and names, and [Name, ThisNode], away from the router', async () => {
    const { router, calls } = recording();
    set_router(router);
    const got = await run(function* () {
      register('local_name', self());
      send(['local_name', 'here@host'], 'to_me');
      const p = spawn(function* () {
        yield* receive(on('stop'));
      });
      link(p);
      const r = monitor('process', p);
      demonitor(r);
      send(p, 'stop');
      return yield* receive(on('to_me'), after(1000, () => 'lost'));
    });
    expect(got).to.equal('to_me');
    expect(calls).to.deep.equal([]);
  });

  it('without a router: a send to a remote pid is dropped, a link to it is noproc, a monitor is DOWN noproc', async () => {
    const r = await run(function* () {
      send(far, 'dropped');
      send(['x', 'far@host'], 'dropped too');
      let linked: unknown = 'linked';
      try {
        link(far);
      } catch (e) {
        linked = (e as { reason?: unknown }).reason;
      }
      const ref = monitor('process', far);
      const down = yield* receive(on(['DOWN', ref, 'process', _, _], (d) => d[4]), after(1000, () => 'none'));
      return [linked, down];
    });
    expect(r).to.deep.equal(['noproc', 'noproc']);
  });
});
