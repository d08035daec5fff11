// The version 6 handshake (OTP 23+), both sides. Each message is Len:16 then the body; any
// fault ends the handshake with a HandshakeError, whose message is the one log line.
import { createHash, randomBytes } from 'crypto';
import { Proc } from '../runtime';
import * as socket from '../sockets/socket';
import type { Socket } from '../sockets/socket_term';
import { missing_mandatory } from './flags';

export class HandshakeError extends Error {
  override name = 'HandshakeError';
}

/** The peer is connecting to us at the same time and its attempt wins (it answered `nok`). */
export class SimultaneousLost extends HandshakeError {}

export interface Peer {
  name: string;
  flags: bigint;
  creation: number;
}

export interface Us {
  name: string;
  flags: bigint;
  creation: number;
  cookie: string;
  timeout_ms: number;
}

/** What the acceptor answers a peer that may already have a connection: OTP's status strings. */
export type Admit = 'ok' | 'ok_simultaneous' | 'nok' | 'alive' | 'not_allowed';

export function digest(cookie: string, challenge: number): Buffer {
  return createHash('md5').update(cookie + String(challenge >>> 0)).digest();
}

function* recv_msg(s: Socket, timeout: number): Proc<Buffer> {
  const h = yield* socket.recv(s, 2, timeout);
  if (h[0] !== 'ok') throw new HandshakeError(`connection ${h[1] === 'timeout' ? 'timed out' : 'closed'} during the handshake`);
  const n = (h[1] as Buffer).readUInt16BE(0);
  if (n === 0) throw new HandshakeError('empty handshake message');
  const b = yield* socket.recv(s, n, timeout);
  if (b[0] !== 'ok') throw new HandshakeError('connection closed during the handshake');
  return b[1] as Buffer;
}

function* send_msg(s: Socket, body: Buffer, timeout: number): Proc<void> {
  const len = Buffer.alloc(2);
  len.writeUInt16BE(body.length);
  const r = yield* socket.send(s, Buffer.concat([len, body]), timeout);
  if (r !== 'ok') throw new HandshakeError('cannot write the handshake');
}

function name_msg(tag: number, us: Us, challenge: number | null): Buffer {
  const name = Buffer.from(us.name, 'utf8');
  const extra = challenge === null ? 0 : 4;
  const b = Buffer.alloc(1 + 8 + extra + 4 + 2 + name.length);
  let o = 0;
  b[o++] = tag;
  b.writeBigUInt64BE(us.flags, o);
  o += 8;
  if (challenge !== null) {
    b.writeUInt32BE(challenge, o);
    o += 4;
  }
  b.writeUInt32BE(us.creation, o);
  o += 4;
  b.writeUInt16BE(name.length, o);
  name.copy(b, o + 2);
  return b;
}

function parse_name(b: Buffer, with_challenge: boolean): Peer & { challenge: number } {
  const fixed = 1 + 8 + (with_challenge ? 4 : 0) + 4 + 2;
  if (b.length < fixed) throw new HandshakeError('short name message');
  let o = 1;
  const flags = b.readBigUInt64BE(o);
  o += 8;
  const challenge = with_challenge ? b.readUInt32BE(o) : 0;
  if (with_challenge) o += 4;
  const creation = b.readUInt32BE(o);
  o += 4;
  const n = b.readUInt16BE(o);
  o += 2;
  if (b.length < o + n) throw new HandshakeError('short name message');
  const name = b.subarray(o, o + n).toString('utf8');
  if (!/^[^@\s]+@[^@\s]+$/.test(name)) throw new HandshakeError(`bad node name ${JSON.stringify(name)}`);
  return { name, flags, creation, challenge };
}

function check_flags(p: Peer): void {
  const missing = missing_mandatory(p.flags);
  if (missing.length > 0) throw new HandshakeError(`${p.name} cannot handle ${JSON.stringify(missing)}`);
}

/** We were connected to: returns the peer once it proved it has our cookie. */
export function* accept_handshake(s: Socket, us: Us, admit: (peer: string) => Admit): Proc<Peer> {
  const t = us.timeout_ms;
  const first = yield* recv_msg(s, t);
  if (first[0] !== 78) {
    throw new HandshakeError(first[0] === 110 ? 'version 5 handshake (only version 6 is supported)' : `not a handshake (first byte ${first[0]})`);
  }
  const peer = parse_name(first, false);
  try {
    check_flags(peer);
  } catch (e) {
    yield* send_msg(s, Buffer.from('snot_allowed'), t);
    throw e;
  }
  const status = admit(peer.name);
  yield* send_msg(s, Buffer.from('s' + status), t);
  if (status === 'alive') {
    const answer = (yield* recv_msg(s, t)).toString('latin1');
    if (answer !== 'strue') throw new HandshakeError(`${peer.name} gave up (already connected)`);
  } else if (status !== 'ok' && status !== 'ok_simultaneous') {
    throw new HandshakeError(`refused ${peer.name}: ${status}`);
  }
  const challenge = randomBytes(4).readUInt32BE(0);
  yield* send_msg(s, name_msg(78, us, challenge), t);
  const reply = yield* recv_msg(s, t);
  if (reply[0] !== 114 || reply.length !== 21) throw new HandshakeError(`bad challenge reply from ${peer.name}`);
  const their_challenge = reply.readUInt32BE(1);
  if (!reply.subarray(5).equals(digest(us.cookie, challenge))) {
    throw new HandshakeError(`connection attempt from ${peer.name} with a wrong cookie`);
  }
  yield* send_msg(s, Buffer.concat([Buffer.from('a'), digest(us.cookie, their_challenge)]), t);
  return { name: peer.name, flags: peer.flags & us.flags, creation: peer.creation };
}

/** We connect to `to`: returns the peer once both sides proved they have the cookie. */
export function* connect_handshake(s: Socket, us: Us, to: string): Proc<Peer> {
  const t = us.timeout_ms;
  yield* send_msg(s, name_msg(78, us, null), t);
  const status = (yield* recv_msg(s, t)).toString('latin1');
  if (status === 'salive') yield* send_msg(s, Buffer.from('strue'), t);
  else if (status === 'snok') throw new SimultaneousLost(`${to} is connecting to us too, and its attempt wins`);
  else if (status !== 'sok' && status !== 'sok_simultaneous') throw new HandshakeError(`${to} refused the connection: ${status.slice(1)}`);
  const ch = yield* recv_msg(s, t);
  if (ch[0] !== 78) throw new HandshakeError(`bad challenge from ${to}`);
  const peer = parse_name(ch, true);
  if (peer.name !== to) throw new HandshakeError(`connected to ${peer.name}, not ${to}`);
  check_flags(peer);
  const mine = randomBytes(4).readUInt32BE(0);
  const reply = Buffer.alloc(21);
  reply[0] = 114;
  reply.writeUInt32BE(mine, 1);
  digest(us.cookie, peer.challenge).copy(reply, 5);
  yield* send_msg(s, reply, t);
  const ack = yield* recv_msg(s, t);
  if (ack[0] !== 97 || ack.length !== 17 || !ack.subarray(1).equals(digest(us.cookie, mine))) {
    throw new HandshakeError(`${to} answered with a wrong cookie digest`);
  }
  return { name: peer.name, flags: peer.flags & us.flags, creation: peer.creation };
}
