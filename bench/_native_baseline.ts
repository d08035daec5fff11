// Helper for bench/syscall.ts and bench/poller.ts: builds bench/c/syscall_baseline.c with
// cc into bench/out/ (once) and runs it.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..');
const SRC = path.join(ROOT, 'bench', 'c', 'syscall_baseline.c');
const BIN = path.join(ROOT, 'bench', 'out', 'syscall_baseline');

export interface Baseline {
  send64: number;
  recv64: number;
  recv_eagain: number;
  epoll_event: number;
  /** The cheapest syscall: what entering and leaving the kernel costs on this machine. */
  getppid: number;
  /** epoll_wait with timeout 0 on a set with nothing ready. */
  epoll_empty: number;
  /** poll(2) with timeout 0 on one fd with nothing ready: one probe of the busy-wait. */
  poll_zero: number;
}

export function build_baseline(): string {
  if (!fs.existsSync(BIN) || fs.statSync(BIN).mtimeMs < fs.statSync(SRC).mtimeMs) {
    fs.mkdirSync(path.dirname(BIN), { recursive: true });
    execFileSync('cc', ['-O2', '-o', BIN, SRC], { stdio: 'inherit' });
  }
  return BIN;
}

export function run_baseline(rounds: number, ops: number, ready: number): Baseline {
  const out = execFileSync(build_baseline(), [String(rounds), String(ops), String(ready)], { encoding: 'utf8' });
  return JSON.parse(out.trim()) as Baseline;
}

export function median(v: number[]): number {
  const s = v.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}
