// The socket term prints as #Socket<N> everywhere the runtime prints terms: format_term,
// crash reports, exit messages. Printing never walks the socket's state.
import { expect } from 'chai';
import * as socket from '../../sockets/socket';
import {
  run, spawn_monitor, receive, on, after, _, error, format_term, set_crash_logger, CrashReport, ExitError, ErlangError,
} from '../../runtime';
import { ok, pair, close_all, open_fds } from './helpers';

describe('sockets/socket_term: printing', () => {
  let fds0 = 0;
  beforeEach(() => { fds0 = open_fds(); });
  afterEach(() => { expect(open_fds(), 'fds leaked').to.equal(fds0); });

  it('format_term of a reason holding sockets is short and quick, with many sockets open', () => run(function* () {
    const [l, c, a] = yield* pair();
    const more = Array.from({ length: 50 }, () => ok<socket.Socket>(socket.open('inet', 'stream')));
    const t0 = process.hrtime.bigint();
    const s = format_term(['recv_failed', a, 'closed']);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    expect(s).to.equal(`{recv_failed,${socket.to_list(a)},closed}`);
    expect(socket.to_list(a)).to.match(/^#Socket<\d+>$/);
    expect(ms).to.be.below(20);
    expect(format_term({ sock: l, list: [c, a] })).to.equal(`#{sock => ${socket.to_list(l)},list => {${socket.to_list(c)},${socket.to_list(a)}}}`);
    close_all(l, c, a, ...more);
  }));

  it('a crash whose reason holds a socket and a big Buffer: a report of a few hundred bytes, and so is the exit message', async () => {
    const reports: CrashReport[] = [];
    const old = set_crash_logger((r) => reports.push(r));
    try {
      const reason = await run(function* () {
        const [pid, ref] = spawn_monitor(function* () {
          const [l, c, a] = yield* pair();
          error(['recv_failed', a, Buffer.alloc(1 << 20, 7), [l, c]]);
        });
        return yield* receive(on(['DOWN', ref, 'process', pid, _], (m) => m[4]), after(5000));
      });
      expect(reports).to.have.length(1);
      const text = reports[0].text;
      expect(text.length).to.be.below(1000);
      expect(text).to.match(/\{\{recv_failed,#Socket<\d+>,<<7,7,7,.*,\.\.\.>>,\{#Socket<\d+>,#Socket<\d+>\}\},/);
      expect(new ExitError('<0.1.0>', reason).message.length).to.be.below(1000);
      const message = await run(function* () {
        const s = ok<socket.Socket>(socket.open('inet', 'stream'));
        const m = new ErlangError(['recv_failed', s]).message;
        socket.close(s);
        return m;
      });
      expect(message).to.match(/^error: \{recv_failed,#Socket<\d+>\}$/);
    } finally {
      set_crash_logger(old);
    }
  });
});
