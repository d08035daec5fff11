// The distribution's one-line log (refused handshakes, bad packets, nodes going down).
export type DistLogger = (line: string) => void;

let logger: DistLogger = (line) => process.stderr.write(`erlsock dist: ${line}\n`);

/** Replaces the logger; returns the previous one. */
export function set_dist_logger(l: DistLogger): DistLogger {
  const old = logger;
  logger = l;
  return old;
}

export function log(line: string): void {
  try {
    logger(line);
  } catch {
    // a logger that throws must not take the connection with it
  }
}
