// The loop's utilisation with the poller's sleep as idle (sockets/loop_utilization.ts):
// while a socket is open the loop sleeps in the poller, which Node's own figure counts as
// busy; the corrected figure reads an idle loop as idle.
import { expect } from 'chai';
import { performance, EventLoopUtilization } from 'perf_hooks';
import * as socket from '../../sockets/socket';
import { loop_utilization, LoopUtilization } from '../../sockets/loop_utilization';
import { run, receive, after, Proc } from '../../runtime';
import { ok } from '../support/sockets';

describe('sockets/loop_utilization', () => {
  it('counts an idle loop that sleeps in the poller as idle, where Node counts it busy', async () => {
    // A process holds an open socket (registered: the loop sleeps in the poller) for 300 ms.
    const [node, ours] = await run(function* (): Proc<[EventLoopUtilization, LoopUtilization]> {
      const s = ok<socket.Socket>(socket.open('inet', 'stream', 'tcp'));
      const node0 = performance.eventLoopUtilization();
      const ours0 = loop_utilization();
      yield* receive(after(300));
      const r: [EventLoopUtilization, LoopUtilization] = [
        performance.eventLoopUtilization(performance.eventLoopUtilization(), node0), loop_utilization(ours0)];
      socket.close(s);
      return r;
    });
    expect(node.utilization).to.be.above(0.5);
    expect(ours.utilization).to.be.below(0.5);
    expect(ours.idle + ours.active).to.be.closeTo(node.idle + node.active, 1);
  });

  it('without an argument gives the totals since the loop started; with two, their difference', () => {
    const total = loop_utilization();
    const node = performance.eventLoopUtilization();
    expect(total.idle).to.be.at.least(node.idle);
    expect(total.idle + total.active).to.be.closeTo(node.idle + node.active, 1);
    expect(total.utilization).to.be.within(0, 1);
    const later = { idle: 130, active: 50, utilization: 50 / 180 };
    const earlier = { idle: 100, active: 40, utilization: 40 / 140 };
    expect(loop_utilization(later, earlier)).to.deep.equal({ idle: 30, active: 10, utilization: 0.25 });
  });
});
