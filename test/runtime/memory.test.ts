// process_info items messages, memory, reductions, message_queue_limit and item lists;
// erlang:memory(); the shell's i().
import { expect } from 'chai';
import { run, spawn, self, send, receive, on, after, register, process_info, memory, i_text, term_bytes, Pid } from '../../runtime';

describe('runtime/memory', () => {
  it('messages, memory, reductions and item lists', () => run(function* () {
    const p = spawn(function* holder() { yield* receive(on('never')); });
    yield* receive(after(2));
    const empty = process_info(p, 'memory') as ['memory', number];
    send(p, 'a');
    send(p, ['b', Buffer.alloc(1 << 20)]);
    expect(process_info(p, 'messages')).to.deep.equal(['messages', ['a', ['b', Buffer.alloc(1 << 20)]]]);
    const full = process_info(p, 'memory') as ['memory', number];
    expect(full[1] - empty[1]).to.be.within(1 << 20, (1 << 20) + 400);
    expect(process_info(p, ['message_queue_len', 'reductions', 'registered_name'])).to.deep.equal([
      ['message_queue_len', 2], ['reductions', 1], ['registered_name', []],
    ]);
    expect(process_info(p, 'message_queue_limit')).to.deep.equal(['message_queue_limit', 'infinity']);
    const why = (f: () => unknown): unknown => { try { return f(); } catch (e) { return (e as { reason?: unknown }).reason; } };
    expect(why(() => process_info(p, ['memory', 'nope' as never]))).to.equal('badarg');
    expect(why(() => process_info(p, 'group_leader' as never))).to.equal('badarg');
    send(p, 'never');
  }));

  it('a large backlog is estimated in bounded time from a sample', () => run(function* () {
    const p = spawn(function* slow() { yield* receive(on('never')); });
    const chunk = Buffer.alloc(1000);
    for (let n = 0; n < 50000; n++) send(p, ['data', chunk]);
    const t0 = Date.now();
    const [, bytes] = process_info(p, 'memory') as ['memory', number];
    expect(Date.now() - t0).to.be.below(200);
    // each message: node 32 + array 16+16 + atom 20 + buffer 96+1000 (the same buffer, counted per message)
    expect(bytes).to.be.within(50000 * 1000, 50000 * 1300);
    send(p, 'never');
  }));

  it('term_bytes counts what it can see, bounded on cycles', () => {
    expect(term_bytes(1)).to.equal(0);
    expect(term_bytes('abcd')).to.equal(20);
    expect(term_bytes(Buffer.alloc(10))).to.equal(106);
    expect(term_bytes([1, 2])).to.equal(32);
    const cyc: unknown[] = [];
    cyc.push(cyc);
    expect(term_bytes(cyc)).to.equal(24);
  });

  it('memory() by category; processes is the sum of the estimates', () => run(function* () {
    const m = memory();
    expect(Object.keys(m)).to.deep.equal(['total', 'processes', 'processes_used', 'system', 'atom', 'atom_used', 'binary', 'code', 'ets']);
    expect(m.total).to.be.above(m.processes);
    expect(m.processes).to.be.above(0);
    expect(memory('binary')).to.be.a('number');
    expect(() => memory('nope' as never)).to.throw();
  }));

  it('i() lists each process on two lines and a total', () => run(function* () {
    const me = self();
    register('i_test_me', me);
    const p = spawn(function* idle_worker() { yield* receive(on('stop')); });
    send(p, 'x');
    const text = i_text();
    const lines = text.split('\n');
    expect(lines[0]).to.match(/^Pid\s+Initial Call\s+Heap\s+Reds\s+Msgs$/);
    expect(lines[1]).to.match(/^Registered\s+Current Function\s+Stack/);
    const at = lines.findIndex((l) => l.startsWith(String(p)));
    expect(lines[at]).to.match(new RegExp('^<0\\.\\d+\\.0>\\s+undefined:idle_worker/0\\s+\\d+\\s+\\d+\\s+1$'));
    const mine = lines.findIndex((l) => l.startsWith(String(me)));
    expect(lines[mine + 1]).to.match(/^i_test_me\s+undefined:/);
    expect(lines[lines.length - 3]).to.match(/^Total\s+\d+\s+\d+\s+\d+$/);
    send(p, 'stop');
    void (p as Pid);
  }));
});
