// Regression (found by the fuzzer, fixed in ce55011): recv on a listening socket answers
// {error, enotconn}, and {error, {invalid, state}} while an accept select is pending on it,
// as OTP 25 does (test/otp/17_transfer_cases.escript). erlsock once answered with a select or
// {error, timeout} after an accept had seen EAGAIN.
import { expect } from 'chai';
import * as socket from '../../sockets/socket';
import { run } from '../../runtime';
import { listener } from '../support/sockets';

describe('reliability: recv on a listener after an accept', () => {
  it('answers as OTP 25 does', () => run(function* () {
    const [l] = listener();
    const seen: unknown[] = [];
    seen.push(yield* socket.recv(l, 0, 'nowait'));
    const a = yield* socket.accept(l, 'nowait');
    seen.push(a[0]);
    seen.push(yield* socket.recv(l, 0, 'nowait')); // OTP 25: {error, {invalid, state}}
    seen.push(socket.cancel(l, a[1] as socket.SelectInfo<never>));
    seen.push(yield* socket.recv(l, 0, 'nowait'));
    seen.push(yield* socket.accept(l, 0));
    seen.push(yield* socket.recv(l, 0, 'nowait'));
    seen.push(yield* socket.recv(l, 0, 0));
    expect(seen).to.deep.equal([
      ['error', 'enotconn'], 'select', ['error', ['invalid', 'state']], 'ok', ['error', 'enotconn'],
      ['error', 'timeout'], ['error', 'enotconn'], ['error', 'enotconn'],
    ]);
    expect(socket.close(l)).to.equal('ok');
  }));
});
