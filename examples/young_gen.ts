// The erlsock command's young generation, capped at 8 MiB semi-spaces (Node's default cap is
// 16 MiB): V8 grows the young generation while many new objects survive their first
// scavenges, which is what a server accepting thousands of connections does, and keeps it
// grown. At 10,000 idle connections that growth was 2.8 KiB of the 4.5 KiB each cost in RSS
// (bench/RESULTS.md). A 4 MiB cap saved more over the first 10,000 but cost each further
// connection more (objects that a larger young generation lets die are promoted first).
//
// `--max-semi-space-size` only counts when given to node itself, which a bin's shebang
// cannot do portably; V8 reads `--semi-space-growth-factor` at each growth, though. So the
// command watches the scavenges (perf_hooks' gc entries) and, once the young generation has
// reached the cap, sets that factor to 1: it stops growing there. The observer then goes.
import * as v8 from 'v8';
import { PerformanceObserver } from 'perf_hooks';

/** The semi-space size, in MiB, at which the erlsock command's young generation stops growing. */
export const SEMI_SPACE_MIB = 8;

function new_space_bytes(): number {
  const s = v8.getHeapSpaceStatistics().find((x) => x.space_name === 'new_space');
  return s === undefined ? 0 : s.space_size;
}

/**
 * Stops the young generation from growing past semi-spaces of `mib` MiB (the new space holds
 * two). Process-wide, for a program's entry point; a library leaves the heap to its host.
 */
export function cap_young_generation(mib: number = SEMI_SPACE_MIB): void {
  const cap = 2 * mib * 1024 * 1024;
  const stop = (): boolean => {
    if (new_space_bytes() < cap) return false;
    v8.setFlagsFromString('--semi-space-growth-factor=1');
    return true;
  };
  if (stop()) return;
  const watch = new PerformanceObserver(() => {
    if (stop()) watch.disconnect();
  });
  watch.observe({ entryTypes: ['gc'] });
}
