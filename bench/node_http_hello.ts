// The Node `http` peer of `npm run bench -- http`: the same hello (GET / → 200 text/plain
// "Hello from erlsock\n", else 404) with Node's keep-alive defaults. Prints `listening ADDR PORT`.
import * as http from 'http';

const BODY = 'Hello from erlsock\n';
const server = http.createServer((req, res) => {
  if (req.url === '/') {
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': BODY.length });
    res.end(BODY);
  } else {
    res.writeHead(404, { 'Content-Type': 'text/plain', 'Content-Length': 10 });
    res.end('Not Found\n');
  }
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => {
  const a = server.address() as { port: number };
  process.stdout.write(`listening 127.0.0.1 ${a.port}\n`);
});
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
