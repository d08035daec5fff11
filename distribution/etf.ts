// The external term format (term_to_binary/binary_to_term, and the distribution's payloads):
// the decoder, the encoder and their shared tags, as one module.
import { fast_exports } from '../runtime/fast_exports';
export { EtfError, MAX_DEPTH, MAX_INFLATED } from './etf_tags';
export { decode, decode_at, decode_dist_header, decode_dist_term } from './etf_decode';
export { encode, encode_into, encode_bare_into, writer, Writer } from './etf_encode';

// Re-exports leave this module's exports in V8's dictionary mode: see runtime/fast_exports.
fast_exports(module.exports as object);
