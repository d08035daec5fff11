// The snapshot's rows: supervision ('$ancestors' read from the process dictionary), the
// process view's mailbox head, dictionary and state (through a state reader set here; the
// default one, the behaviours', is tested over HTTP in server.test.ts).
import { expect } from 'chai';
import { run, spawn, send, receive, on, put, self, register, Pid } from '../../runtime';
import { snapshot, process_detail, set_state_reader, SystemSampler, StateReader } from '../../observer';

describe('observer/snapshot', () => {
  let default_reader: StateReader | null = null;
  beforeEach(() => {
    default_reader = set_state_reader(null);
  });
  afterEach(() => {
    set_state_reader(default_reader);
  });

  it("ancestors come from '$ancestors'; the process view shows mailbox head, dictionary and state", () => run(function* () {
    const parent = spawn(function* sup() { yield* receive(on('stop')); });
    const top = spawn(function* top_sup() { yield* receive(on('stop')); });
    register('obs_test_top', top);
    const me = self();
    const child = spawn(function* worker() {
      // a registered name, as OTP's proc_lib stores a registered parent, reads as its pid
      put('$ancestors', [parent, 'obs_test_top', 'gone_sup']);
      send(me, 'ready');
      yield* receive(on('stop'));
    });
    yield* receive(on('ready'));
    set_state_reader((pid: Pid) => (pid === child ? { count: 3 } : undefined));
    send(child, ['hello', Buffer.from('x')]);
    const sampler = new SystemSampler();
    const s = snapshot(7, sampler);
    sampler.stop();
    expect(s.seq).to.equal(7);
    const row = s.processes.find((p) => p.pid === child.toString())!;
    expect(row.ancestors).to.deep.equal([parent.toString(), top.toString(), 'gone_sup']);
    expect(row.message_queue_len).to.equal(1);
    expect(row.current_function).to.equal('undefined:worker/0');
    const d = process_detail(child)!;
    expect(d.messages_head).to.deep.equal(['{hello,<<"x">>}']);
    expect(d.dictionary).to.deep.equal([["'$ancestors'", `{${parent},obs_test_top,gone_sup}`]]);
    expect(d.state).to.equal('#{count => 3}');
    expect(process_detail(parent)!.state).to.equal(null);
    send(parent, 'stop');
    send(top, 'stop');
    send(child, 'stop');
  }));
});
