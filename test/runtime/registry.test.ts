// register, unregister, whereis, registered: the rows of test/otp/10_process.escript.
import { expect } from 'chai';
import {
  run, spawn_monitor, self, send, receive, on, after, _, exit, register, unregister, whereis, registered, ErlangError, Pid,
} from '../../runtime';

function reason(f: () => unknown): unknown {
  try {
    return f();
  } catch (e) {
    return ['EXCEPTION', (e as ErlangError).reason];
  }
}

describe('runtime/registry', () => {
  it('register → true, a duplicate → badarg, whereis, unregister, send by name', async () => {
    const r = await run(function* () {
      const out: unknown[] = [];
      out.push(register('my_name', self()));
      out.push(whereis('my_name') === self());
      out.push(reason(() => register('my_name', self())));
      out.push(whereis('not_registered'));
      send('my_name', 'hello');
      out.push(yield* receive(on('hello', () => 'ok'), after(100, () => 'none')));
      out.push(registered().includes('my_name'));
      out.push(unregister('my_name'));
      out.push(reason(() => send('no_such_name', 'hello')));
      out.push(reason(() => unregister('my_name')));
      out.push(reason(() => register('undefined', self())));
      return out;
    });
    expect(r).to.deep.equal([
      true, true, ['EXCEPTION', 'badarg'], 'undefined', 'ok', true, true,
      ['EXCEPTION', 'badarg'], ['EXCEPTION', 'badarg'], ['EXCEPTION', 'badarg'],
    ]);
  });

  it('a dead process’s name is freed; registering a dead pid or a second name → badarg', async () => {
    const r = await run(function* () {
      const [p, ref] = spawn_monitor(function* () {
        register('tmpname', self());
        yield* receive(on(_));
      });
      yield* receive(after(5));
      const w = whereis('tmpname');
      const second = reason(() => register('other_name', p));
      exit(p, 'kill');
      yield* receive(on(['DOWN', ref, _, _, _]));
      return [w === p, whereis('tmpname'), second, reason(() => register('dead_name', p as Pid))];
    });
    expect(r).to.deep.equal([true, 'undefined', ['EXCEPTION', 'badarg'], ['EXCEPTION', 'badarg']]);
  });
});
