// run()'s process that can never wake up is reported (non-zero exit, a message naming the
// process and where it waits), not a silent exit 0. Each case is a real Node process, since
// what is tested is what happens when Node's event loop runs dry.
import { expect } from 'chai';
import { node_script } from '../support/node_script';

describe('runtime/never_wakes', function () {
  this.timeout(30000);

  it('a receive nothing can satisfy: exit 1, the message names the process, its body and the receive; its finally runs', () => {
    const [status, out, err] = node_script(`
      E.run(function* main() {
        try { yield* E.receive(E.on('never'), E.on(['x', 1])); } finally { console.log('finally ran'); }
      }).then(() => console.log('resolved'));
    `);
    expect(status).to.equal(1);
    expect(out).to.equal('finally ran\n');
    expect(err).to.match(
      /NeverWakesError: erlsock: process <0\.80\.0> \(main\) can never wake up: it waits in receive\(on\(never\), on\(\{x,1\}\)\), and nothing is left in the event loop/,
    );
  });

  it('the rejection is a NeverWakesError (an ExitError, reason [never_wakes, Where]); links and monitors see that reason', () => {
    const [status, out] = node_script(`
      E.run(function* () {
        const me = E.self();
        E.spawn(function* () {
          E.monitor('process', me);
          const down = yield* E.receive(E.on(['DOWN', E._, 'process', me, E._]));
          console.log('monitor saw', E.format_term(down[4]));
        });
        yield* E.receive(E.on('never'), E.after('infinity'));
      }).catch((e) => console.log(e.name, e instanceof E.ExitError, E.format_term(e.reason)));
    `);
    expect(status).to.equal(0);
    expect(out).to.equal(
      'NeverWakesError true {never_wakes,\'receive(on(never), after(infinity))\'}\n' +
        "monitor saw {never_wakes,'receive(on(never), after(infinity))'}\n",
    );
  });

  it('await_promise of a promise that never settles is reported too', () => {
    const [status, out] = node_script(`
      E.run(function* () { yield* E.await_promise(new Promise(() => {})); })
        .catch((e) => console.log(e.message));
    `);
    expect(status).to.equal(0);
    expect(out).to.match(/^erlsock: process <0\.80\.0> can never wake up: it waits in await_promise\(\) \(its promise never settled\)/);
  });

  it('not reported while a timer, another process or a promise can still wake it', () => {
    const [status, out, err] = node_script(`
      E.run(function* () { return yield* E.receive(E.on('x'), E.after(100)); }).then((v) => console.log('after:', v));
      E.run(function* () {
        const me = E.self();
        E.spawn(function* () { yield* E.receive(E.after(150)); E.send(me, 'late'); });
        return yield* E.receive(E.on('late'));
      }).then((v) => console.log('other:', v));
      E.run(function* () {
        E.send_after(120, E.self(), 'timer');
        return yield* E.receive(E.on('timer'));
      }).then((v) => console.log('send_after:', v));
      E.run(function* () {
        return yield* E.await_promise(new Promise((res) => setTimeout(() => res('settled'), 50)));
      }).then((v) => console.log('promise:', v));
    `);
    expect(err).to.equal('');
    expect(status).to.equal(0);
    expect(out.split('\n').sort()).to.deep.equal(['', 'after: timeout', 'other: late', 'promise: settled', 'send_after: timer']);
  });

  it('only run()’s process is reported: other processes may wait forever, as in Erlang', () => {
    const [status, out, err] = node_script(`
      E.run(function* () {
        E.spawn(function* () { yield* E.receive(E.on('never')); });
        return 'done';
      }).then((v) => console.log(v));
    `);
    expect([status, out, err]).to.deep.equal([0, 'done\n', '']);
  });
});
