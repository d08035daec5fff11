// Crash reports: text as Erlang's, a replaceable logger, and which exits are quiet.
import { expect } from 'chai';
import { run, spawn, spawn_monitor, receive, on, after, _, exit, error, set_crash_logger, CrashReport, Pid } from '../../runtime';
import { crash_report_text, log_report, report_header } from '../../runtime/crash_report';
import * as sinon from 'sinon';

describe('runtime/crash_report', () => {
  it('formats like =ERROR REPORT====', () => {
    const text = crash_report_text(new Pid(83), ['boom', []], new Date(2026, 10, 24, 3, 47, 17, 108));
    expect(text).to.equal('=ERROR REPORT==== 24-Nov-2026::03:47:17.108000 ===\nError in process <0.83.0> with exit value:\n{boom,{}}\n');
  });

  it('reports abnormal exits of a process’s own code, not normal, shutdown, {shutdown,_} or a kill', async () => {
    const reports: CrashReport[] = [];
    const old = set_crash_logger((r) => reports.push(r));
    try {
      const crashed = await run(function* () {
        const ps: Pid[] = [];
        for (const why of ['normal', 'shutdown', ['shutdown', 'x'], 'my_reason']) {
          const [p, ref] = spawn_monitor(function* () {
            exit(why);
          });
          ps.push(p);
          yield* receive(on(['DOWN', ref, _, _, _]));
        }
        const [p2, ref2] = spawn_monitor(function* () {
          error('boom');
        });
        yield* receive(on(['DOWN', ref2, _, _, _]));
        const [p3, ref3] = spawn_monitor(function* () {
          yield* receive(on('never'));
        });
        exit(p3, 'kill');
        yield* receive(on(['DOWN', ref3, _, _, _]));
        return [ps[3], p2];
      });
      expect(reports.map((r) => r.pid)).to.deep.equal(crashed);
      expect(reports[0].reason).to.equal('my_reason');
      expect(reports[1].text).to.match(/^=ERROR REPORT==== .* ===\nError in process <0\.\d+\.0> with exit value:\n\{boom,\{\{'crash_report\.test',anonymous,0,/);
    } finally {
      set_crash_logger(old);
    }
  });

  it('a logger that throws does not take the runtime down', async () => {
    const old = set_crash_logger(() => {
      throw new Error('logger');
    });
    try {
      const r = await run(function* () {
        spawn(function* () {
          error('x');
        });
        return yield* receive(after(5, () => 'still here'));
      });
      expect(r).to.equal('still here');
    } finally {
      set_crash_logger(old);
    }
  });

  it('log_report: a layer’s report goes to the logger; the default printer prints all but progress reports', () => {
    const seen: CrashReport[] = [];
    const old = set_crash_logger((r) => seen.push(r));
    const pid = new Pid(90);
    try {
      log_report({ pid, reason: 'r', text: 'sup text\n', label: 'supervisor_report' });
      expect(seen.map((r) => r.label)).to.deep.equal(['supervisor_report']);
    } finally {
      set_crash_logger(old);
    }
    const prev = set_crash_logger(null);
    const write = sinon.stub(process.stderr, 'write').returns(true);
    try {
      log_report({ pid, reason: 'r', text: 'progress text\n', label: 'progress' });
      log_report({ pid, reason: 'r', text: 'sup text\n', label: 'supervisor_report' });
    } finally {
      write.restore();
      set_crash_logger(prev);
    }
    expect(write.args.map((a) => a[0])).to.deep.equal(['sup text\n\n']);
    expect(report_header('SUPERVISOR REPORT', new Date(2026, 10, 24, 3, 47, 17, 108))).to.equal('=SUPERVISOR REPORT==== 24-Nov-2026::03:47:17.108000 ===');
  });
});
