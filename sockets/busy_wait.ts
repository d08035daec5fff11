// Busy-wait before the event loop sleeps: the policy over the poller's spin (the mechanism
// is native, sockets/prim_socket.ts `poll_spin`). It mirrors `erl +sbwt`: after a readiness
// batch of one socket while few sockets are open, a loop turn that would block first polls
// for new work for up to the level's budget, so a reply that arrives within it is handled
// without the idle CPU's wake-up (tens of microseconds per round trip on an idle machine).
// An idle loop spins once after its last batch and then sleeps; a busy one never blocks, so
// never spins. The cost is CPU: up to the budget per batch whose next work arrives later
// than that, taken from whatever else wants the core. Off unless asked for (DEFAULT_LEVEL).
import * as prim from './prim_socket';

/** `erl +sbwt` levels. */
export type BusyWaitLevel = 'none' | 'very_short' | 'short' | 'medium' | 'long' | 'very_long';

/**
 * Budget in microseconds per level. BEAM (OTP 25, erl_process.c) spins a scheduler that ran
 * out of work for 1,000 x 5 / 10 / 10 / 20 / 40 iterations of a `pause` instruction
 * (very_short .. very_long; short and medium differ only in the spin after aux work), a
 * sched_yield every 100. On this project's machine (AMD EPYC, 2 vCPUs) a `pause` takes about
 * 26 ns, so BEAM spins about 130 / 265 / 265 / 530 / 1,060 us: these are those budgets,
 * rounded. A pause costs a different time on other CPUs, so these are this machine's, not
 * BEAM's everywhere.
 */
export const LEVELS: Readonly<Record<BusyWaitLevel, number>> = Object.freeze({
  none: 0,
  very_short: 130,
  short: 265,
  medium: 265,
  long: 530,
  very_long: 1060,
});

/**
 * The level used when `ERLSOCK_SBWT` is not set: none, as Node's own loop. BEAM's default is
 * medium, and where waking an idle vCPU is slow that level saved both CPU and latency; where
 * it is not, it trades CPU for latency: on this project's current machine (AMD EPYC, PVM)
 * a one-connection echo spinning cost 1.13-1.20x Node net's CPU for 0.75x its median round
 * trip, and sleeping 0.92-0.93x its CPU for a median level with Node's (bench/RESULTS.md,
 * seventh session). A spinning loop's CPU per echo is its round trip (the bare C server
 * spinning costs what Node sleeping does), and a sparse request stream pays the whole budget
 * per request. A program that wants the latency sets a level.
 */
export const DEFAULT_LEVEL: BusyWaitLevel = 'none';

export type BusyWaitSetting = BusyWaitLevel | number;

/**
 * The loop spins only after a batch of one readiness event (one peer in a conversation,
 * whose reply is what the loop waits for) and while at most MAX_SOCKETS fds are in the
 * poller (a distribution node, a client, a server with a few connections). With more, work
 * comes from many peers and batching them pays more than one round trip's wake-up: spinning
 * after every batch cut the batches short (100 echo connections, server CPU per echo against
 * C's: 1.60-2.04x spinning after every batch, 1.35-1.61x after one-event batches only,
 * 1.26-1.73x without; bench/RESULTS.md, Distribution).
 */
const MAX_BATCH = 1;
const MAX_SOCKETS = 16;

let current: BusyWaitSetting = DEFAULT_LEVEL;

function budget(setting: BusyWaitSetting): number {
  if (typeof setting === 'number') {
    if (!Number.isInteger(setting) || setting < 0 || setting > 1_000_000)
      throw new RangeError(`busy_wait: a budget is an integer from 0 to 1000000 microseconds, got ${setting}`);
    return setting;
  }
  if (typeof setting !== 'string' || !Object.prototype.hasOwnProperty.call(LEVELS, setting))
    throw new TypeError(`busy_wait: expected one of ${Object.keys(LEVELS).join(', ')} or microseconds, got ${String(setting)}`);
  return LEVELS[setting];
}

/** Sets the busy-wait (a level or a budget in microseconds); returns the previous setting. */
export function set(setting: BusyWaitSetting): BusyWaitSetting {
  const us = budget(setting);
  const previous = current;
  prim.poll_spin(us, MAX_BATCH, MAX_SOCKETS);
  current = setting;
  return previous;
}

/** The setting in force and its budget in microseconds. */
export function get(): { setting: BusyWaitSetting; us: number } {
  return { setting: current, us: budget(current) };
}

/** `ERLSOCK_SBWT`: a level name or a number of microseconds; anything else is an error. */
export function parse_env(value: string | undefined): BusyWaitSetting {
  if (value === undefined || value === '') return DEFAULT_LEVEL;
  if (/^[0-9]+$/.test(value)) {
    const n = Number(value);
    budget(n);
    return n;
  }
  budget(value as BusyWaitLevel);
  return value as BusyWaitLevel;
}

/** How often the loop spun, how often the spin found work, and the time it took. */
export const stats = (): { spins: number; ready: number; ns: number } => prim.poll_spin_stats();

set(parse_env(process.env.ERLSOCK_SBWT));
