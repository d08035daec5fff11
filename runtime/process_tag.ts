// One opaque value per process for the layers above (the behaviours keep their sys target
// here, for sys.behaviour_state). On the process record rather than in a WeakMap from the
// pid: each new behaviour process then costs a field, not a WeakMap entry.
import { Pid } from './terms';
import { ext } from './process';

/** Attaches v to the live process pid (no-op for a dead one). */
export function set_process_tag(pid: Pid, v: unknown): void {
  const p = pid.proc;
  if (p !== null) ext(p).tag = v;
}

/** The value attached to pid, or undefined (none, or the process is dead). */
export function process_tag(pid: Pid): unknown {
  const p = pid.proc;
  return p === null || p.ext === null ? undefined : p.ext.tag;
}
