// Regression (found by peer_faults, fixed in ce55011). A peer sends a little and closes at once:
// the data and the FIN reach the socket in one readiness edge. The first recv reads the data
// (a short read); erlsock once believed the socket empty then, so the next recv waited for
// an edge that never comes and never saw the EOF. OTP 25 answers the
// second recv with {error, closed} at once (docs/OTP25_BEHAVIOUR.md section 2.9: data then FIN gives {ok, Data}, then
// {error, closed}; test/otp/02_tcp_basic.escript). The guide's echo handler, which reads this
// way, then never ended: its socket and process stayed forever.
import { expect } from 'chai';
import * as socket from '../../sockets/socket';
import { run } from '../../runtime';
import { listener, connected, sleep } from '../support/sockets';

describe('reliability: the FIN that came with the last data', () => {
  it('recv after a short read still sees the EOF', () => run(function* () {
    const [l, sa] = listener();
    for (let i = 0; i < 20; i++) {
      const [c, a] = yield* connected(l, sa);
      expect(yield* socket.send(c, Buffer.from('abc'))).to.equal('ok');
      expect(socket.close(c)).to.equal('ok');
      yield* sleep(20); // data and FIN have both arrived
      expect(yield* socket.recv(a, 0, 1000)).to.deep.equal(['ok', Buffer.from('abc')]);
      expect(yield* socket.recv(a, 0, 1000), `round ${i}`).to.deep.equal(['error', 'closed']);
      expect(socket.close(a)).to.equal('ok');
    }
    expect(socket.close(l)).to.equal('ok');
  }));
});
