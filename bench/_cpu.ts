// This OS process's CPU time, for benchmarks that report CPU per operation beside rates.

/** CPU time of this process (user + system, all threads), in microseconds. */
export function cpu_us(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}
