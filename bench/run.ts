// `npm run bench -- <name> [args...]`: runs bench/<name>.ts, whose `main(args)` prints one
// result line per benchmark. With no name, lists the benchmarks there are.
import * as fs from 'fs';
import * as path from 'path';

interface BenchModule {
  main(args: string[]): Promise<void> | void;
}

function benchNames(): string[] {
  return fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.js') && f !== 'run.js' && !f.startsWith('_'))
    .map((f) => f.slice(0, -3))
    .sort();
}

async function main(): Promise<void> {
  const [name, ...args] = process.argv.slice(2);
  const names = benchNames();
  if (name === undefined || !names.includes(name)) {
    console.log(`usage: npm run bench -- <name> [args...]\nbenchmarks: ${names.join(' ')}`);
    process.exitCode = name === undefined ? 0 : 2;
    return;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(path.join(__dirname, name)) as BenchModule;
  await mod.main(args);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
