// The gen_tcp reference manual's examples (examples/gen_tcp_doc.ts), on loopback.
import { expect } from 'chai';
import * as doc from '../../examples/gen_tcp_doc';
import * as gen_tcp from '../../gen/gen_tcp';
import * as inet from '../../gen/inet';
import { run, spawn, self, send, receive, on, after, _, Pid } from '../../runtime';
import { ok } from '../support/sockets';

describe('examples/gen_tcp_doc', () => {
  it('server() receives what client() sends, until the client closes', () => run(function* () {
    const me = self();
    spawn(function* () {
      const bin = yield* doc.server(0, (port) => send(me, ['port', port]));
      send(me, ['server', bin]);
    });
    const port = (yield* receive(on(['port', _], (m) => m[1] as number))) as number;
    expect(yield* doc.client(port)).to.equal('ok');
    expect(yield* receive(on(['server', _], (m) => m[1]), after(2000, () => 'none'))).to.deep.equal(Buffer.from('Some Data'));
  }));

  it('the send_timeout loop: data_sent, then {error_sending, timeout} once the peer stops reading', () => run(function* () {
    const l = ok<gen_tcp.GenSocket>(gen_tcp.listen(0, ['binary', ['active', false], ['packet', 2]]));
    const sender = spawn(doc.sender, [127, 0, 0, 1], ok<number>(inet.port(l)), 100);
    const a = ok<gen_tcp.GenSocket>(yield* gen_tcp.accept(l));
    send(sender, [self(), 'send_data', Buffer.from('hello')]);
    expect(yield* receive(on([sender, _], (m) => m[1]), after(2000, () => 'none'))).to.equal('data_sent');
    expect(yield* gen_tcp.recv(a, 0, 1000)).to.deep.equal(['ok', Buffer.from('hello')]);
    // Nobody reads a from now on: the kernel buffers fill, and a send times out.
    let answer: unknown = 'data_sent';
    for (let i = 0; i < 2000 && answer === 'data_sent'; i++) {
      send(sender, [self(), 'send_data', Buffer.alloc(60000, 1)]);
      answer = yield* receive(on([sender, _], (m) => m[1]), after(3000, () => 'none'));
    }
    expect(answer).to.deep.equal(['error_sending', 'timeout']);
    expect(sender).to.be.instanceOf(Pid);
    gen_tcp.close(a); gen_tcp.close(l);
  }));
});
