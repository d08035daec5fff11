// The external term format (term_to_binary/binary_to_term, and the distribution's payloads):
// the decoder, the encoder and their shared tags, as one module.
export { EtfError, MAX_DEPTH, MAX_INFLATED } from './etf_tags';
export { decode, decode_at, decode_dist_header, decode_dist_term } from './etf_decode';
export { encode, encode_into, encode_bare_into, writer, Writer } from './etf_encode';
