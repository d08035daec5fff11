// sys's debug options against OTP 25 (test/otp/39_sys_debug.escript, after sys_SUITE's log,
// log_to_file, stats and install cases): log (get, print, a bound of N), statistics,
// install/remove of debug funs (a fun installed twice stays once; 'done' removes it),
// no_debug, log_to_file (and {error, open_file}), for a gen_server and a gen_statem.
import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { run, self, send, receive, on, after, _, Pid, Proc, set_crash_logger, CrashLogger } from '../../runtime';
import * as gen_server from '../../actors/gen_server';
import * as gen_statem from '../../actors/gen_statem';
import * as sys from '../../actors/sys';
import type { GenStatemModule, From } from '../../actors/gen_statem';

const server: gen_server.GenServerModule<null, number> = {
  name: 'sys_server',
  init: () => ['ok', 0],
  handle_call: (req, _f, n) => ['reply', ['ok', -((req as [string, number])[1])], n + 1],
  handle_cast: (msg, n) => ['noreply', Array.isArray(msg) && msg[0] === 'set' ? (msg[1] as number) : n],
  handle_info: (_m, n) => ['noreply', n],
};

const statem: GenStatemModule<null, number> = {
  name: 'sys_statem',
  callback_mode: () => 'handle_event_function',
  init: () => ['ok', 'idle', 0],
  handle_event(type, content, state, d) {
    if (Array.isArray(type) && type[0] === 'call') return ['keep_state_and_data', [['reply', type[1] as From, [state, d]]]];
    if (content === 'go' && state === 'idle') return ['next_state', 'busy', d + 1];
    return ['keep_state_and_data', 'postpone'];
  },
};

function* started(r: Proc<gen_server.StartResult>): Proc<Pid> {
  const s = yield* r;
  return s !== 'ignore' && s[0] === 'ok' ? s[1] : (() => { throw new Error(String(s)); })();
}

/** Events with each From made [Pid === me, 'ref'], so they compare as terms. */
function plain(v: unknown, me: Pid): unknown {
  if (v instanceof Pid) return v === me ? 'me' : 'other';
  if (Array.isArray(v)) return v.map((x) => plain(x, me));
  if (typeof v === 'object' && v !== null && !Buffer.isBuffer(v)) return 'ref';
  return v;
}

describe('actors/sys (debug options)', () => {
  let old: CrashLogger;
  let lines: string[];
  let old_out: (line: string) => void;
  beforeEach(() => {
    old = set_crash_logger(() => {});
    lines = [];
    old_out = sys.set_trace_output((l) => lines.push(l));
  });
  afterEach(() => {
    set_crash_logger(old);
    sys.set_trace_output(old_out);
  });

  it('gen_server log: get gives OTP’s events, print their *DBG* lines, a bound keeps the last N; statistics', async () => {
    const r = await run(function* () {
      const me = self();
      yield* started(gen_server.start({ local: 'sys_server' }, server, null));
      const out: unknown[] = [yield* sys.log('sys_server', true), yield* gen_server.call('sys_server', ['req', 44])];
      gen_server.cast('sys_server', ['set', 5]);
      send('sys_server', 'hello');
      out.push(plain(yield* sys.log('sys_server', 'get'), me));
      out.push(yield* sys.log('sys_server', 'print'), yield* sys.log('sys_server', false), yield* sys.log('sys_server', 'get'));
      out.push(yield* sys.log('sys_server', [true, 2]));
      for (const n of [1, 2, 3]) gen_server.cast('sys_server', ['set', n]);
      out.push(yield* sys.log('sys_server', 'get'));
      const status = (yield* sys.get_status('sys_server')) as unknown[];
      out.push(plain(((status[3] as unknown[])[4] as unknown[])[1], me), yield* sys.log('sys_server', false));
      out.push(yield* sys.statistics('sys_server', 'get'), yield* sys.statistics('sys_server', true));
      out.push(yield* gen_server.call('sys_server', ['req', 1]));
      gen_server.cast('sys_server', ['set', 1]);
      const [, stats] = (yield* sys.statistics('sys_server', 'get')) as ['ok', Array<[string, unknown]>];
      out.push(stats.map((x) => x[0]), stats.filter((x) => x[0].startsWith('messages_')));
      const [[, start], [, now], [, reds]] = stats as [[string, number[][]], [string, number[][]], [string, number]];
      out.push(start.length === 2 && start[0][0] === new Date().getFullYear() && now[1].length === 3, Number.isInteger(reds) && reds >= 0);
      out.push(yield* sys.statistics('sys_server', false), yield* sys.statistics('sys_server', 'get'));
      yield* gen_server.stop('sys_server');
      return out;
    });
    expect(r).to.deep.equal([
      'ok', ['ok', -44],
      ['ok', [['in', ['$gen_call', ['me', 'ref'], ['req', 44]]], ['out', ['ok', -44], ['me', 'ref'], 1], ['in', ['$gen_cast', ['set', 5]]],
        ['noreply', 5], ['in', 'hello'], ['noreply', 5]]],
      'ok', 'ok', ['ok', []], 'ok', ['ok', [['in', ['$gen_cast', ['set', 3]]], ['noreply', 3]]],
      // Unlinked, its parent is itself (as OTP's gen_server:start).
      ['data', [['Status', 'running'], ['Parent', 'other'], ['Logged events', [['in', ['$gen_cast', ['set', 3]]], ['noreply', 3]]]]], 'ok',
      ['ok', 'no_statistics'], 'ok', ['ok', -1],
      ['start_time', 'current_time', 'reductions', 'messages_in', 'messages_out'], [['messages_in', 2], ['messages_out', 1]],
      true, true, 'ok', ['ok', 'no_statistics'],
    ]);
    expect(lines.map((l) => l.replace(/<\d+\.\d+\.\d+>/g, '<PID>'))).to.deep.equal([
      '*DBG* sys_server got call {req,44} from <PID>\n', '*DBG* sys_server sent {ok,-44} to <PID>, new state 1\n',
      '*DBG* sys_server got cast {set,5}\n', '*DBG* sys_server new state 5\n', '*DBG* sys_server got hello\n', '*DBG* sys_server new state 5\n',
    ]);
  });

  it('install, remove, no_debug: the fun sees each event with the process’s name; installed once; done removes it', async () => {
    const r = await run(function* () {
      const me = self();
      yield* started(gen_server.start({ local: 'spied' }, server, null));
      const spy: sys.DebugFun = (st, ev, proc_state) => {
        if (Array.isArray(ev) && ev[0] === 'in' && Array.isArray(ev[1]) && ev[1][0] === '$gen_call') {
          send(me, ['spy_got', st, (ev[1][2] as unknown[])[1], proc_state]);
          return (st as number) + 1;
        }
        if (Array.isArray(ev) && ev[0] === 'in' && Array.isArray(ev[1]) && ev[1][1] === 'stop_spy') return 'done';
        return st;
      };
      const out: unknown[] = [yield* sys.install('spied', [spy, 0]), yield* gen_server.call('spied', ['req', 1])];
      out.push(yield* sys.no_debug('spied'), yield* gen_server.call('spied', ['req', 2]));
      out.push(yield* sys.install('spied', [spy, 10]), yield* sys.install('spied', [spy, 20]), yield* gen_server.call('spied', ['req', 3]));
      out.push(yield* sys.remove('spied', spy), yield* gen_server.call('spied', ['req', 4]));
      out.push(yield* sys.install('spied', ['spy', spy, 30]), yield* gen_server.call('spied', ['req', 5]));
      gen_server.cast('spied', 'stop_spy');
      out.push(yield* gen_server.call('spied', ['req', 6]), yield* sys.remove('spied', 'spy'));
      const got: unknown[] = [];
      for (;;) {
        const m = yield* receive(on(['spy_got', _, _, _]), after(20, () => null));
        if (m === null) break;
        got.push(m);
      }
      out.push(got);
      yield* gen_server.stop('spied');
      return out;
    });
    expect(r).to.deep.equal([
      'ok', ['ok', -1], 'ok', ['ok', -2], 'ok', 'ok', ['ok', -3], 'ok', ['ok', -4], 'ok', ['ok', -5], ['ok', -6], 'ok',
      [['spy_got', 0, 1, 'spied'], ['spy_got', 10, 3, 'spied'], ['spy_got', 30, 5, 'spied']],
    ]);
  });

  it('log_to_file writes the *DBG* lines; a file that cannot be opened: {error, open_file}', async () => {
    const file = path.join(os.tmpdir(), `erlsock_sys_debug_${process.pid}.log`);
    const r = await run(function* () {
      const s = yield* started(gen_server.start(server, null));
      const out: unknown[] = [yield* sys.log_to_file(s, file), yield* gen_server.call(s, ['req', 7]), yield* sys.log_to_file(s, false)];
      out.push(yield* sys.log_to_file(s, '/nonexistent/dir/file.log'), yield* gen_server.call(s, ['req', 8]));
      yield* gen_server.stop(s);
      return out;
    });
    const text = fs.readFileSync(file, 'utf8').replace(/<\d+\.\d+\.\d+>/g, '<PID>');
    fs.unlinkSync(file);
    expect(r).to.deep.equal(['ok', ['ok', -7], 'ok', ['error', 'open_file'], ['ok', -8]]);
    expect(text.split('\n')).to.deep.equal(['*DBG* <PID> got call {req,7} from <PID>', '*DBG* <PID> sent {ok,-7} to <PID>, new state 1', '']);
  });

  it('gen_statem log and statistics: in, postpone, consume, out as OTP 25 logs them', async () => {
    const r = await run(function* () {
      const me = self();
      const m = yield* started(gen_statem.start({ local: 'sys_statem' }, statem, null));
      const out: unknown[] = [yield* sys.log(m, true), yield* sys.statistics(m, true)];
      gen_statem.cast(m, 'other');
      gen_statem.cast(m, 'go');
      out.push(yield* gen_statem.call(m, 'get'));
      out.push(plain(yield* sys.log(m, 'get'), me));
      const [, stats] = (yield* sys.statistics(m, 'get')) as ['ok', Array<[string, unknown]>];
      out.push(stats.filter((x) => x[0].startsWith('messages_')));
      const status = (yield* sys.get_status(m)) as unknown[];
      const data = (((status[3] as unknown[])[4] as unknown[])[1] as unknown[])[1] as unknown[][];
      out.push(plain(data.find((x) => x[0] === 'Logged Events'), me));
      lines.length = 0;
      out.push(yield* sys.log(m, 'print'));
      yield* gen_statem.stop(m);
      return out;
    });
    const call = [['call', ['me', 'ref']], 'get'];
    const log = [['in', ['cast', 'other'], 'idle'], ['postpone', ['cast', 'other'], 'idle', 'idle'], ['in', ['cast', 'go'], 'idle'],
      ['consume', ['cast', 'go'], 'idle', 'busy'], ['postpone', ['cast', 'other'], 'busy', 'busy'], ['in', call, 'busy'],
      ['out', ['busy', 1], ['me', 'ref']], ['consume', call, 'busy', 'busy']];
    expect(r).to.deep.equal([
      'ok', 'ok', ['busy', 1], ['ok', log],
      [['messages_in', 3], ['messages_out', 1]], ['Logged Events', log], 'ok',
    ]);
    expect(lines.map((l) => l.replace(/<\d+\.\d+\.\d+>/g, '<PID>'))).to.deep.equal([
      '*DBG* sys_statem receive cast other in state idle\n', '*DBG* sys_statem postpone cast other in state idle\n',
      '*DBG* sys_statem receive cast go in state idle\n', '*DBG* sys_statem consume cast go in state idle => busy\n',
      '*DBG* sys_statem postpone cast other in state busy\n', '*DBG* sys_statem receive call get from <PID> in state busy\n',
      '*DBG* sys_statem send {busy,1} to <PID>\n', '*DBG* sys_statem consume call get from <PID> in state busy\n',
    ]);
  });
});
