// erlang:decode_packet/3 for the packet types gen_tcp offers: raw/0, 1, 2, 4, line, the
// HTTP types (http_packet.ts) and sunrm, asn1, cdr, fcgi, tpkt (packet_types.ts). One call looks at buf from `start` and returns one packet
// and where the next begins, 'more', or an error, as OTP's decoder does.
import { decode_http, HttpMode } from './http_packet';
import { decode_header_type, total_length, is_header_type, HeaderType, HEADER_TYPES } from './packet_types';

export type PacketType = 'raw' | 0 | 1 | 2 | 4 | 'line' | HttpMode | HeaderType;

export const PACKET_TYPES: readonly unknown[] = ['raw', 0, 1, 2, 4, 'line', 'http', 'httph', 'http_bin', 'httph_bin', ...HEADER_TYPES];

/** A decoded packet: the payload (a Buffer, or an HTTP term) and the offset after it. */
export type Decoded = ['ok', unknown, number] | 'more' | ['error', 'emsgsize'];

export interface DecodeOpts {
  /** 0: no limit. */
  packet_size: number;
  line_delimiter: number;
}

/**
 * One packet from buf[start..]. raw/0 takes everything there is (none: 'more'); 1/2/4 a
 * big-endian length header then that many bytes (header larger than packet_size: emsgsize);
 * line up to and including the delimiter (longer than packet_size: emsgsize).
 */
export function decode(type: PacketType, buf: Buffer, start: number, o: DecodeOpts, scan_from = start): Decoded {
  const avail = buf.length - start;
  switch (type) {
    case 'raw':
    case 0:
      return avail > 0 ? ['ok', buf.subarray(start), buf.length] : 'more';
    case 1:
    case 2:
    case 4: {
      if (avail < type) return 'more';
      const n = type === 1 ? buf[start]! : type === 2 ? buf.readUInt16BE(start) : buf.readUInt32BE(start);
      if (o.packet_size > 0 && n > o.packet_size) return ['error', 'emsgsize'];
      if (avail < type + n) return 'more';
      return ['ok', buf.subarray(start + type, start + type + n), start + type + n];
    }
    case 'line': {
      // scan_from: the bytes before it are known to hold no delimiter (an earlier 'more').
      const i = buf.indexOf(o.line_delimiter, scan_from > start ? scan_from : start);
      const limit = o.packet_size;
      if (i < 0) return limit > 0 && avail > limit ? ['error', 'emsgsize'] : 'more';
      if (limit > 0 && i + 1 - start > limit) return ['error', 'emsgsize'];
      return ['ok', buf.subarray(start, i + 1), i + 1];
    }
    case 'sunrm':
    case 'asn1':
    case 'cdr':
    case 'fcgi':
    case 'tpkt':
      return decode_header_type(type, buf, start, o.packet_size);
    default:
      return decode_http(type, buf, start, o.packet_size);
  }
}

/**
 * The length a 1/2/4 (or sunrm, asn1, cdr, fcgi, tpkt) packet needs in all (header
 * included), once its header is there; else 0.
 */
export function wanted_length(type: PacketType, buf: Buffer, start: number): number {
  if (is_header_type(type)) return Math.max(0, total_length(type, buf, start, 0));
  if (type !== 1 && type !== 2 && type !== 4) return 0;
  if (buf.length - start < type) return 0;
  const n = type === 1 ? buf[start]! : type === 2 ? buf.readUInt16BE(start) : buf.readUInt32BE(start);
  return type + n;
}
