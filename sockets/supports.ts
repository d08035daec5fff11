// socket:supports/0,1,2 and is_supported/1,2,3: what OTP 25 reports on Linux (docs/OTP25_BEHAVIOUR.md section 2.20).
// The option matrix is the one the options module implements (or refuses, as OTP 25 does),
// plus the tcp keepalive options OTP 26 added.

type Flagged = [string, boolean][];

const yes = (names: string): Flagged => names.split(/\s+/).filter(Boolean).map((n) => [n, true]);
const no = (names: string): Flagged => names.split(/\s+/).filter(Boolean).map((n) => [n, false]);

const OPTIONS: Record<string, Flagged> = {
  socket: [
    ...yes(`acceptconn bindtodevice broadcast debug domain dontroute keepalive linger oobinline
      passcred priority protocol rcvbuf rcvlowat reuseaddr reuseport sndbuf sndlowat timestamp type`),
    ...no(`acceptfilter busy_poll error mark peek_off peercred rcvbufforce rcvtimeo rxq_ovfl
      setfib sndbufforce sndtimeo`),
  ],
  ip: [
    ...yes(`add_membership add_source_membership block_source drop_membership
      drop_source_membership freebind hdrincl minttl msfilter mtu mtu_discover multicast_all
      multicast_if multicast_loop multicast_ttl nodefrag pktinfo pktoptions recverr recvopts
      recvorigdstaddr recvtos recvttl retopts router_alert tos transparent ttl unblock_source`),
    ...no('dontfrag options recvdstaddr recvif sendsrcaddr'),
  ],
  ipv6: [
    ...yes(`add_membership addrform authhdr drop_membership dstopts flowinfo hoplimit hopopts mtu
      mtu_discover multicast_hops multicast_if multicast_loop recverr recvhoplimit recvpktinfo
      recvtclass router_alert rthdr tclass unicast_hops v6only`),
    ...no(`auth_level checksum esp_network_level esp_trans_level faith ipcomp_level join_group
      leave_group pktoptions portrange use_min_mtu`),
  ],
  // keepcnt, keepidle and keepintvl: erlsock's extension (docs/SOCKET.md). OTP 25 lists
  // them as false; OTP 26 documents them, with integer values, and Linux has them.
  tcp: [
    ...yes('congestion cork keepcnt keepidle keepintvl maxseg nodelay'),
    ...no('info md5sig noopt nopush syncnt user_timeout'),
  ],
  udp: yes('cork'),
};

// /etc/protocols spells the levels in capitals too; OTP lists both.
const ALIASES: Record<string, string> = { IP: 'ip', IPv6: 'ipv6', TCP: 'tcp', UDP: 'udp' };

const MSG_FLAGS = yes('trunc peek oob nosignal more errqueue eor dontroute ctrunc confirm cmsg_cloexec');
const PROTOCOLS = yes('ip tcp udp icmp igmp ipv6 ipv6-icmp sctp raw IP TCP UDP ICMP IPv6 SCTP');
const IOCTL_REQUESTS: Flagged = [];
const IOCTL_FLAGS: Flagged = [];

function level_options(level: string): Flagged {
  return OPTIONS[ALIASES[level] ?? level] ?? [];
}

function all_options(): [[string, string], boolean][] {
  const out: [[string, string], boolean][] = [];
  for (const level of [...Object.keys(OPTIONS), ...Object.keys(ALIASES)]) {
    for (const [opt, ok] of level_options(level)) out.push([[level, opt], ok]);
  }
  return out;
}

const BOOLEANS = ['sctp', 'ipv6', 'local', 'netns', 'sendfile'];

export type SupportsKey = 'options' | 'msg_flags' | 'protocols' | 'ioctl_requests' | 'ioctl_flags';

/** supports(): the whole proplist. */
export function supports(): [string, unknown][];
/** supports(Key): `[{Name, Bool}]`, or `[]` for an unknown key. */
export function supports(key: string): unknown[];
/** supports(options, Level): `[{Opt, Bool}]`, `[]` for an unknown level. */
export function supports(key: string, level: string): Flagged;
export function supports(key?: string, level?: string): unknown[] {
  if (key === undefined) {
    return [
      ['ioctl_requests', IOCTL_REQUESTS],
      ['ioctl_flags', IOCTL_FLAGS],
      ['options', all_options()],
      ['msg_flags', MSG_FLAGS],
      ['protocols', PROTOCOLS],
      ...BOOLEANS.map((b): [string, boolean] => [b, true]),
    ];
  }
  if (level !== undefined) return key === 'options' ? level_options(level) : [];
  switch (key) {
    case 'options': return all_options();
    case 'msg_flags': return MSG_FLAGS;
    case 'protocols': return PROTOCOLS;
    case 'ioctl_requests': return IOCTL_REQUESTS;
    case 'ioctl_flags': return IOCTL_FLAGS;
    default: return [];
  }
}

function lookup(list: Flagged, name: string): boolean {
  for (const [n, ok] of list) if (n === name) return ok;
  return false;
}

/** is_supported(Key) / (Key, Name) / (options, Level, Opt): a boolean, false when unknown. */
export function is_supported(key: string, a?: string, b?: string): boolean {
  if (a === undefined) return BOOLEANS.includes(key);
  if (b !== undefined) return key === 'options' && lookup(level_options(a), b);
  switch (key) {
    case 'msg_flags': return lookup(MSG_FLAGS, a);
    case 'protocols': return lookup(PROTOCOLS, a);
    case 'ioctl_requests': return lookup(IOCTL_REQUESTS, a);
    case 'ioctl_flags': return lookup(IOCTL_FLAGS, a);
    default: return false;
  }
}
