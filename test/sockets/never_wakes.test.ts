// A run() process waiting on a socket is not reported as never waking: the poller keeps
// Node's event loop alive, and a peer may still connect or send.
import { expect } from 'chai';
import { node_script } from '../support/node_script';

describe('sockets: a run() process waiting on a socket', function () {
  this.timeout(30000);

  it('in a blocking accept with no timeout, is still waiting 700 ms later', () => {
    const [status, out, err] = node_script(`
      setTimeout(() => { console.log('still waiting'); process.exit(0); }, 700).unref();
      E.run(function* () {
        const l = E.socket.open('inet', 'stream')[1];
        E.socket.bind(l, 'loopback');
        E.socket.listen(l);
        return yield* E.socket.accept(l);
      }).then((v) => console.log('resolved', v), (e) => console.log('rejected', e.message));
    `);
    expect([status, out, err]).to.deep.equal([0, 'still waiting\n', '']);
  });

  it('in a recv, wakes when the peer sends late (from a timer in another process)', () => {
    const [status, out, err] = node_script(`
      E.run(function* () {
        const l = E.socket.open('inet', 'stream')[1];
        E.socket.bind(l, 'loopback');
        E.socket.listen(l);
        const sa = E.socket.sockname(l)[1];
        E.spawn(function* () {
          const c = E.socket.open('inet', 'stream')[1];
          yield* E.socket.connect(c, sa);
          yield* E.receive(E.after(300));
          yield* E.socket.send(c, 'late');
          yield* E.receive(E.on('never'), E.after(200));
        });
        const a = (yield* E.socket.accept(l))[1];
        const r = yield* E.socket.recv(a, 4);
        return r[1].toString();
      }).then((v) => { console.log('got', v); process.exit(0); });
    `);
    expect([status, out, err]).to.deep.equal([0, 'got late\n', '']);
  });
});
