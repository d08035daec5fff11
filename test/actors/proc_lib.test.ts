// proc_lib: '$ancestors' and '$initial_call' (as OTP 25 shows them, sorted: [{'$ancestors',[Parent]},
// {'$initial_call',{M,init,1}}] for a gen_server; test/otp/33_sys.escript), the start_link/init_ack
// handshake and its failures.
import { expect } from 'chai';
import {
  run, self, receive, on, after, _, send, process_flag, get, put, erase, dictionary_of, exit, Pid, Proc, set_crash_logger, CrashLogger,
} from '../../runtime';
import * as proc_lib from '../../actors/proc_lib';
import * as gen_server from '../../actors/gen_server';
import * as supervisor from '../../actors/supervisor';

const echo: gen_server.GenServerModule<null, null> = {
  name: 'echo_server',
  init: () => ['ok', null],
  handle_call: (_r, _f, s) => ['reply', [get('$ancestors'), get('$initial_call')], s],
  handle_cast: (_m, s) => ['noreply', s],
};

describe('actors/proc_lib', () => {
  let old: CrashLogger;
  beforeEach(() => (old = set_crash_logger(() => {})));
  afterEach(() => set_crash_logger(old));

  it('spawn_link: ancestors nearest first, initial call; start_link waits for init_ack', async () => {
    const r = await run(function* () {
      const me = self();
      function* worker(tag: string): Proc<void> {
        const mid = self();
        proc_lib.spawn_link(function* grandchild() {
          send(me, ['grandchild', get('$ancestors'), get('$initial_call'), mid]);
        });
        proc_lib.init_ack(['ok', self(), tag]);
        yield* receive(on('stop'));
      }
      const started = (yield* proc_lib.start_link(worker, ['t'])) as [string, Pid, string];
      const g = yield* receive(on(['grandchild', _, _, _]));
      send(started[1], 'stop');
      return { started, g, me };
    });
    expect(r.started[0]).to.equal('ok');
    expect(r.started[2]).to.equal('t');
    expect(r.g[1]).to.deep.equal([r.started[1], r.me]);
    expect(r.g[2]).to.deep.equal(['undefined', 'grandchild', 0]);
  });

  it('start_link: a crash before the ack is {error, R} when trapping exits; a timeout kills it; start monitors', async () => {
    const r = await run(function* () {
      process_flag('trap_exit', true);
      const crashed = yield* proc_lib.start_link(function* () {
        exit('early');
      }, []);
      const slow = yield* proc_lib.start_link(function* () {
        yield* receive(on('never'));
      }, [], 50);
      const unlinked = yield* proc_lib.start(function* () {
        exit('early2');
      }, []);
      const leftover = yield* receive(on(_), after(20, () => 'none'));
      return [crashed, slow, unlinked, leftover];
    });
    expect(r).to.deep.equal([['error', 'early'], ['error', 'timeout'], ['error', 'early2'], 'none']);
  });

  it('a gen_server under a supervisor: $ancestors [Sup, Starter], $initial_call [Mod, init, 1]', async () => {
    const r = await run(function* () {
      const sup = yield* supervisor.start_link({ init: () => ['ok', [{}, [{ id: 'e', start: [gen_server, 'start_link', [echo, null]] }]]] }, null);
      const sup_pid = (sup as [string, Pid])[1];
      const child = (yield* supervisor.which_children(sup_pid))[0][1] as Pid;
      const seen = yield* gen_server.call(child, 'x');
      const outside = dictionary_of(child);
      yield* gen_server.stop(sup_pid);
      return { seen, outside, sup_pid, me: self() };
    });
    expect(r.seen).to.deep.equal([[r.sup_pid, r.me], ['echo_server', 'init', 1]]);
    expect(r.outside).to.deep.equal([['$ancestors', [r.sup_pid, r.me]], ['$initial_call', ['echo_server', 'init', 1]]]);
  });

  it('children of one parent start with the same dictionary; a put or erase in one leaves the others as they were', async () => {
    const changer: gen_server.GenServerModule<null, null> = {
      name: 'echo_server',
      init: () => ['ok', null],
      handle_call: (r, _f, s) => {
        const old = r === 'erase' ? erase('$initial_call') : put('$ancestors', 'mine');
        return ['reply', [old, get('$ancestors'), get('$initial_call')], s];
      },
      handle_cast: (_m, s) => ['noreply', s],
    };
    const r = await run(function* () {
      process_flag('trap_exit', true);
      const pids: Pid[] = [];
      for (let i = 0; i < 3; i++) pids.push(((yield* gen_server.start_link(changer, null)) as [string, Pid])[1]);
      const put_r = yield* gen_server.call(pids[0], 'put');
      const erase_r = yield* gen_server.call(pids[1], 'erase');
      const dicts = pids.map((p) => dictionary_of(p));
      for (const p of pids) exit(p, 'kill');
      return { put_r, erase_r, dicts, me: self() };
    });
    const mfa = ['echo_server', 'init', 1];
    expect(r.put_r).to.deep.equal([[r.me], 'mine', mfa]);
    expect(r.erase_r).to.deep.equal([mfa, [r.me], 'undefined']);
    expect(r.dicts).to.deep.equal([
      [['$ancestors', 'mine'], ['$initial_call', mfa]],
      [['$ancestors', [r.me]]],
      [['$ancestors', [r.me]], ['$initial_call', mfa]],
    ]);
  });
});
