// The observer's data: a JSON-ready snapshot of processes, sockets and the system, built
// from the public inspection functions of runtime/ and sockets/ only. Sized for 10,000
// processes and sockets: one pass over each, the mailbox walked only for its memory
// estimate (sampled past 1,000 messages), no message contents.
import { monitorEventLoopDelay, IntervalHistogram } from 'perf_hooks';
import { Pid, processes, process_info, memory, format_term, whereis } from '../runtime';
import { run_queue_length } from '../runtime/scheduler';
import { open_sockets, summary } from '../sockets/inspect';
import { loop_utilization, LoopUtilization } from '../sockets/loop_utilization';
import { behaviour_state } from '../actors/sys';

export interface ProcessRow {
  pid: string;
  registered_name: string | null;
  status: string;
  message_queue_len: number;
  links: string[];
  monitors: string[];
  monitored_by: string[];
  current_function: string;
  initial_call: string;
  reductions: number;
  memory: number;
  trap_exit: boolean;
  /** From '$ancestors' in the process dictionary (supervision), nearest first. */
  ancestors: string[];
}

export interface SocketRow {
  id: string;
  owner: string | null;
  fd: number;
  domain: string;
  type: string;
  protocol: string;
  local_address: string;
  remote_address: string;
  state: string;
  recv: number;
  sent: number;
  waiters: Array<{ pid: string; op: string; signalled: boolean }>;
  monitored_by: string[];
}

export interface SystemRow {
  processes: number;
  sockets: number;
  memory: Record<string, number>;
  run_queue: number;
  /** Event-loop utilisation since the previous snapshot (0..1): the one scheduler's load. */
  scheduler_load: number;
  /** Event-loop delay since the previous snapshot, ms. */
  loop_lag_ms: { mean: number; max: number };
  node: string;
  uptime_s: number;
}

export interface Snapshot {
  seq: number;
  time: number;
  system: SystemRow;
  processes: ProcessRow[];
  sockets: SocketRow[];
  /** Set when a limit cut the lists: the total counts. */
  truncated: { processes: number; sockets: number } | null;
}

function mfa_text(v: unknown): string {
  return Array.isArray(v) && v.length === 3 ? `${String(v[0])}:${String(v[1])}/${String(v[2])}` : format_term(v);
}

// proc_lib stores pids; a registered name (as OTP's proc_lib stores a registered parent's)
// is shown as the pid it names now, so the tree joins up either way.
function ancestor_text(x: unknown): string {
  if (x instanceof Pid) return x.toString();
  const p = typeof x === 'string' ? whereis(x) : 'undefined';
  return p instanceof Pid ? p.toString() : String(x);
}

function ancestors_of(dict: Array<[unknown, unknown]>): string[] {
  for (const [k, v] of dict) {
    if (k === '$ancestors' && Array.isArray(v)) return v.map(ancestor_text);
  }
  return [];
}

const ITEMS = [
  'registered_name', 'status', 'message_queue_len', 'links', 'monitors', 'monitored_by', 'current_function',
  'initial_call', 'reductions', 'memory', 'trap_exit', 'dictionary',
] as const;

export function process_row(pid: Pid): ProcessRow | null {
  const info = process_info(pid, [...ITEMS]);
  if (info === 'undefined') return null;
  const v = Object.fromEntries(info) as Record<(typeof ITEMS)[number], unknown>;
  const name = v.registered_name;
  return {
    pid: pid.toString(),
    registered_name: typeof name === 'string' ? name : null,
    status: String(v.status),
    message_queue_len: v.message_queue_len as number,
    links: (v.links as Pid[]).map(String),
    monitors: (v.monitors as Array<['process', unknown]>).map((m) => (m[1] instanceof Pid ? m[1].toString() : format_term(m[1]))),
    monitored_by: (v.monitored_by as Pid[]).map(String),
    current_function: mfa_text(v.current_function),
    initial_call: mfa_text(v.initial_call),
    reductions: v.reductions as number,
    memory: v.memory as number,
    trap_exit: v.trap_exit as boolean,
    ancestors: ancestors_of(v.dictionary as Array<[unknown, unknown]>),
  };
}

export function socket_rows(limit = Infinity): { rows: SocketRow[]; total: number } {
  const all = open_sockets();
  const rows: SocketRow[] = [];
  for (const s of all) {
    if (rows.length >= limit) break;
    const x = summary(s);
    rows.push({
      id: x.id,
      owner: x.owner === null ? null : x.owner.toString(),
      fd: x.fd,
      domain: x.domain,
      type: x.type,
      protocol: x.protocol,
      local_address: x.local_address,
      remote_address: x.remote_address,
      state: x.state,
      recv: x.recv,
      sent: x.sent,
      waiters: x.waiters.map((w) => ({ pid: w.pid.toString(), op: w.op, signalled: w.signalled })),
      monitored_by: x.monitored_by.map(String),
    });
  }
  return { rows, total: all.length };
}

/** Loop lag and load since the previous sample; one sampler per observer. */
export class SystemSampler {
  private readonly hist: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  // Node's own figure would count the loop's sleep in the poller as busy.
  private elu: LoopUtilization = loop_utilization();
  private readonly started = Date.now();

  constructor() {
    this.hist.enable();
  }

  sample(n_procs: number, n_socks: number): SystemRow {
    const now = loop_utilization();
    const d = loop_utilization(now, this.elu);
    this.elu = now;
    const lag = { mean: this.hist.count > 0 ? this.hist.mean / 1e6 : 0, max: this.hist.count > 0 ? this.hist.max / 1e6 : 0 };
    this.hist.reset();
    return {
      processes: n_procs,
      sockets: n_socks,
      memory: { ...memory() },
      run_queue: run_queue_length(),
      scheduler_load: Number.isFinite(d.utilization) ? d.utilization : 0,
      loop_lag_ms: { mean: Math.round(lag.mean * 100) / 100, max: Math.round(lag.max * 100) / 100 },
      node: process.version,
      uptime_s: Math.round((Date.now() - this.started) / 1000),
    };
  }

  stop(): void {
    this.hist.disable();
  }
}

/**
 * The snapshot. limit caps each list (the rest is counted in `truncated`); processes that
 * own or wait on a listed socket are listed first, so the ownership graph is whole.
 */
export function snapshot(seq: number, sampler: SystemSampler, limit = 20000): Snapshot {
  const pids = processes();
  const socks = socket_rows(limit);
  const rows: ProcessRow[] = [];
  const listed = new Set<string>();
  const wanted = new Set<string>();
  for (const s of socks.rows) {
    if (s.owner !== null) wanted.add(s.owner);
    for (const w of s.waiters) wanted.add(w.pid);
  }
  const push = (pid: Pid): void => {
    const key = pid.toString();
    if (listed.has(key)) return;
    const r = process_row(pid);
    if (r !== null) {
      rows.push(r);
      listed.add(key);
    }
  };
  if (pids.length > limit) for (const pid of pids) if (wanted.has(pid.toString())) push(pid);
  for (const pid of pids) {
    if (rows.length >= limit) break;
    push(pid);
  }
  const truncated = pids.length > rows.length || socks.total > socks.rows.length ? { processes: pids.length, sockets: socks.total } : null;
  return {
    seq,
    time: Date.now(),
    system: sampler.sample(pids.length, socks.total),
    processes: rows,
    sockets: socks.rows,
    truncated,
  };
}

/** /api/process/:pid: everything process_info knows, the first messages, formatted. */
export function process_detail(pid: Pid, head = 50): Record<string, unknown> | null {
  const row = process_row(pid);
  if (row === null) return null;
  const msgs = process_info(pid, 'messages');
  const list = msgs === 'undefined' ? [] : msgs[1];
  const dict = process_info(pid, 'dictionary');
  return {
    ...row,
    messages_head: list.slice(0, head).map((m) => format_term(m, { depth: 12, chars: 400 })),
    dictionary: dict === 'undefined' ? [] : dict[1].map(([k, v]) => [format_term(k, { depth: 6, chars: 200 }), format_term(v, { depth: 8, chars: 400 })]),
    behaviour: behaviour_state(pid)?.module ?? null,
    state: state_reader === null ? null : safe_state(pid),
  };
}

export type StateReader = (pid: Pid) => unknown;

/** The behaviours' state as their loops publish it (sys.behaviour_state): read, not asked for. */
const read_behaviour_state: StateReader = (pid) => behaviour_state(pid)?.state;

let state_reader: StateReader | null = read_behaviour_state;

/**
 * How the process view reads a process's state (undefined: none to show). The default reads
 * gen_server's, gen_statem's and supervisor's published state; null shows none. Returns the
 * previous reader.
 */
export function set_state_reader(fn: StateReader | null): StateReader | null {
  const old = state_reader;
  state_reader = fn;
  return old;
}

function safe_state(pid: Pid): string | null {
  try {
    const s = (state_reader as StateReader)(pid);
    return s === undefined ? null : format_term(s, { depth: 12, chars: 2000 });
  } catch {
    return null;
  }
}
