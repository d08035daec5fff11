// Preloaded into an echo server by bench/echo_path.ts (`node -r dist/bench/_echo_path_probe.js
// <server>`): times each poller batch's JS call and, inside it, the read and the write that
// echo a message, by wrapping prim_socket's poll_start and its reads and writes before the server
// loads. On SIGTERM it writes the medians over the last 20,000 batches that echoed to stderr
// as one JSON line, then exits. The wrappers cost each batch some 0.1 us per clock read:
// the parts are for comparing servers measured the same way, not absolute.
import * as prim from '../sockets/prim_socket';

const now = (): number => Number(process.hrtime.bigint());
const KEEP = 20000;
const parts = {
  batch_to_recv: [] as number[],
  recv: [] as number[],
  recv_to_send: [] as number[],
  send: [] as number[],
  send_to_end: [] as number[],
  batch: [] as number[],
};
// Clock readings in the batch being timed (0: not seen in it).
let t_batch = 0;
let t_recv0 = 0;
let t_recv1 = 0;
let t_send0 = 0;
let t_send1 = 0;

const writable = prim as unknown as Record<string, unknown>;
const poll_start = prim.poll_start;
writable.poll_start = (h: prim.PollHandler): number =>
  poll_start((tokens, events, count) => {
    t_batch = now();
    t_recv0 = t_recv1 = t_send0 = t_send1 = 0;
    h(tokens, events, count);
    const end = now();
    // A batch that read and then wrote: one echo.
    if (t_send1 !== 0 && t_recv1 !== 0 && t_recv1 <= t_send0) {
      parts.batch_to_recv.push(t_recv0 - t_batch);
      parts.recv.push(t_recv1 - t_recv0);
      parts.recv_to_send.push(t_send0 - t_recv1);
      parts.send.push(t_send1 - t_send0);
      parts.send_to_end.push(end - t_send1);
      parts.batch.push(end - t_batch);
    }
  });
// The first read and the first write in the batch being timed: their start t and now.
function read_timed(t: number, n: number): number {
  if (t_recv0 === 0 && n > 0) [t_recv0, t_recv1] = [t, now()];
  return n;
}
function write_timed(t: number, n: number): number {
  if (t_send0 === 0) [t_send0, t_send1] = [t, now()];
  return n;
}
// The runtime reads into its slab and echoes from it (recv_slab, send_slab); prim_echo and
// other Buffers go through recv_at and send_at.
const recv_at = prim.recv_at;
writable.recv_at = (fd: number, buf: Buffer, at: number, len: number, flags: number): number =>
  read_timed(now(), recv_at(fd, buf, at, len, flags));
const recv_slab = prim.recv_slab;
writable.recv_slab = (fd: number, at: number, len: number, flags: number): number =>
  read_timed(now(), recv_slab(fd, at, len, flags));
const send_at = prim.send_at;
writable.send_at = (fd: number, buf: Buffer, at: number, len: number, flags: number): number =>
  write_timed(now(), send_at(fd, buf, at, len, flags));
const send_slab = prim.send_slab;
writable.send_slab = (fd: number, at: number, len: number, flags: number): number =>
  write_timed(now(), send_slab(fd, at, len, flags));

function median_us(xs: number[]): number {
  const s = xs.slice(-KEEP).sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[s.length >> 1]! / 1000;
}

process.on('SIGTERM', () => {
  const out: Record<string, number> = { echoes: parts.batch.length };
  for (const [k, v] of Object.entries(parts)) out[k] = Math.round(median_us(v) * 100) / 100;
  process.stderr.write(`${JSON.stringify(out)}\n`);
  process.exit(0);
});
