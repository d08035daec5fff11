// The registry, info/0,1, i/0..2, monitors and supports (docs/OTP25_BEHAVIOUR.md sections 2.16-2.21, test/otp/ 01, 06, 08).
import { expect } from 'chai';
import * as sinon from 'sinon';
import * as socket from '../../sockets/socket';
import { run, self, spawn, exit, make_ref, receive, on, after, _ } from '../../runtime';
import { ok, close_all, raised, pair, next_msg, flush, in_other, reply, sleep, open_fds } from '../support/sockets';

describe('sockets/socket: registry, info, i, monitors, supports', () => {
  let fds0 = 0;
  beforeEach(() => { fds0 = open_fds(); });
  afterEach(() => { expect(open_fds(), 'fds leaked').to.equal(fds0); });

  it('number_of, which_sockets and its filters, use_registry', () => run(function* () {
    const n0 = socket.number_of();
    const t = ok<socket.Socket>(socket.open('inet', 'stream'));
    const u = ok<socket.Socket>(socket.open('inet', 'dgram'));
    const t6 = ok<socket.Socket>(socket.open('inet6', 'stream'));
    const hidden = ok<socket.Socket>(socket.open('inet', 'stream', 'tcp', { use_registry: false }));
    expect(socket.number_of()).to.equal(n0 + 3);
    expect(socket.which_sockets()).to.include.members([t, u, t6]).and.not.include(hidden);
    expect(socket.which_sockets().filter((s) => [t, u, t6].includes(s)), 'in opening order').to.deep.equal([t, u, t6]);
    const mine = (f: Parameters<typeof socket.which_sockets>[0]): socket.Socket[] =>
      socket.which_sockets(f).filter((s) => [t, u, t6, hidden].includes(s));
    expect(mine('inet')).to.deep.equal([t, u]);
    expect(mine('inet6')).to.deep.equal([t6]);
    expect(mine('dgram')).to.deep.equal([u]);
    expect(mine('udp')).to.deep.equal([u]);
    expect(mine('stream')).to.deep.equal([t, t6]);
    expect(mine('tcp')).to.deep.equal([t, t6]);
    expect(mine(self())).to.deep.equal([t, u, t6]);
    expect(mine((i) => i.type === 'dgram')).to.deep.equal([u]);
    expect(raised(() => socket.which_sockets('bogus'))).to.equal('badarg');
    expect(socket.getopt(hidden, 'otp', 'use_registry')).to.deep.equal(['ok', false]);
    expect(socket.use_registry(false)).to.equal('ok');
    const s11 = ok<socket.Socket>(socket.open('inet', 'stream'));
    const s11b = ok<socket.Socket>(socket.open('inet', 'stream', { use_registry: true }));
    expect(socket.use_registry(true)).to.equal('ok');
    const s12 = ok<socket.Socket>(socket.open('inet', 'stream'));
    expect(socket.which_sockets()).to.not.include(s11);
    expect(socket.which_sockets()).to.include.members([s11b, s12]);
    expect(raised(() => socket.use_registry('maybe' as never))).to.equal('function_clause');
    socket.close(t);
    expect(socket.which_sockets()).to.not.include(t);
    close_all(u, t6, hidden, s11, s11b, s12);
    expect(socket.number_of()).to.equal(n0);
  }));

  it('info/0 counts every open socket; info/1 has OTP keys and counters', () => run(function* () {
    const g0 = socket.info();
    expect(Object.keys(g0).sort()).to.deep.equal(['counters', 'debug', 'iov_max', 'iow', 'socket_debug', 'use_registry']);
    expect(Object.keys(g0.counters).sort()).to.deep.equal([
      'num_cnt_bits', 'num_dinet', 'num_dinet6', 'num_dlocal', 'num_pip', 'num_psctp', 'num_ptcp',
      'num_pudp', 'num_sockets', 'num_tdgrams', 'num_tseqpkgs', 'num_tstreams']);
    const hidden = ok<socket.Socket>(socket.open('inet', 'dgram', 'udp', { use_registry: false }));
    const g1 = socket.info();
    expect(g1.counters.num_sockets - g0.counters.num_sockets).to.equal(1);
    expect(g1.counters.num_pudp - g0.counters.num_pudp).to.equal(1);
    expect(g1.counters.num_tdgrams - g0.counters.num_tdgrams).to.equal(1);
    socket.close(hidden);
    const [l, c, a] = yield* pair();
    yield* socket.send(c, Buffer.from('12345'));
    expect(yield* socket.recv(a, 5, 1000)).to.deep.equal(['ok', Buffer.from('12345')]);
    const ia = socket.info(a);
    expect(Object.keys(ia).sort()).to.deep.equal(['counters', 'ctype', 'domain', 'num_acceptors', 'num_readers',
      'num_writers', 'owner', 'protocol', 'rstates', 'type', 'wstates']);
    expect(Object.keys(ia.counters).sort()).to.deep.equal(['acc_fails', 'acc_success', 'acc_tries', 'acc_waits',
      'read_byte', 'read_fails', 'read_pkg', 'read_pkg_max', 'read_tries', 'read_waits',
      'write_byte', 'write_fails', 'write_pkg', 'write_pkg_max', 'write_tries', 'write_waits']);
    expect([ia.ctype, ia.domain, ia.type, ia.protocol, ia.owner]).to.deep.equal(['normal', 'inet', 'stream', 'tcp', self()]);
    expect([ia.counters.read_byte, ia.counters.read_pkg, ia.counters.read_pkg_max]).to.deep.equal([5, 1, 5]);
    const ic = socket.info(c);
    expect([ic.counters.write_byte, ic.counters.write_pkg]).to.deep.equal([5, 1]);
    expect(ic.wstates).to.deep.equal(['connected', 'selected']); // OTP shows CD:SD too
    expect(socket.info(l).counters.acc_success).to.equal(1);
    close_all(l, c, a);
  }));

  it('i() prints a table like OTP: columns, addresses, states; filters and keys', () => run(function* () {
    const [l, c, a] = yield* pair();
    const port = (ok<{ port: number }>(socket.sockname(l))).port;
    const out: string[] = [];
    const w = sinon.stub(process.stdout, 'write').callsFake((s: string | Uint8Array) => { out.push(String(s)); return true; });
    try {
      expect(socket.i()).to.equal('ok');
      expect(socket.i(['domain', 'type', 'fd', 'owner', 'rstates', 'wstates'])).to.equal('ok');
      expect(socket.i('dgram')).to.equal('ok');
    } finally {
      w.restore();
    }
    const [full, keys, dgram] = out;
    const lines = full!.split('\n');
    expect(lines[0]!.split(/\s{1,}/).slice(0, 5)).to.deep.equal(['Domain', 'Type', 'Protocol', 'Fd', 'Owner']);
    expect(full).to.contain('Local Address').and.contain('Remote Address').and.contain('State');
    const lrow = lines.find((x) => x.includes(`localhost:${port} `) && x.includes('BD:LG'));
    expect(lrow, full).to.match(/^inet\s+STREAM\s+TCP\s+\d+\s+<0\.\d+\.0>\s+localhost:\d+\s+0\s+0\s+BD:LG , CD/);
    expect(keys!.split('\n')[0]).to.match(/^Domain\s+Type\s+Fd\s+Owner\s+Rstates\s+Wstates/);
    expect(dgram!.split('\n').filter((x) => x.includes('STREAM'))).to.deep.equal([]);
    expect(raised(() => socket.i('bogus'))).to.equal('function_clause');
    close_all(l, c, a);
  }));

  it('monitor/cancel_monitor: DOWN on close by anyone, at once on a closed socket', () => run(function* () {
    const s1 = ok<socket.Socket>(socket.open('inet', 'stream'));
    const m1 = socket.monitor(s1);
    const m1b = socket.monitor(s1);
    expect(socket.number_of_monitors()).to.be.at.least(2);
    expect(socket.cancel_monitor(m1b)).to.equal(true);
    expect(socket.cancel_monitor(m1b)).to.equal(false);
    expect(socket.cancel_monitor(make_ref())).to.equal(false);
    expect(raised(() => socket.cancel_monitor('foo' as never))).to.equal('badarg');
    socket.close(s1);
    expect(yield* next_msg()).to.deep.equal(['DOWN', m1, 'socket', s1, 'closed']);
    expect(yield* flush()).to.deep.equal([]);
    const m2 = socket.monitor(s1);
    expect(yield* next_msg()).to.deep.equal(['DOWN', m2, 'socket', s1, 'closed']);
    expect(raised(() => socket.monitor('foo' as never))).to.equal('badarg');
    // closed by another process; monitor held by another process
    const s3 = ok<socket.Socket>(socket.open('inet', 'stream'));
    const m3 = socket.monitor(s3);
    in_other('closer', function* () { return socket.close(s3); });
    yield* reply('closer');
    expect(yield* receive(on(['DOWN', m3, _, _, _], (d) => d), after(1000, () => 'none'))).to.deep.equal(['DOWN', m3, 'socket', s3, 'closed']);
    // owner killed
    const parent = self();
    const owner = spawn(function* () {
      send_back(parent, ok<socket.Socket>(socket.open('inet', 'stream')));
      yield* receive(on('never', () => 0));
    });
    const s4 = (yield* reply('sock')) as socket.Socket;
    const m4 = socket.monitor(s4);
    exit(owner, 'kill');
    expect(yield* receive(on(['DOWN', m4, _, _, _], (d) => d), after(1000, () => 'none'))).to.deep.equal(['DOWN', m4, 'socket', s4, 'closed']);
    // cancel, then close: no DOWN
    const s5 = ok<socket.Socket>(socket.open('inet', 'stream'));
    const m5 = socket.monitor(s5);
    expect(socket.cancel_monitor(m5)).to.equal(true);
    socket.close(s5);
    yield* sleep(10);
    expect(yield* flush()).to.deep.equal([]);
  }));

  it('supports and is_supported', () => {
    const all = socket.supports();
    expect(all.map(([k]) => k)).to.deep.equal(['ioctl_requests', 'ioctl_flags', 'options', 'msg_flags', 'protocols', 'sctp', 'ipv6', 'local', 'netns', 'sendfile']);
    expect(socket.supports('msg_flags')).to.deep.equal([
      ['trunc', true], ['peek', true], ['oob', true], ['nosignal', true], ['more', true], ['errqueue', true],
      ['eor', true], ['dontroute', true], ['ctrunc', true], ['confirm', true], ['cmsg_cloexec', true]]);
    expect(socket.supports('options', 'bogus')).to.deep.equal([]);
    expect(socket.supports('bogus')).to.deep.equal([]);
    // keepcnt/keepidle/keepintvl are erlsock's extension (OTP 25 lists them as false).
    expect(socket.supports('options', 'tcp')).to.deep.include.members([
      ['nodelay', true], ['keepcnt', true], ['keepidle', true], ['keepintvl', true], ['user_timeout', false]]);
    for (const o of ['keepcnt', 'keepidle', 'keepintvl']) expect(socket.is_supported('options', 'tcp', o)).to.equal(true);
    for (const k of ['ipv6', 'local', 'sctp', 'netns', 'sendfile']) expect(socket.is_supported(k)).to.equal(true);
    expect(socket.is_supported('options', 'socket', 'reuseport')).to.equal(true);
    expect(socket.is_supported('options', 'tcp', 'congestion')).to.equal(true);
    expect(socket.is_supported('options', 'otp', 'rcvbuf')).to.equal(false);
    expect(socket.is_supported('options', 'socket', 'bogus')).to.equal(false);
    expect(socket.is_supported('msg_flags', 'peek')).to.equal(true);
    expect(socket.is_supported('protocols', 'tcp')).to.equal(true);
    expect(socket.is_supported('bogus')).to.equal(false);
    expect(socket.is_supported('options')).to.equal(false);
  });
});

function send_back(to: ReturnType<typeof self>, s: socket.Socket): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require('../../runtime') as typeof import('../../runtime')).send(to, ['sock', s]);
}
