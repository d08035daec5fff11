// The gen_tcp / gen_udp socket term and its state: the socket module's socket, the
// options gen_tcp keeps itself, the packet decoder's buffer, and the owner active-mode
// messages go to. There is no process per socket: active data is read when the socket is
// readable (sockets/readiness.ts) and sent from there straight to the owner's mailbox.
import { inspect } from 'util';
import type { Socket } from '../sockets/socket';
import { ReadyRef } from '../sockets/readiness';
import type { Pid } from '../runtime';
import type { GenOpts } from './options';
import type { PacketType } from './packet';
import type { Monitors } from './monitor';

let next_id = 1;

/** active as one number: false 0, true -1, once -2, N > 0 the count left. */
export const ACT_FALSE = 0;
export const ACT_TRUE = -1;
export const ACT_ONCE = -2;

export class GenSocket {
  readonly id: number;
  readonly proto: 'tcp' | 'udp';
  /** The socket module's socket under this one. */
  readonly sock: Socket;
  /** Where active-mode messages go: the socket's owner (kept with controlling_process). */
  owner: Pid;
  /** Set by close (or exit_on_close at EOF): every call answers closed. */
  closed = false;
  listening = false;
  /** EOF or an error seen by a read while exit_on_close is false: recv answers this again. */
  read_end: string | null = null;
  /** The process in a passive recv now (a second one gets ealready, as inet). */
  recv_pid: Pid | null = null;

  active = ACT_FALSE;
  packet: PacketType = 0;
  packet_size = 0;
  header = 0;
  list_mode = true;
  deliver_port = false;
  line_delimiter = 10;
  exit_on_close = true;
  send_timeout: number | 'infinity' = 'infinity';
  send_timeout_close = false;
  show_econnreset = false;
  buffer = 8192;
  delay_send = false;
  /** gen_udp: which of recvtos (1), recvttl (2), recvtclass (4) are on; datagrams carry ancillary data unless 0. */
  anc = 0;
  /** packet http/http_bin after a request or status line: headers until http_eoh. */
  httph = false;

  /** Bytes read and not yet delivered (an incomplete packet, or packets while passive). */
  pending: Buffer | null = null;
  /** inet:monitor/1's monitors (gen/monitor.ts), null while there are none. */
  mon: Monitors | null = null;
  /** The readiness callback handle, made when the socket first goes active. */
  ready: ReadyRef<GenSocket> | null = null;

  constructor(proto: 'tcp' | 'udp', sock: Socket, owner: Pid) {
    this.id = next_id++;
    this.proto = proto;
    this.sock = sock;
    this.owner = owner;
  }

  /** inet:getopts' value of the options gen_tcp keeps. */
  get_opt(name: keyof GenOpts): unknown {
    switch (name) {
      case 'active':
        return this.active === ACT_FALSE ? false : this.active === ACT_TRUE ? true : this.active === ACT_ONCE ? 'once' : this.active;
      case 'mode':
        return this.list_mode ? 'list' : 'binary';
      case 'deliver':
        return this.deliver_port ? 'port' : 'term';
      default:
        return this[name];
    }
  }

  toString(): string {
    return `#Port<0.${this.id}>`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

export function is_gen_socket(t: unknown): t is GenSocket {
  return t instanceof GenSocket;
}
