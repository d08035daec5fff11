// The operation queue's bookkeeping, alone (the socket tests check it over real sockets).
import { expect } from 'chai';
import { OpQueue } from '../../sockets/op_queue';

describe('sockets/op_queue', () => {
  it('lets the first caller try, queues others in order, refuses a queued repeat', () => {
    const q = new OpQueue<string, number>();
    expect(q.admit('p1', 1)).to.equal('try');
    q.park('p1', 1);
    expect(q.admit('p1', 2)).to.equal('try'); // current may repeat
    expect(q.admit('p2', 3)).to.equal('queued');
    expect(q.admit('p3', 4)).to.equal('queued');
    expect(q.admit('p2', 5)).to.equal('invalid_state');
    expect(q.size).to.equal(3);
  });

  it('replaces the current handle on repeat and resets its signal', () => {
    const q = new OpQueue<string, number>();
    q.park('p1', 1);
    expect(q.signal()?.handle).to.equal(1);
    expect(q.signal()).to.equal(null); // one-shot
    q.park('p1', 2);
    expect(q.current?.handle).to.equal(2);
    expect(q.current?.signalled).to.equal(false);
    expect(q.signal()?.handle).to.equal(2);
  });

  it('promotes the next waiter when the current one completes', () => {
    const q = new OpQueue<string, number>();
    q.park('p1', 1);
    q.admit('p2', 2);
    q.admit('p3', 3);
    expect(q.done('p2')).to.equal(null); // not current: nothing changes
    expect(q.done('p1')?.pid).to.equal('p2');
    expect(q.current?.signalled).to.equal(false);
    expect(q.done('p2')?.pid).to.equal('p3');
    expect(q.done('p3')).to.equal(null);
    expect(q.size).to.equal(0);
  });

  it('cancels by pid and handle only', () => {
    const q = new OpQueue<string, number>();
    q.park('p1', 1);
    q.admit('p2', 2);
    expect(q.cancel('p2', 1)).to.equal(null);
    expect(q.cancel('p1', 9)).to.equal(null);
    const c = q.cancel('p1', 1);
    expect(c?.removed.pid).to.equal('p1');
    expect(c?.promoted?.pid).to.equal('p2');
    expect(q.cancel('p1', 1)).to.equal(null);
    const c2 = q.cancel('p2', 2);
    expect(c2?.promoted).to.equal(null);
    expect(q.size).to.equal(0);
  });

  it('removes a dead waiter, promoting if it was current, and cancels hooks', () => {
    const q = new OpQueue<string, number>();
    let cancelled = 0;
    const hook = { cancel: () => { cancelled++; } };
    q.park('p1', 1).hook = hook;
    q.admit('p2', 2);
    q.last().hook = hook;
    q.admit('p3', 3);
    expect(q.remove_pid('p2')).to.equal(null);
    expect(q.size).to.equal(2);
    expect(q.remove_pid('p1')?.pid).to.equal('p3');
    const drained = q.drain();
    expect(drained.map((w) => w.pid)).to.deep.equal(['p3']);
    expect(q.size).to.equal(0);
    q.park('p4', 4).hook = hook;
    q.drain();
    expect(cancelled).to.equal(1);
  });
});
