// is_process_alive, processes, process_info.
import { expect } from 'chai';
import {
  run, spawn, spawn_link, self, send, receive, on, after, _, exit, monitor, register, process_flag,
  is_process_alive, processes, process_info, Pid,
} from '../../runtime';

describe('runtime/info', () => {
  it('is_process_alive and processes() follow life and death', async () => {
    const r = await run(function* () {
      const p = spawn(function* () {});
      const listed = processes().includes(p);
      yield* receive(after(5));
      return [is_process_alive(self()), listed, is_process_alive(p), processes().includes(p), processes().includes(self())];
    });
    expect(r).to.deep.equal([true, true, false, false, true]);
  });

  it('process_info gives status, queue length, links, monitors, monitored_by, name, trap_exit, function', async () => {
    const r = await run(function* () {
      const me = self();
      const p = spawn(function* waiter(a: number, b: number) {
        void a;
        void b;
        register('info_test_name', self());
        process_flag('trap_exit', true);
        yield* receive(on('stop'));
      }, 1, 2);
      const l = spawn_link(function* () {
        yield* receive(on('stop'));
      });
      yield* receive(after(5));
      const ref = monitor('process', p);
      send(p, 'noise');
      send(p, 'more noise');
      const info = process_info(p);
      const mine = process_info(me);
      const item = process_info(p, 'message_queue_len');
      send(p, 'stop');
      send(l, 'stop');
      yield* receive(on(['DOWN', ref, _, _, _]));
      return { info, mine, item, dead: process_info(p), p, l, me };
    });
    const { info, mine, item, dead, p, l, me } = r as unknown as {
      info: Record<string, unknown>; mine: Record<string, unknown>; item: unknown; dead: unknown; p: Pid; l: Pid; me: Pid;
    };
    expect(info).to.deep.equal({
      current_function: ['undefined', 'waiter', 2],
      initial_call: ['undefined', 'waiter', 2],
      status: 'waiting',
      message_queue_len: 2,
      links: [],
      monitors: [],
      monitored_by: [me],
      registered_name: 'info_test_name',
      trap_exit: true,
      dictionary: [],
      reductions: info.reductions,
    });
    expect(info.reductions).to.be.a('number').and.to.be.within(1, 3);
    expect(mine.status).to.equal('running');
    expect(mine.links).to.deep.equal([l]);
    expect(mine.monitors).to.deep.equal([['process', p]]);
    expect(mine.registered_name).to.deep.equal([]);
    expect(item).to.deep.equal(['message_queue_len', 2]);
    expect(dead).to.equal('undefined');
  });

  it('bad arguments raise badarg', async () => {
    expect(() => is_process_alive('x' as unknown as Pid)).to.throw('badarg');
    const r = await run(function* () {
      try {
        process_info(self(), 'bogus' as 'status');
      } catch (e) {
        return (e as { reason: unknown }).reason;
      }
    });
    expect(r).to.equal('badarg');
    void exit;
  });
});
