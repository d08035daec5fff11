// A gen_tcp example server (`erlsock chat`, `erlsock http`) as a child process.
import * as path from 'path';
import { spawn } from 'child_process';
import { ROOT, Child } from './peers';

export function start_example(name: 'chat' | 'http', args: string[] = ['--port', '0']): Child {
  const proc = spawn(process.execPath, [path.join(ROOT, 'dist', 'examples', `${name}_cli.js`), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | string>((resolve) => proc.on('exit', (code, sig) => resolve(code ?? sig ?? -1)));
  return { proc, stdout: () => out, stderr: () => err, exited };
}
