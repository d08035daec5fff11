// The error report of a terminating gen_server, as OTP 25 prints it (test/otp/52_gen_server_report
// shows OTP's text for the same cases): name, last message, state, reason, client; none for
// normal, shutdown and {shutdown, _}.
import { expect } from 'chai';
import { run, send, self, receive, on, after, _, register, CrashReport, Pid, Proc, exit } from '../../runtime';
import { crash_reports_per_test } from '../support/crash_reports';
import * as gen_server from '../../actors/gen_server';
import type { GenServerModule } from '../../actors/gen_server';

const stopper: GenServerModule<unknown, unknown> = {
  name: 'stopper',
  init: (s) => ['ok', s],
  handle_call: (req, _from, s) => {
    const [kind, reason] = req as [string, unknown];
    return kind === 'stop' ? ['stop', reason, 'ok', s] : ['stop', reason, s];
  },
  handle_cast: (msg, s) => ['stop', (msg as [string, unknown])[1], s],
  handle_info: (msg, s) => ['stop', (msg as [string, unknown])[1], s],
};

function* start(arg: unknown, name?: string): Proc<Pid> {
  const r = name === undefined ? yield* gen_server.start(stopper, arg) : yield* gen_server.start({ local: name }, stopper, arg);
  if (r === 'ignore' || r[0] !== 'ok') return exit(['start_failed', r]);
  return r[1];
}

/** The report's lines after its header, with pids printed as 'pid' (as the escript shows them). */
function body(r: CrashReport): string[] {
  return r.text.split('\n').slice(1).filter((l) => l !== '').map((l) => l.replace(/<\d+\.\d+\.\d+>/g, 'pid'));
}

describe('actors/gen_server_report', () => {
  const reports = crash_reports_per_test();

  const errors = (): CrashReport[] => reports.filter((r) => r.label === 'error_report');

  it('a call answered with stop: name, request, state, reason and the live caller', async () => {
    await run(function* () {
      register('caller', self());
      yield* start('state1', 'srv');
      expect(yield* gen_server.call('srv', ['stop', 'bad_thing'])).to.equal('ok');
      yield* receive(after(20, () => null));
    });
    expect(errors()).to.have.length(1);
    expect(body(errors()[0])).to.deep.equal([
      '** Generic server srv terminating ',
      '** Last message in was {stop,bad_thing}',
      '** When Server state == state1',
      '** Reason for termination ==',
      '** bad_thing',
      '** Client caller stacktrace',
      '** []',
    ]);
  });

  it('a cast and a plain message: the pid as name, the whole cast as the last message', async () => {
    await run(function* () {
      const p = yield* start([1, 2]);
      gen_server.cast(p, ['stop', ['bad', 1]]);
      const q = yield* start({ k: 'v' });
      yield* receive(after(10, () => null));
      send(q, ['stop', 'gone']);
      yield* receive(after(20, () => null));
    });
    expect(errors().map(body)).to.deep.equal([
      [
        '** Generic server pid terminating ',
        "** Last message in was {'$gen_cast',{stop,{bad,1}}}",
        '** When Server state == {1,2}',
        '** Reason for termination ==',
        '** {bad,1}',
      ],
      [
        '** Generic server pid terminating ',
        '** Last message in was {stop,gone}',
        '** When Server state == #{k => v}',
        '** Reason for termination ==',
        '** gone',
      ],
    ]);
  });

  it('normal, shutdown and {shutdown, _} stop without a report', async () => {
    await run(function* () {
      for (const reason of ['normal', 'shutdown', ['shutdown', 'x']]) {
        const p = yield* start('s');
        yield* gen_server.call(p, ['stop', reason]);
      }
      yield* receive(on(_), after(20, () => null));
    });
    expect(errors()).to.deep.equal([]);
  });
});
