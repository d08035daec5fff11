// erlang:decode_packet/3's results for the packet types gen_tcp offers, as OTP 25 gives them
// (test/otp/27_decode_packet.escript prints the HTTP ones).
import { expect } from 'chai';
import { decode } from '../../gen/packet';

const B = (s: string): Buffer => Buffer.from(s, 'latin1');
const O = { packet_size: 0, line_delimiter: 10 };
const one = (type: Parameters<typeof decode>[0], s: string, o = O): unknown[] => decode(type, B(s), 0, o) as unknown[];

describe('gen/packet', () => {
  it('raw, 1, 2, 4 and line', () => {
    expect(one('raw', 'abc')).to.deep.equal(['ok', B('abc'), 3]);
    expect(one(0, '')).to.equal('more');
    expect(decode(1, Buffer.from([2, 97, 98, 99]), 0, O)).to.deep.equal(['ok', B('ab'), 3]);
    expect(decode(2, Buffer.from([0, 3, 97, 98]), 0, O)).to.equal('more');
    expect(decode(4, Buffer.from([0, 0, 0, 0]), 0, O)).to.deep.equal(['ok', B(''), 4]);
    expect(decode(4, Buffer.from([0, 0, 0, 9, 1]), 0, { ...O, packet_size: 5 })).to.deep.equal(['error', 'emsgsize']);
    expect(one('line', 'ab\ncd')).to.deep.equal(['ok', B('ab\n'), 3]);
    expect(decode('line', B('ab\ncd'), 3, O)).to.equal('more');
    expect(one('line', 'abXc', { ...O, line_delimiter: 88 })).to.deep.equal(['ok', B('abX'), 3]);
    expect(one('line', 'abcdef\n', { ...O, packet_size: 3 })).to.deep.equal(['error', 'emsgsize']);
    expect(one('line', 'abcdef', { ...O, packet_size: 3 })).to.deep.equal(['error', 'emsgsize']);
  });

  it('http_bin request and response lines, as OTP 25', () => {
    expect(one('http_bin', 'GET / HTTP/1.1\r\n')).to.deep.equal(['ok', ['http_request', 'GET', ['abs_path', B('/')], [1, 1]], 16]);
    expect(one('http_bin', 'get /x?y HTTP/1.0\r\n')[1]).to.deep.equal(['http_request', B('get'), ['abs_path', B('/x?y')], [1, 0]]);
    expect(one('http_bin', 'FOO http://a.b:81/p HTTP/1.1\r\n')[1]).to.deep.equal(['http_request', B('FOO'), ['absoluteURI', 'http', B('a.b'), 81, B('/p')], [1, 1]]);
    expect(one('http_bin', 'GET * HTTP/1.1\r\n')[1]).to.deep.equal(['http_request', 'GET', '*', [1, 1]]);
    expect(one('http_bin', 'GET https://h/p HTTP/1.1\r\n')[1]).to.deep.equal(['http_request', 'GET', ['absoluteURI', 'https', B('h'), 'undefined', B('/p')], [1, 1]]);
    expect(one('http_bin', 'GET ftp:x HTTP/1.1\r\n')[1]).to.deep.equal(['http_request', 'GET', ['scheme', B('ftp'), B('x')], [1, 1]]);
    expect(one('http_bin', 'garbage\r\n')).to.deep.equal(['ok', ['http_error', B('garbage\r\n')], 9]);
    expect(one('http_bin', 'GET / HTTP/1.1\n')[1]).to.deep.equal(['http_request', 'GET', ['abs_path', B('/')], [1, 1]]);
    expect(one('http_bin', 'HTTP/1.1 200 OK\r\n')[1]).to.deep.equal(['http_response', [1, 1], 200, B('OK')]);
    expect(one('http_bin', 'GET /\r\n')[1]).to.deep.equal(['http_request', 'GET', ['abs_path', B('/')], [0, 9]]);
    expect(one('http_bin', 'GET / HTTP/1.1')).to.equal('more');
    expect(one('http_bin', 'GET / HTTP/1.1\r\n', { ...O, packet_size: 5 })).to.deep.equal(['error', 'emsgsize']);
    expect(one('http', 'GET / HTTP/1.1\r\n')[1]).to.deep.equal(['http_request', 'GET', ['abs_path', [47]], [1, 1]]);
  });

  it('httph_bin headers: known fields as atoms with their number, others canonical binaries', () => {
    expect(one('httph_bin', 'content-type: v\r\n\r\n')).to.deep.equal(['ok', ['http_header', 42, 'Content-Type', B('content-type'), B('v')], 17]);
    expect(one('httph_bin', 'cache-control: v\r\n\r\n')[1]).to.deep.equal(['http_header', 1, 'Cache-Control', B('cache-control'), B('v')]);
    expect(one('httph_bin', 'proxy-connection: v\r\n\r\n')[1]).to.deep.equal(['http_header', 52, 'Proxy-Connection', B('proxy-connection'), B('v')]);
    expect(one('httph_bin', 'x-yz-w:a\r\n\r\n')[1]).to.deep.equal(['http_header', 0, B('X-Yz-W'), B('x-yz-w'), B('a')]);
    expect(one('httph_bin', 'X-y:   a b  \r\n\r\n')[1]).to.deep.equal(['http_header', 0, B('X-Y'), B('X-y'), B('a b  ')]);
    expect(one('httph_bin', 'X-y: a\r\n  b\r\n\r\n')).to.deep.equal(['ok', ['http_header', 0, B('X-Y'), B('X-y'), B('a\r\n  b')], 13]);
    expect(one('httph_bin', 'X-y: a\r\n')).to.equal('more');
    expect(one('httph_bin', '\r\n')).to.deep.equal(['ok', 'http_eoh', 2]);
    expect(one('httph_bin', 'bad header\r\n\r\n')).to.deep.equal(['ok', ['http_error', B('bad header\r\n')], 12]);
    expect(one('httph_bin', 'X y: a\r\n\r\n')[1]).to.deep.equal(['http_error', B('X y: a\r\n')]);
    expect(one('httph', 'content-type: a\r\n\r\n')[1]).to.deep.equal(['http_header', 42, 'Content-Type', Array.from(B('content-type')), [97]]);
  });
});
