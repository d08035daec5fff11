// sys.behaviour_state: the state a behaviour loop publishes, read synchronously from outside
// the process (the observer's process view); nothing for other processes or ended servers.
import { expect } from 'chai';
import { run, spawn, receive, on, send, Pid } from '../../runtime';
import * as gen_server from '../../actors/gen_server';
import * as gen_statem from '../../actors/gen_statem';
import { behaviour_state } from '../../actors/sys';

describe('actors/behaviour_state', () => {
  it('a gen_server publishes its state as of its last callback; a gen_statem its [State, Data]', () => run(function* () {
    const r = (yield* gen_server.start({
      init: (n: number) => ['ok', n],
      handle_call: (_req: unknown, _from: unknown, n: number) => ['reply', n, n + 1],
      handle_cast: (_m: unknown, n: number) => ['noreply', n],
    }, 5)) as ['ok', Pid];
    expect(behaviour_state(r[1])).to.deep.equal({ module: 'gen_server', state: 5 });
    expect(yield* gen_server.call(r[1], 'bump')).to.equal(5);
    expect(behaviour_state(r[1])).to.deep.equal({ module: 'gen_server', state: 6 });
    const m = (yield* gen_statem.start({
      callback_mode: () => 'handle_event_function',
      init: () => ['ok', 'idle', 0],
      handle_event: () => 'keep_state_and_data',
    }, null)) as ['ok', Pid];
    expect(behaviour_state(m[1])).to.deep.equal({ module: 'gen_statem', state: ['idle', 0] });
    const plain = spawn(function* plain() { yield* receive(on('stop')); });
    expect(behaviour_state(plain)).to.equal(undefined);
    send(plain, 'stop');
    yield* gen_server.stop(r[1]);
    yield* gen_statem.stop(m[1]);
    expect(behaviour_state(r[1])).to.equal(undefined);
    expect(behaviour_state(m[1])).to.equal(undefined);
  }));
});
