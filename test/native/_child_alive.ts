// Child process for poller.test.ts: registers one socket and either closes it after its
// first event ('close': the process must then exit by itself) or keeps it ('hold').
import * as p from '../../sockets/prim_socket';

const mode = process.argv[2];
const fd = p.socket(p.constants.AF_INET!, p.constants.SOCK_DGRAM!, 0);
const token = p.new_token();
p.poll_start((tokens, _events, count) => {
  for (let i = 0; i < count; i++) {
    if (tokens[i] === token) {
      process.stdout.write('event\n');
      if (mode === 'close') p.close(fd);
    }
  }
});
p.poll_add(fd, token);
