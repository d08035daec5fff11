// Child process for poller.test.ts: registers one socket and either closes it after its
// first event ('close': the process must then exit by itself), keeps it ('hold'), or
// throws from the handler ('throw': process 'uncaughtException' must see it).
import * as p from '../../sockets/prim_socket';

const mode = process.argv[2];
const fd = p.socket(p.constants.AF_INET!, p.constants.SOCK_DGRAM!, 0);
const token = p.new_token();
p.poll_start((tokens, _events, count) => {
  for (let i = 0; i < count; i++) {
    if (tokens[i] === token) {
      process.stdout.write('event\n');
      if (mode === 'close') p.close(fd);
      if (mode === 'throw') throw new Error('boom in handler');
    }
  }
});
if (mode === 'throw') {
  // A handler's exception is the program's, as from any event emitter callback.
  process.on('uncaughtException', (e) => {
    process.stdout.write(`uncaught: ${e.message}\n`);
    p.close(fd);
  });
}
p.poll_add(fd, token);
