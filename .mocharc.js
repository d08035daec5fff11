// mocha's configuration. The default spec (every test) applies only when the command line
// names no test files itself: mocha adds a config file's spec to the command line's, so a
// fixed spec would make `npx mocha dist/test/runtime/spawn.test.js` run every test.
'use strict';

// Options that take the next argument as their value (a file named after them is not a spec).
const TAKES_VALUE = new Set([
  '--config', '--package', '--reporter', '-R', '--reporter-option', '--reporter-options', '-O',
  '--require', '-r', '--file', '--ignore', '--exclude', '--extension', '--grep', '-g', '--fgrep', '-f',
  '--timeout', '-t', '--slow', '-s', '--retries', '--jobs', '-j', '--ui', '-u', '--node-option', '-n',
]);

function names_specs(args) {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--spec') return true;
    if (a.startsWith('--spec=')) return true;
    if (TAKES_VALUE.has(a)) { i++; continue; }
    if (!a.startsWith('-')) return true;
  }
  return false;
}

module.exports = {
  ...(names_specs(process.argv.slice(2)) ? {} : { spec: ['dist/test/**/*.test.js'] }),
  reporter: 'dist/test/support/reporter.js',
  timeout: 20000,
  exit: true,
};
