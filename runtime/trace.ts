// erlang:trace/3 for erlsock processes: trace(PidSpec, How, Flags[, {tracer}]) sends OTP's
// trace tuples (['trace', Pid, 'send', Msg, To], ...) to a tracer process or function.
//
// Zero cost when off: the runtime's send, delivery, spawn, link, register and exit paths
// test one module-level boolean (`tracing`) and call in here only when it is true; nothing
// per process is touched. `tracing` is true while any process is traced, 'new' processes
// will be, or a sink (the observer) listens.
//
// Layers above add their own flags with define_trace_flag (the socket layer adds 'sockets')
// and emit their events with trace_event: the runtime knows no sockets.
import { Pid } from './terms';
import { Process, newest_process } from './process';
import { error } from './exits';
import { current_process, deliver_untraced } from './scheduler';

export const SEND = 1;
export const RECEIVE = 2;
export const PROCS = 4;
export const TIMESTAMP = 8;

/** Flag names → bits; extended by define_trace_flag. */
const FLAG_BITS = new Map<string, number>([
  ['send', SEND],
  ['receive', RECEIVE],
  ['procs', PROCS],
  ['timestamp', TIMESTAMP],
]);
let next_bit = 16;

/** Adds a flag (e.g. 'sockets') → its bit. Defining a known name again returns its bit. */
export function define_trace_flag(name: string): number {
  const known = FLAG_BITS.get(name);
  if (known !== undefined) return known;
  const bit = next_bit;
  next_bit *= 2;
  FLAG_BITS.set(name, bit);
  return bit;
}

/** A trace message as OTP shapes it: ['trace', Pid, Tag, ...] or ['trace_ts', Pid, Tag, ..., Ts]. */
export type TraceMessage = unknown[];
export type TracerFn = (msg: TraceMessage) => void;
export type Tracer = Pid | TracerFn;

interface Entry {
  flags: number;
  tracer: Tracer;
}

/**
 * A sink sees every event of every process whose flag it asked for, whoever is traced; it
 * gets the message without timestamp and the time (ms since the epoch) apart.
 */
export type TraceSink = (msg: TraceMessage, flag: string, time_ms: number) => void;
interface Sink {
  flags: number;
  fn: TraceSink;
  /** Event tags this sink does not want (checked before the event is built). */
  skip: ReadonlySet<string> | null;
}

/** True while anything listens: the one test on the runtime's hot paths. */
export let tracing = false;

/** True while any process has a message queue limit (checked with tracing on delivery). */
let limits = false;

const traced = new Map<Process, Entry>();
let for_new: Entry | null = null;
const sinks: Sink[] = [];

/** The flags any sink wants, and (an upper bound of) the flags any process is traced for. */
let sink_bits = 0;
let traced_bits = 0;

/** After anything changed. Cheap: walks the traced processes only when full is set. */
function update(full = false): void {
  tracing = traced.size > 0 || for_new !== null || sinks.length > 0 || limits;
  sink_bits = 0;
  for (const s of sinks) sink_bits |= s.flags;
  if (full) {
    traced_bits = for_new === null ? 0 : for_new.flags;
    for (const e of traced.values()) traced_bits |= e.flags;
  }
}

/**
 * Whether an event of flag bit and this tag can reach anyone: a test a layer makes before
 * building a frequent event (the socket layer's socket_select).
 */
export function event_wanted(bit: number, tag: string): boolean {
  if ((traced_bits & bit) !== 0) return true;
  if ((sink_bits & bit) === 0) return false;
  for (const s of sinks) if ((s.flags & bit) !== 0 && (s.skip === null || !s.skip.has(tag))) return true;
  return false;
}

/** Called by the mailbox limit module: deliveries need the slow path while a limit is set. */
export function set_limits_active(on: boolean): void {
  limits = on;
  update();
}

export function limits_active(): boolean {
  return limits;
}

export type PidSpec = Pid | 'all' | 'new' | 'existing';
export interface TraceOpts {
  /** Where messages go: a pid, or a function called synchronously. Default: the caller. */
  tracer?: Tracer;
}

function flag_bits(flags: unknown): number {
  if (!Array.isArray(flags)) error('badarg');
  let bits = 0;
  for (const f of flags) {
    if (f === 'all') {
      for (const [name, b] of FLAG_BITS) if (name !== 'timestamp') bits |= b;
      continue;
    }
    const b = typeof f === 'string' ? FLAG_BITS.get(f) : undefined;
    if (b === undefined) error('badarg');
    bits |= b;
  }
  return bits;
}

function set_flags(p: Process, how: boolean, bits: number, tracer: Tracer): void {
  const e = traced.get(p);
  if (how) {
    traced_bits |= bits;
    if (e === undefined) traced.set(p, { flags: bits, tracer });
    else {
      e.flags |= bits;
      e.tracer = tracer;
    }
  } else if (e !== undefined) {
    e.flags &= ~bits;
    if ((e.flags & ~TIMESTAMP) === 0) traced.delete(p);
  }
}

/**
 * trace(PidSpec, How, Flags[, {tracer}]) → the number of processes matched, as
 * erlang:trace/3. PidSpec: a pid, 'all' (existing and new), 'existing', 'new'. Flags:
 * 'send', 'receive', 'procs', 'timestamp', 'all', and flags layers defined ('sockets').
 * How false turns the flags off (tracer unchanged). Messages to or from the tracer are not traced.
 */
export function trace(spec: PidSpec, how: boolean, flags: string[], opts: TraceOpts = {}): number {
  if (typeof how !== 'boolean') error('badarg');
  const bits = flag_bits(flags);
  let tracer: Tracer | undefined = opts.tracer;
  if (tracer === undefined) {
    const me = current_process();
    if (me === null) {
      if (how) error('badarg'); // no default tracer outside a process
    } else tracer = me.pid;
  }
  if (tracer !== undefined && !(tracer instanceof Pid) && typeof tracer !== 'function') error('badarg');
  if (how && tracer instanceof Pid && tracer.proc === null) error('badarg');
  const t = tracer as Tracer;
  let n = 0;
  if (spec instanceof Pid) {
    const p = spec.proc;
    if (p === null) error('badarg');
    set_flags(p, how, bits, t);
    n = 1;
  } else if (spec === 'all' || spec === 'existing' || spec === 'new') {
    if (spec !== 'new') {
      for (let p = first_process(); p !== null; p = p.next) {
        set_flags(p, how, bits, t);
        n++;
      }
    }
    if (spec !== 'existing') {
      if (how) for_new = for_new === null ? { flags: bits, tracer: t } : { flags: for_new.flags | bits, tracer: t };
      else if (for_new !== null) {
        const left = for_new.flags & ~bits;
        for_new = (left & ~TIMESTAMP) === 0 ? null : { flags: left, tracer: for_new.tracer };
      }
    }
  } else error('badarg');
  update(true);
  return n;
}

/** trace_info(Pid, 'flags') → ['flags', [names]]; ['tracer', Tracer | []] for 'tracer'. */
export function trace_info(pid: Pid, item: 'flags' | 'tracer'): ['flags', string[]] | ['tracer', Tracer | []] | 'undefined' {
  if (!(pid instanceof Pid)) error('badarg');
  const p = pid.proc;
  if (p === null) return 'undefined';
  const e = traced.get(p);
  if (item === 'tracer') return ['tracer', e?.tracer ?? []];
  if (item !== 'flags') error('badarg');
  const names: string[] = [];
  if (e !== undefined) for (const [name, b] of FLAG_BITS) if ((e.flags & b) !== 0) names.push(name);
  return ['flags', names];
}

/** Stops all tracing (dbg:stop): no process traced, 'new' cleared. Sinks stay. */
export function trace_clear(): void {
  traced.clear();
  for_new = null;
  update(true);
}

/**
 * Adds a sink for the named flags → a function that removes it. skip: event tags it does not
 * want (the observer skips the per-operation 'socket_select'), dropped before any work.
 */
export function add_trace_sink(flags: string[], fn: TraceSink, skip: string[] = []): () => void {
  const s: Sink = { flags: flag_bits(flags), fn, skip: skip.length === 0 ? null : new Set(skip) };
  sinks.push(s);
  update();
  return () => {
    const i = sinks.indexOf(s);
    if (i >= 0) sinks.splice(i, 1);
    update();
  };
}

// ---- emitting ----

function first_process(): Process | null {
  return newest_process();
}

/** OTP's erlang:timestamp() shape: [MegaSecs, Secs, MicroSecs]. */
function otp_timestamp(ms: number): [number, number, number] {
  const us = Math.round(ms * 1000);
  const secs = Math.floor(us / 1e6);
  return [Math.floor(secs / 1e6), secs % 1e6, us % 1e6];
}

function name_of(bit: number): string {
  for (const [name, b] of FLAG_BITS) if (b === bit) return name;
  return 'unknown';
}

let emitting = false;

/** p did something of kind bit; body is the tuple after ['trace', Pid]. */
function emit(p: Process, bit: number, body: unknown[]): void {
  if (emitting) return; // the tracer's own traffic is never traced
  const e = traced.get(p);
  const now = Date.now();
  emitting = true;
  try {
    if (sinks.length > 0) {
      let plain: unknown[] | null = null;
      for (const s of sinks.slice()) {
        if ((s.flags & bit) === 0 || (s.skip !== null && s.skip.has(body[0] as string))) continue;
        plain ??= ['trace', p.pid, ...body];
        try {
          s.fn(plain, name_of(bit), now);
        } catch (err) {
          process.emitWarning(`erlsock: a trace sink threw: ${String(err)}`);
        }
      }
    }
    if (e === undefined || (e.flags & bit) === 0) return;
    const msg = (e.flags & TIMESTAMP) !== 0 ? ['trace_ts', p.pid, ...body, otp_timestamp(now)] : ['trace', p.pid, ...body];
    const t = e.tracer;
    if (t instanceof Pid) {
      const q = t.proc;
      if (q === null) drop_tracer(t);
      else deliver_untraced(q, msg);
    } else {
      try {
        t(msg);
      } catch (err) {
        process.emitWarning(`erlsock: a tracer function threw: ${String(err)}`);
      }
    }
  } finally {
    emitting = false;
  }
}

/** A tracer process died: whatever it traced is no longer traced (as in OTP). */
function drop_tracer(t: Pid): void {
  for (const [p, e] of traced) if (e.tracer === t) traced.delete(p);
  if (for_new !== null && for_new.tracer === t) for_new = null;
  update(true);
}

/** Whether p would produce events of kind bit (someone traces it, or a sink listens). */
function wanted(p: Process, bit: number, tag?: string): boolean {
  for (const s of sinks) if ((s.flags & bit) !== 0 && (tag === undefined || s.skip === null || !s.skip.has(tag))) return true;
  const e = traced.get(p);
  return e !== undefined && (e.flags & bit) !== 0;
}

// ---- the hooks the runtime calls while `tracing` is true ----

export function trace_send(from: Process | null, msg: unknown, to: unknown, exists: boolean): void {
  if (from === null || ((sink_bits | traced_bits) & SEND) === 0 || !wanted(from, SEND)) return;
  emit(from, SEND, [exists ? 'send' : 'send_to_non_existing_process', msg, to]);
}

export function trace_receive(p: Process, msg: unknown): void {
  if (((sink_bits | traced_bits) & RECEIVE) !== 0 && wanted(p, RECEIVE)) emit(p, RECEIVE, ['receive', msg]);
}

/** A new process: 'new' tracing applies to it, then the parent's spawn event. */
export function trace_spawn(parent: Process | null, child: Process): void {
  if (for_new !== null && !traced.has(child)) traced.set(child, { flags: for_new.flags, tracer: for_new.tracer });
  if (((sink_bits | traced_bits) & PROCS) === 0) return;
  const args = child.args ?? [];
  const mfa = ['undefined', child.init.name || 'anonymous', args];
  if (parent !== null && wanted(parent, PROCS)) emit(parent, PROCS, ['spawn', child.pid, mfa]);
  if (wanted(child, PROCS)) emit(child, PROCS, ['spawned', parent === null ? [] : parent.pid, mfa]);
}

export function trace_exit(p: Process, reason: unknown): void {
  if (((sink_bits | traced_bits) & PROCS) !== 0 && wanted(p, PROCS)) emit(p, PROCS, ['exit', reason]);
  if (traced.delete(p)) update();
}

/** link/unlink between a (the caller) and b. */
export function trace_link(a: Process, b: Process, tag: 'link' | 'unlink'): void {
  if (wanted(a, PROCS)) emit(a, PROCS, [tag, b.pid]);
  if (wanted(b, PROCS)) emit(b, PROCS, [tag === 'link' ? 'getting_linked' : 'getting_unlinked', a.pid]);
}

export function trace_register(p: Process, name: string, tag: 'register' | 'unregister'): void {
  if (wanted(p, PROCS)) emit(p, PROCS, [tag, name]);
}

/**
 * An event of a layer above, under its flag bit (from define_trace_flag): pid's tracer gets
 * ['trace', Pid, ...body]. Call only when `tracing` is true. A dead pid emits nothing.
 */
export function trace_event(pid: Pid | null, bit: number, body: unknown[]): void {
  if (((sink_bits | traced_bits) & bit) === 0) return;
  const p = pid?.proc ?? null;
  if (p !== null) {
    if (wanted(p, bit, body[0] as string)) emit(p, bit, body);
  } else if (pid !== null && sinks.length > 0) sink_only(pid, bit, body);
}

/** An event of a process that has died (its socket closing with it): only sinks see it. */
function sink_only(pid: Pid, bit: number, body: unknown[]): void {
  const plain = ['trace', pid, ...body];
  const now = Date.now();
  for (const s of sinks.slice()) {
    if ((s.flags & bit) === 0 || (s.skip !== null && s.skip.has(body[0] as string))) continue;
    try {
      s.fn(plain, name_of(bit), now);
    } catch (err) {
      process.emitWarning(`erlsock: a trace sink threw: ${String(err)}`);
    }
  }
}
