// The HTTP packet types of erlang:decode_packet/3 (http, httph, http_bin, httph_bin), with
// the terms OTP 25 returns (checked on erl: test/otp/27_decode_packet.escript):
//   ['http_request', Method, Uri, [Major, Minor]]     Method 'GET' (known) or a binary
//   ['http_response', [Major, Minor], Code, Reason]
//   ['http_header', N, Field, UnmodifiedField, Value] Field 'Content-Type' (known, N its
//                                                     index) or the canonical binary (N 0)
//   'http_eoh'                                        the empty line ending the headers
//   ['http_error', Line]                              a line that does not parse
// Uri: '*', ['abs_path', Path], ['absoluteURI', 'http' | 'https', Host, Port | 'undefined',
// Path], ['scheme', Scheme, Rest]. The http/httph types give byte lists (number arrays)
// where the _bin types give Buffers.

export type HttpMode = 'http' | 'httph' | 'http_bin' | 'httph_bin';

const METHODS = new Set(['OPTIONS', 'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'TRACE']);

// OTP's known header fields, in its order: the index is the header term's N.
const KNOWN_HEADERS = [
  'Cache-Control', 'Connection', 'Date', 'Pragma', 'Transfer-Encoding', 'Upgrade', 'Via', 'Accept',
  'Accept-Charset', 'Accept-Encoding', 'Accept-Language', 'Authorization', 'From', 'Host',
  'If-Modified-Since', 'If-Match', 'If-None-Match', 'If-Range', 'If-Unmodified-Since', 'Max-Forwards',
  'Proxy-Authorization', 'Range', 'Referer', 'User-Agent', 'Age', 'Location', 'Proxy-Authenticate',
  'Public', 'Retry-After', 'Server', 'Vary', 'Warning', 'Www-Authenticate', 'Allow', 'Content-Base',
  'Content-Encoding', 'Content-Language', 'Content-Length', 'Content-Location', 'Content-Md5',
  'Content-Range', 'Content-Type', 'Etag', 'Expires', 'Last-Modified', 'Accept-Ranges', 'Set-Cookie',
  'Set-Cookie2', 'X-Forwarded-For', 'Cookie', 'Keep-Alive', 'Proxy-Connection',
];
const HEADER_INDEX = new Map(KNOWN_HEADERS.map((h, i) => [h, i + 1]));

const LF = 10;
const CR = 13;
const SP = 32;
const HT = 9;

type Out = ['ok', unknown, number] | 'more' | ['error', 'emsgsize'];

/** One HTTP packet from buf[start..]; packet_size (0: none) bounds a line. */
export function decode_http(mode: HttpMode, buf: Buffer, start: number, packet_size: number): Out {
  const nl = buf.indexOf(LF, start);
  if (nl < 0) return packet_size > 0 && buf.length - start > packet_size ? ['error', 'emsgsize'] : 'more';
  if (packet_size > 0 && nl + 1 - start > packet_size) return ['error', 'emsgsize'];
  const bin = mode === 'http_bin' || mode === 'httph_bin';
  const b = bin ? (x: Buffer): unknown => Buffer.from(x) : (x: Buffer): unknown => Array.from(x);
  const end = nl > start && buf[nl - 1] === CR ? nl - 1 : nl;
  const line = buf.subarray(start, end);
  const whole = (): unknown => b(buf.subarray(start, nl + 1));
  if (mode === 'http' || mode === 'http_bin') {
    const t = request_or_response(line, b);
    return ['ok', t ?? ['http_error', whole()], nl + 1];
  }
  if (line.length === 0) return ['ok', 'http_eoh', nl + 1];
  // A header continues on lines starting with a space or tab: look at the next line first.
  let last = nl;
  for (;;) {
    if (last + 1 >= buf.length) return 'more';
    const c = buf[last + 1];
    if (c !== SP && c !== HT) break;
    const next = buf.indexOf(LF, last + 1);
    if (next < 0) return packet_size > 0 && buf.length - start > packet_size ? ['error', 'emsgsize'] : 'more';
    last = next;
  }
  const vend = last > start && buf[last - 1] === CR ? last - 1 : last;
  const colon = line.indexOf(0x3a);
  if (colon <= 0) return ['ok', ['http_error', whole()], last + 1];
  for (let i = 0; i < colon; i++) {
    if (line[i] === SP || line[i] === HT) return ['ok', ['http_error', whole()], last + 1];
  }
  const raw_name = line.subarray(0, colon);
  let v = start + colon + 1;
  while (v < vend && (buf[v] === SP || buf[v] === HT)) v++;
  const canon = canonical(raw_name.toString('latin1'));
  const n = HEADER_INDEX.get(canon) ?? 0;
  const field = n > 0 ? canon : b(Buffer.from(canon, 'latin1'));
  return ['ok', ['http_header', n, field, b(raw_name), b(buf.subarray(v, vend))], last + 1];
}

/** Content-type → Content-Type: upper case at the start and after each '-', lower elsewhere. */
function canonical(name: string): string {
  let out = '';
  let up = true;
  for (const ch of name) {
    out += up ? ch.toUpperCase() : ch.toLowerCase();
    up = ch === '-';
  }
  return out;
}

const VERSION = /^HTTP\/(\d+)\.(\d+)$/;

function request_or_response(line: Buffer, b: (x: Buffer) => unknown): unknown {
  const text = line.toString('latin1');
  if (text.startsWith('HTTP/')) {
    const m = /^HTTP\/(\d+)\.(\d+) +(\d{3})(?: (.*))?$/.exec(text);
    if (m === null) return null;
    return ['http_response', [Number(m[1]), Number(m[2])], Number(m[3]), b(Buffer.from(m[4] ?? '', 'latin1'))];
  }
  const parts = text.split(' ').filter((p) => p !== '');
  if (parts.length < 2 || !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(parts[0]!)) return null;
  let version: [number, number] = [0, 9];
  if (parts.length >= 3) {
    const m = VERSION.exec(parts[2]!);
    if (m === null) return null;
    version = [Number(m[1]), Number(m[2])];
  }
  const method = METHODS.has(parts[0]!) ? parts[0] : b(Buffer.from(parts[0]!, 'latin1'));
  return ['http_request', method, uri(parts[1]!, b), version];
}

function uri(u: string, b: (x: Buffer) => unknown): unknown {
  const s = (x: string): unknown => b(Buffer.from(x, 'latin1'));
  if (u === '*') return '*';
  if (u.startsWith('/')) return ['abs_path', s(u)];
  const abs = /^(https?):\/\/([^:/]*)(?::(\d+))?(\/.*)?$/i.exec(u);
  if (abs !== null) {
    return ['absoluteURI', abs[1]!.toLowerCase(), s(abs[2]!), abs[3] === undefined ? 'undefined' : Number(abs[3]), s(abs[4] ?? '/')];
  }
  const sch = /^([A-Za-z][A-Za-z0-9+.-]*):(.*)$/.exec(u);
  if (sch !== null) return ['scheme', s(sch[1]!), s(sch[2]!)];
  return ['abs_path', s(u)];
}
