// The packet types of erlang:decode_packet/3 whose header says how long the packet is,
// besides 1/2/4: sunrm, asn1, cdr, fcgi, tpkt. As OTP 25 (checked on erl:
// test/otp/41_packet_types.escript):
//   - the packet delivered is the whole packet, header included (fcgi: without its padding,
//     which is read and dropped);
//   - packet_size (0: no limit) bounds the length the header gives, the header itself not
//     counted (fcgi: content and padding);
//   - a header that is not one of the type (cdr without "GIOP", fcgi version not 1, tpkt
//     version not 3 or a length under 4, asn1 with a length of more than 4 bytes) or a length
//     over packet_size is invalid: gen_tcp answers emsgsize, as inet does.
// Sending is not framed: gen_tcp:send sends the bytes as they are with these types.

export type HeaderType = 'sunrm' | 'asn1' | 'cdr' | 'fcgi' | 'tpkt';

export const HEADER_TYPES: readonly HeaderType[] = ['sunrm', 'asn1', 'cdr', 'fcgi', 'tpkt'];

export function is_header_type(t: unknown): t is HeaderType {
  return t === 'sunrm' || t === 'asn1' || t === 'cdr' || t === 'fcgi' || t === 'tpkt';
}

const INT_MAX = 0x7fffffff;
const INVALID = -1;
const MORE = 0;

/**
 * The packet's total length (header + body) from its header at buf[start..], as OTP's
 * packet_get_length: 0 while the header is incomplete, -1 when it is invalid.
 */
export function total_length(type: HeaderType, buf: Buffer, start: number, packet_size: number): number {
  const n = buf.length - start;
  let hlen: number;
  let plen: number;
  switch (type) {
    case 'sunrm':
      // Sun RPC record marking: the top bit marks the last fragment, 31 bits of length.
      hlen = 4;
      if (n < hlen) return MORE;
      plen = buf.readUInt32BE(start) & INT_MAX;
      break;
    case 'asn1': {
      // BER tag-length: a tag of one byte (or, low 5 bits all set, more bytes while the top
      // bit is set), then a short length (< 128) or 0x80 + the count (0..4) of length bytes.
      if (n < 2) return MORE;
      let p = start + 1;
      let nn = n - 1;
      if ((buf[start]! & 0x1f) === 0x1f) {
        while (nn > 0 && (buf[p]! & 0x80) === 0x80) {
          p++;
          nn--;
        }
        if (nn < 2) return MORE;
        p++;
        nn--;
      }
      const lb = buf[p]!;
      const count = lb & 0x7f;
      if ((lb & 0x80) === 0) {
        plen = count;
        p++;
      } else {
        p++;
        nn--;
        if (nn < count) return MORE;
        if (count > 4) return INVALID;
        plen = 0;
        for (let k = 0; k < count; k++) plen = plen * 256 + buf[p + k]!;
        p += count;
      }
      hlen = p - start;
      break;
    }
    case 'cdr':
      // GIOP: "GIOP", major, minor, flags (bit 0: little endian), type, a 4-byte size.
      hlen = 12;
      if (n < hlen) return MORE;
      if (buf.readUInt32BE(start) !== 0x47494f50) return INVALID;
      plen = (buf[start + 6]! & 1) === 1 ? buf.readUInt32LE(start + 8) : buf.readUInt32BE(start + 8);
      break;
    case 'fcgi':
      // FastCGI: version (1), type, request id (2), content length (2), padding length, reserved.
      hlen = 8;
      if (n < hlen) return MORE;
      if (buf[start] !== 1) return INVALID;
      plen = buf.readUInt16BE(start + 4) + buf[start + 6]!;
      break;
    case 'tpkt':
      // RFC 1006: version 3, reserved, a 2-byte length that counts the header too.
      hlen = 4;
      if (n < hlen) return MORE;
      if (buf[start] !== 3) return INVALID;
      plen = buf.readUInt16BE(start + 2) - hlen;
      if (plen < 0) return INVALID; // OTP's unsigned arithmetic wraps it past any limit
      break;
  }
  const max = packet_size === 0 ? INT_MAX - hlen : packet_size;
  if (plen > max) return INVALID;
  return hlen + plen;
}

/** The decoded packet and where the next begins, 'more', or emsgsize (invalid header or too long). */
export type HeaderDecoded = ['ok', Buffer, number] | 'more' | ['error', 'emsgsize'];

/** One packet of type from buf[start..]. */
export function decode_header_type(type: HeaderType, buf: Buffer, start: number, packet_size: number): HeaderDecoded {
  const len = total_length(type, buf, start, packet_size);
  if (len < 0) return ['error', 'emsgsize'];
  if (len === 0 || buf.length - start < len) return 'more';
  const end = start + len;
  // fcgi's padding is part of the packet on the wire but not of what is delivered.
  const body_end = type === 'fcgi' ? end - buf[start + 6]! : end;
  return ['ok', buf.subarray(start, body_end), end];
}
