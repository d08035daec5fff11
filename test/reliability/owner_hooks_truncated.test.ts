// Regression (found by the fuzzer, fixed in ce55011 and 7d3bfc2): an owner's death must close
// every socket it owns. When one of its exit hooks cancelled the next hook in its list
// (closing socket A drains A's queue, whose entry for the same dying process had a waiter
// hook), the walk in runtime/signals.ts terminate() stopped there and the hooks after it
// never ran: socket B stayed open, owned by a dead process, its fd leaked.
import { expect } from 'chai';
import * as socket from '../../sockets/socket';
import { run, self, spawn, send, exit, receive, on, _, Pid } from '../../runtime';
import { ok, listener, connected, reply, eventually, Socket } from '../support/sockets';

describe('reliability: owner death with a waiter hook next to the owner hook', () => {
  it('closes every socket the dead process owned', () => run(function* () {
    const [l, sa] = listener();
    const [c, a] = yield* connected(l, sa);
    const me = self();
    const v: Pid = spawn(function* () {
      const b = ok<Socket>(socket.open('inet', 'stream')); // V owns B: hook 1
      send(me, ['b', b]);
      const s = (yield* receive(on(['a', _], ([, x]) => x))) as Socket;
      send(me, ['waiting', yield* socket.recv(s, 0, 'nowait')]); // V waits on A (not its owner): hook 2
      yield* receive(on('never', () => 0));
    });
    const b = (yield* reply('b')) as Socket;
    send(v, ['a', a]);
    expect(((yield* reply('waiting')) as unknown[])[0]).to.equal('select');
    expect(socket.setopt(a, 'otp', 'controlling_process', v)).to.equal('ok'); // V owns A: hook 3
    exit(v, 'kill');
    expect(yield* eventually(() => !socket.is_open(a), 1000), 'A closed').to.equal(true);
    expect(yield* eventually(() => !socket.is_open(b), 1000), 'B closed (OTP: owner exit closes it)').to.equal(true);
    socket.close(c);
    socket.close(l);
  }));
});
