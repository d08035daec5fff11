// The ([Flags,] Timeout) tail of every waiting call, checked as OTP 25 checks it
// (test/otp/22_flags_timeout.escript): with both, Flags not a list raises badarg; then a bad
// Timeout raises {invalid, {timeout, T}}; an unknown flag is an error tuple, checked last.
import { expect } from 'chai';
import * as socket from '../../sockets/socket';
import { run, Proc } from '../../runtime';
import { pair, close_all, raised_p, open_fds } from '../support/sockets';

const D = Buffer.from('x');
const BADARG = 'badarg';
const T = (t: unknown): unknown => ['invalid', ['timeout', t]];
const FLAG = ['returned', ['error', ['invalid', ['msg_flag', 'bogus']]]];
const any = (v: unknown): never => v as never;

describe('sockets/args: flags and timeout of the waiting calls', () => {
  let fds0 = 0;
  beforeEach(() => { fds0 = open_fds(); });
  afterEach(() => { expect(open_fds(), 'fds leaked').to.equal(fds0); });

  it('answers each malformed tail as OTP 25 does, the same in every call', () => run(function* () {
    const [l, c, a] = yield* pair();
    const sa = socket.sockname(l)[1] as socket.SockAddr;
    const M = { iov: [D] };
    const cases: [string, () => Proc<unknown>, unknown][] = [
      ['send(D, 10, x)', () => socket.send(c, D, any(10), any('x')), BADARG],
      ['send(D, foo, 1000)', () => socket.send(c, D, any('foo'), 1000), BADARG],
      ['send(D, [], x)', () => socket.send(c, D, [], any('x')), T('x')],
      ['send(D, foo)', () => socket.send(c, D, any('foo')), T('foo')],
      ['send(D, [bogus], 1000)', () => socket.send(c, D, ['bogus'], 1000), FLAG],
      ['send(D, [bogus], x)', () => socket.send(c, D, ['bogus'], any('x')), T('x')],
      ['send(D, [], -1)', () => socket.send(c, D, [], -1), T(-1)],
      ['recv(0, 10, x)', () => socket.recv(a, 0, any(10), any('x')), BADARG],
      ['recv(0, foo, 1000)', () => socket.recv(a, 0, any('foo'), 1000), BADARG],
      ['recv(0, [], x)', () => socket.recv(a, 0, [], any('x')), T('x')],
      ['recv(0, foo)', () => socket.recv(a, 0, any('foo')), T('foo')],
      ['recv(0, [bogus], 1000)', () => socket.recv(a, 0, ['bogus'], 1000), FLAG],
      ['recv(0, [bogus], x)', () => socket.recv(a, 0, ['bogus'], any('x')), T('x')],
      ['recv(0, [], -1)', () => socket.recv(a, 0, [], -1), T(-1)],
      ['recv(-1, [], 0)', () => socket.recv(a, -1, [], 0), BADARG],
      ['sendto(D, SA, 10, x)', () => socket.sendto(c, D, sa, any(10), any('x')), BADARG],
      ['sendto(D, SA, foo, 1000)', () => socket.sendto(c, D, sa, any('foo'), 1000), BADARG],
      ['sendto(D, SA, [bogus], x)', () => socket.sendto(c, D, sa, ['bogus'], any('x')), T('x')],
      ['recvfrom(0, 10, x)', () => socket.recvfrom(a, 0, any(10), any('x')), BADARG],
      ['recvfrom(0, foo, 1000)', () => socket.recvfrom(a, 0, any('foo'), 1000), BADARG],
      ['recvfrom(0, [bogus], x)', () => socket.recvfrom(a, 0, ['bogus'], any('x')), T('x')],
      ['sendmsg(M, 10, x)', () => socket.sendmsg(c, M, any(10), any('x')), BADARG],
      ['sendmsg(M, foo, 1000)', () => socket.sendmsg(c, M, any('foo'), 1000), BADARG],
      ['sendmsg(M, [bogus], x)', () => socket.sendmsg(c, M, ['bogus'], any('x')), T('x')],
      ['recvmsg(10, x)', () => socket.recvmsg(a, 10, any('x')), 'function_clause'],
      ['recvmsg(foo, 1000)', () => socket.recvmsg(a, any('foo'), any(1000)), 'function_clause'],
      ['recvmsg([bogus], x)', () => socket.recvmsg(a, ['bogus'], any('x')), T('x')],
      ['recvmsg(0, 0, 10, x)', () => socket.recvmsg(a, 0, 0, any(10), any('x')), BADARG],
      ['recvmsg(0, 0, foo, 1000)', () => socket.recvmsg(a, 0, 0, any('foo'), 1000), BADARG],
      ['recvmsg(0, 0, [bogus], x)', () => socket.recvmsg(a, 0, 0, ['bogus'], any('x')), T('x')],
    ];
    for (const [what, call, want] of cases) expect(yield* raised_p(call), what).to.deep.equal(want);
    // Nothing was sent or read by the refused calls.
    expect(yield* socket.recv(a, 0, 50)).to.deep.equal(['error', 'timeout']);
    close_all(l, c, a);
  }));
});
