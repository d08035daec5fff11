// Distribution capability flags (erts dist.h) and the set erlsock offers.
export const DFLAG = {
  PUBLISHED: 0x1n,
  ATOM_CACHE: 0x2n,
  EXTENDED_REFERENCES: 0x4n,
  DIST_MONITOR: 0x8n,
  FUN_TAGS: 0x10n,
  DIST_MONITOR_NAME: 0x20n,
  NEW_FUN_TAGS: 0x80n,
  EXTENDED_PIDS_PORTS: 0x100n,
  EXPORT_PTR_TAG: 0x200n,
  BIT_BINARIES: 0x400n,
  NEW_FLOATS: 0x800n,
  UNICODE_IO: 0x1000n,
  DIST_HDR_ATOM_CACHE: 0x2000n,
  SMALL_ATOM_TAGS: 0x4000n,
  UTF8_ATOMS: 0x10000n,
  MAP_TAG: 0x20000n,
  BIG_CREATION: 0x40000n,
  SEND_SENDER: 0x80000n,
  BIG_SEQTRACE_LABELS: 0x100000n,
  EXIT_PAYLOAD: 0x400000n,
  FRAGMENTS: 0x800000n,
  HANDSHAKE_23: 0x1000000n,
  UNLINK_ID: 0x2000000n,
  MANDATORY_25_DIGEST: 0x4000000n,
  SPAWN: 1n << 32n,
  NAME_ME: 1n << 33n,
  V4_NC: 1n << 34n,
  ALIAS: 1n << 35n,
} as const;

/** What OTP 25 refuses to connect without; OTP 26 adds V4_NC and UNLINK_ID. */
export const MANDATORY =
  DFLAG.EXTENDED_REFERENCES | DFLAG.FUN_TAGS | DFLAG.NEW_FUN_TAGS | DFLAG.EXTENDED_PIDS_PORTS |
  DFLAG.EXPORT_PTR_TAG | DFLAG.BIT_BINARIES | DFLAG.NEW_FLOATS | DFLAG.UTF8_ATOMS | DFLAG.MAP_TAG |
  DFLAG.BIG_CREATION | DFLAG.HANDSHAKE_23 | DFLAG.V4_NC | DFLAG.UNLINK_ID;

/**
 * erlsock's offer: the OTP 26 mandatory set, monitors (without DIST_MONITOR a BEAM never fires
 * a monitor on us), SPAWN (rpc:call needs it since OTP 25), ALIAS (without it a BEAM drops every
 * send to an erlsock alias), payload exits. No atom cache and no
 * fragments: the BEAM then sends plain pass-through packets. PUBLISHED only for a visible node.
 */
export function our_flags(visible: boolean): bigint {
  return (
    MANDATORY | DFLAG.DIST_MONITOR | DFLAG.DIST_MONITOR_NAME | DFLAG.SMALL_ATOM_TAGS | DFLAG.EXIT_PAYLOAD |
    DFLAG.DIST_HDR_ATOM_CACHE |
    DFLAG.SPAWN | DFLAG.ALIAS | DFLAG.MANDATORY_25_DIGEST | DFLAG.UNICODE_IO | (visible ? DFLAG.PUBLISHED : 0n)
  );
}

/** The names of the mandatory flags a peer lacks (empty: acceptable). */
export function missing_mandatory(theirs: bigint): string[] {
  const missing: string[] = [];
  for (const [name, bit] of Object.entries(DFLAG)) {
    if ((MANDATORY & bit) !== 0n && (theirs & bit) === 0n) missing.push(name);
  }
  return missing;
}
