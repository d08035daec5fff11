// `erlsock http` as a child process, driven by curl and by raw sockets over loopback.
import { expect } from 'chai';
import * as net from 'net';
import { execFile } from 'child_process';
import { example_cli, listening, stop, Child } from './peers';

function curl(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile('curl', ['-s', '-S', '--max-time', '5', ...args], (e, out) => resolve({ code: e ? Number(e.code) : 0, out }));
  });
}

/** Sends text on a fresh connection; resolves with everything received until the server closes (or ms). */
function exchange(port: number, text: string, ms = 1500): Promise<{ data: string; closed: boolean }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const s = net.connect(port, '127.0.0.1', () => s.write(text));
    const t = setTimeout(() => {
      s.destroy();
      resolve({ data: Buffer.concat(chunks).toString(), closed: false });
    }, ms);
    s.on('data', (d) => chunks.push(d));
    s.on('error', () => undefined);
    s.on('end', () => {
      clearTimeout(t);
      s.destroy();
      resolve({ data: Buffer.concat(chunks).toString(), closed: true });
    });
  });
}

const OK = 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 19\r\n\r\nHello from erlsock\n';

describe('examples/http (erlsock http)', function () {
  this.timeout(30000);
  let server: Child;
  let port: number;
  before(async () => {
    server = example_cli('http');
    port = await listening(server);
    expect(server.stdout()).to.match(/^listening 127\.0\.0\.1 \d+\n$/);
  });
  after(async () => {
    expect(await stop(server)).to.equal(0);
  });

  it('curl: GET / is 200 text/plain with the hello body, other paths 404, one kept-alive connection', async () => {
    const r = await curl(['-v', `http://127.0.0.1:${port}/`, `http://127.0.0.1:${port}/nope`]);
    expect(r.code).to.equal(0);
    expect(r.out).to.equal('Hello from erlsock\nNot Found\n');
    const h = await curl(['-i', `http://127.0.0.1:${port}/`]);
    expect(h.out).to.equal(OK);
    const n = await curl(['-o', '/dev/null', '-o', '/dev/null', '-w', '%{http_code} %{num_connects}', `http://127.0.0.1:${port}/a`, `http://127.0.0.1:${port}/`]);
    expect(n.out).to.equal('404 1200 0');
  });

  it('pipelined requests are answered in order on one connection; Connection: close closes after the answer', async () => {
    const r = await exchange(port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\nConnection: close\r\n\r\n');
    expect(r.closed).to.equal(true);
    expect(r.data).to.equal(OK + 'HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 10\r\n\r\nNot Found\n' +
      'HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: 19\r\n\r\nHello from erlsock\n');
    const ka = await exchange(port, 'GET / HTTP/1.1\r\n\r\n', 300);
    expect(ka).to.deep.equal({ data: OK, closed: false });
    const h10 = await exchange(port, 'GET / HTTP/1.0\r\n\r\n');
    expect(h10.closed).to.equal(true);
  });

  it('wrk: a second of keep-alive load at 10 connections, every answer a 200, no socket errors', async () => {
    const out = await new Promise<string>((resolve) => {
      execFile('wrk', ['-t1', '-c10', '-d1s', `http://127.0.0.1:${port}/`], (_e, stdout) => resolve(stdout));
    });
    const n = /(\d+) requests in/.exec(out);
    expect(n, out).to.not.equal(null);
    expect(Number(n![1])).to.be.above(100);
    expect(out).to.not.match(/Non-2xx|Socket errors/);
  });

  it('a malformed request line or header gets 400 and a close; a body is read past', async () => {
    const BAD = 'HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 12\r\nConnection: close\r\n\r\nBad Request\n';
    expect(await exchange(port, 'GARBAGE\r\n\r\n')).to.deep.equal({ data: BAD, closed: true });
    expect(await exchange(port, 'GET / HTTP/1.1\r\nbad header\r\n\r\n')).to.deep.equal({ data: BAD, closed: true });
    const post = await exchange(port, 'POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhelloGET /x HTTP/1.1\r\nConnection: close\r\n\r\n');
    expect(post.data).to.equal(OK + 'HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: 10\r\n\r\nNot Found\n');
    // The server is still there for everyone else.
    expect((await curl([`http://127.0.0.1:${port}/`])).out).to.equal('Hello from erlsock\n');
  });
});
