// The snapshot's rows: supervision ('$ancestors' read through the dictionary reader the
// process dictionary module installs), the process view's mailbox head, dictionary and
// behaviour state (through the state reader sys installs).
import { expect } from 'chai';
import { run, spawn, send, receive, on, Pid } from '../../runtime';
import { set_dictionary_reader } from '../../runtime/info';
import { snapshot, process_detail, set_state_reader, SystemSampler } from '../../observer';

describe('observer/snapshot', () => {
  afterEach(() => {
    set_dictionary_reader(() => []);
    set_state_reader(null);
  });

  it("ancestors come from '$ancestors'; the process view shows mailbox head, dictionary and state", () => run(function* () {
    const parent = spawn(function* sup() { yield* receive(on('stop')); });
    const child = spawn(function* worker() { yield* receive(on('stop')); });
    set_dictionary_reader((p) => (p.pid === child ? [['$ancestors', [parent, 'top_sup']]] : []));
    set_state_reader((pid: Pid) => (pid === child ? { count: 3 } : undefined));
    send(child, ['hello', Buffer.from('x')]);
    const sampler = new SystemSampler();
    const s = snapshot(7, sampler);
    sampler.stop();
    expect(s.seq).to.equal(7);
    const row = s.processes.find((p) => p.pid === child.toString())!;
    expect(row.ancestors).to.deep.equal([parent.toString(), 'top_sup']);
    expect(row.message_queue_len).to.equal(1);
    expect(row.current_function).to.equal('undefined:worker/0');
    const d = process_detail(child)!;
    expect(d.messages_head).to.deep.equal(['{hello,<<"x">>}']);
    expect(d.dictionary).to.deep.equal([["'$ancestors'", `{${parent},top_sup}`]]);
    expect(d.state).to.equal('#{count => 3}');
    expect(process_detail(parent)!.state).to.equal(null);
    send(parent, 'stop');
    send(child, 'stop');
  }));
});
