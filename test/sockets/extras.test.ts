// The less travelled parts: native options, which_monitors/monitored_by, the
// ESOCK_USE_SOCKET_REGISTRY environment variable, and bad input never crashing the runtime.
import { expect } from 'chai';
import { execFileSync } from 'child_process';
import * as path from 'path';
import * as socket from '../../sockets/socket';
import { run, self, receive, on, after } from '../../runtime';
import { ok, close_all, raised, raised_p, pair, open_fds, in_other, reply } from '../support/sockets';

describe('sockets/socket: native options, monitors lists, environment, bad input', () => {
  let fds0 = 0;
  beforeEach(() => { fds0 = open_fds(); });
  afterEach(() => { expect(open_fds(), 'fds leaked').to.equal(fds0); });

  it('getopt_native / setopt_native', () => run(function* () {
    const t = ok<socket.Socket>(socket.open('inet', 'stream'));
    const SO_REUSEADDR = 2;
    expect(socket.getopt_native(t, ['socket', SO_REUSEADDR], 'boolean')).to.deep.equal(['ok', false]);
    expect(socket.getopt_native(t, ['socket', SO_REUSEADDR], 'integer')).to.deep.equal(['ok', 0]);
    expect(socket.setopt_native(t, ['socket', SO_REUSEADDR], 1)).to.equal('ok');
    expect(socket.getopt(t, 'socket', 'reuseaddr')).to.deep.equal(['ok', true]);
    expect(socket.getopt_native(t, ['tcp', 4], 'integer')).to.deep.equal(['ok', 7200]); // TCP_KEEPIDLE
    expect(socket.getopt_native(t, ['socket', SO_REUSEADDR], 'int' as never)).to.deep.equal(['error', ['invalid', ['value_spec', 'int']]]);
    expect(socket.getopt_native(t, ['socket', 9999], 'integer')).to.deep.equal(['error', 'enoprotoopt']);
    const b = ok<Buffer>(socket.getopt_native(t, ['socket', 13], 8)); // SO_LINGER as bytes
    expect(b.length).to.equal(8);
    socket.close(t);
  }));

  it('which_monitors and monitored_by', () => run(function* () {
    const s = ok<socket.Socket>(socket.open('inet', 'stream'));
    const m1 = socket.monitor(s);
    const m2 = socket.monitor(s);
    expect(socket.which_monitors(s)).to.deep.equal([m2, m1]);
    expect(socket.which_monitors(self())).to.include.members([m1, m2]);
    expect(socket.monitored_by(s)).to.deep.equal([self()]);
    socket.close(s);
    yield* receive(on(['DOWN', m1, 'socket', s, 'closed'], () => 0), after(500, () => 0));
    yield* receive(on(['DOWN', m2, 'socket', s, 'closed'], () => 0), after(500, () => 0));
    expect(socket.which_monitors(self())).to.not.include(m1);
  }));

  it('ESOCK_USE_SOCKET_REGISTRY=false turns the registry default off at start', () => {
    const root = path.resolve(__dirname, '..', '..');
    const script = `
      const { run } = require(${JSON.stringify(path.join(root, 'runtime'))});
      const socket = require(${JSON.stringify(path.join(root, 'sockets', 'socket'))});
      run(function* () {
        const [, s] = socket.open('inet', 'stream');
        const r = [socket.number_of(), socket.getopt(s, 'otp', 'use_registry')[1], socket.info().use_registry];
        socket.close(s);
        return r;
      }).then((r) => process.stdout.write(JSON.stringify(r)));`;
    const out = (env: string | undefined): unknown => JSON.parse(execFileSync(process.execPath, ['-e', script], {
      env: env === undefined ? { ...process.env, ESOCK_USE_SOCKET_REGISTRY: '' } : { ...process.env, ESOCK_USE_SOCKET_REGISTRY: env },
      timeout: 10000,
    }).toString());
    expect(out('false')).to.deep.equal([0, false, false]);
    expect(out('true')).to.deep.equal([1, true, true]);
  });

  it('bad input raises or errors in the caller only; the runtime and the socket live on', () => run(function* () {
    const [l, c, a] = yield* pair();
    const bad: [string, () => unknown][] = [
      ['recv length', () => socket.recv(a, 'x' as never).next()],
      ['recv timeout', () => socket.recv(a, 0, -1).next()],
      ['send data', () => socket.send(a, 42 as never).next()],
      ['send nested', () => socket.send(a, [1, [2, [300]]] as never).next()],
      ['sendto dest', () => socket.sendto(a, Buffer.alloc(1), [1, 2] as never).next()],
      ['cancel', () => socket.cancel(a, ['select_info'] as never)],
      ['getopt', () => socket.getopt({} as never, 'socket', 'type')],
      ['listen', () => socket.listen(a, 1.5)],
      ['shutdown', () => socket.shutdown(a, 'sideways' as never)],
    ];
    for (const [what, f] of bad) {
      const r = raised(f);
      expect(r, what).to.not.deep.equal(['returned', r]);
      expect(Array.isArray(r) && r[0] === 'returned', what).to.equal(false);
    }
    // connect raises for an address that is not a map, as OTP 25 does (test/otp/23_sockaddr.escript).
    expect(yield* raised_p(() => socket.connect(a, 'nowhere' as never))).to.deep.equal(['invalid', ['sockaddr', 'nowhere']]);
    // A process that crashes on bad input takes only itself down.
    in_other('crash', function* () { return yield* socket.recv(a, -1); });
    expect(yield* reply('crash')).to.deep.equal(['raised', 'badarg']);
    yield* socket.send(c, Buffer.from('still'));
    expect(yield* socket.recv(a, 5, 1000)).to.deep.equal(['ok', Buffer.from('still')]);
    expect(yield* raised_p(() => socket.recv(a, 0, [], 'x' as never))).to.deep.equal(['invalid', ['timeout', 'x']]);
    close_all(l, c, a);
  }));
});
