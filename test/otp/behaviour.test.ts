// The OTP 25 facts the tests rely on, re-derived on real Erlang. Each test/otp/NN_*.escript
// prints `Expression` then `    => Result` for the calls it makes (some, 18 on, print plain
// `label value` lines, compared whole); test/otp/expected/NN_*.txt
// holds the transcript recorded on OTP 25, normalized (one line per call, refs, pids and
// ephemeral ports replaced, the layout of ~p's line breaks removed). This test runs every
// script on `escript` and compares. An expected line that starts with `~ ` holds a result
// that depends on timing or the host (a timestamp, an fd number, whether a race went one
// way): only its expression is compared. Output the NIF writes itself, whenever its thread
// gets to it (a debug trace, warnings), is fenced in the scripts by `---- untimed output
// begins ----` and `---- untimed output ends ----`, and dropped.
// docs/OTP25_BEHAVIOUR.md states the same facts in
// words and names the script of each.
//
// Re-record after changing a script (keeps the `~ ` marks of unchanged expressions; review
// the diff): ERLSOCK_OTP_RECORD=1 npx mocha dist/test/otp/behaviour.test.js
import { expect } from 'chai';
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const here = path.join(__dirname, '..', '..', '..', 'test', 'otp');
const scripts = fs.readdirSync(here).filter((f) => f.endsWith('.escript')).sort();
const record = process.env.ERLSOCK_OTP_RECORD === '1';

/** One line per printed call: `Expression => Result`, or the line itself for plain output. */
export function normalize(transcript: string): string[] {
  const entries: { label: string; result?: string }[] = [];
  let fenced = false;
  for (const line of transcript.split('\n')) {
    if (line === '---- untimed output begins ----') fenced = true;
    if (fenced) { if (line === '---- untimed output ends ----') fenced = false; continue; }
    const cur = entries[entries.length - 1];
    const res = /^ {4}=> (.*)$/.exec(line);
    if (res && cur && cur.result === undefined) cur.result = res[1];
    else if (/^\s/.test(line) && cur && cur.result !== undefined) cur.result += ` ${line}`;
    else if (/^\s/.test(line) && cur) cur.label += ` ${line}`;      // a wrapped ~p in a plain line
    else if (line.trim() !== '') entries.push({ label: line });
  }
  return entries.map((e) => (e.result === undefined ? squash(e.label) : `${expression(e.label)} => ${squash(e.result)}`));
}

/** The expression as `??E` prints it, token by token, with the spaces around punctuation dropped. */
function expression(s: string): string {
  return squash(s).replace(/ ?([:(),[\]{}#]) ?/g, '$1').replace(/,/g, ', ');
}

function squash(s: string): string {
  return s.replace(/\s+/g, ' ').trim()
    .replace(/([,[{(]) /g, '$1').replace(/ ([\]})])/g, '$1')            // ~p's line breaks
    .replace(/#Ref<[\d.]+>/g, '#Ref').replace(/#Socket<[\d.]+>/g, '#Socket<N>')
    .replace(/#Port<[\d.]+>/g, '#Port').replace(/<\d+\.\d+\.\d+>/g, '<PID>')
    .replace(/'(\w+)_escript__escript__[\d_]+'/g, "'$1_escript'")        // escript's module name
    .replace(/\bport => [1-9]\d{4}\b/g, 'port => PORT')                      // ephemeral ports
    .replace(/\b(localhost|127\.0\.0\.1):[1-9]\d{4}\b/g, '$1:PORT');
}

function run_escript(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('escript', [file], { cwd: here, timeout: 40000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`escript ${file}: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

describe('OTP 25 behaviour (test/otp/*.escript on erl)', () => {
  it('has a script and a recorded transcript for each', () => {
    expect(scripts.length).to.be.greaterThan(10);
    if (!record) for (const s of scripts) expect(fs.existsSync(path.join(here, 'expected', s.replace(/\.escript$/, '.txt'))), s).to.equal(true);
  });

  for (const script of scripts) {
    it(`${script} prints what was recorded`, async function () {
      this.timeout(60000);
      const actual = normalize(await run_escript(script));
      const file = path.join(here, 'expected', script.replace(/\.escript$/, '.txt'));
      const old = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter((l) => l !== '') : [];
      const label = (l: string): string => l.replace(/^~ /, '').split(' => ')[0];
      if (record) {
        // A mark stays on the same occurrence (the first, second, ...) of the same expression.
        const keys = (lines: string[]): string[] => {
          const seen = new Map<string, number>();
          return lines.map((l) => { const k = label(l); seen.set(k, (seen.get(k) ?? 0) + 1); return `${k}#${seen.get(k)}`; });
        };
        const oldKeys = keys(old);
        const varies = new Set(oldKeys.filter((_k, i) => old[i].startsWith('~ ')));
        const newKeys = keys(actual);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, actual.map((l, i) => (varies.has(newKeys[i]) ? `~ ${l}` : l)).join('\n') + '\n');
        return;
      }
      const expected = old.map((l) => (l.startsWith('~ ') ? `~ ${label(l)}` : l));
      const got = actual.map((l, i) => (expected[i]?.startsWith('~ ') ? `~ ${label(l)}` : l));
      // Only the lines that differ, so a failure names them (line numbers of the expected file).
      const diffs: string[] = [];
      for (let i = 0; i < Math.max(got.length, expected.length); i++) {
        if (got[i] !== expected[i]) diffs.push(`line ${i + 1}: expected ${expected[i] ?? '(nothing)'}\n         got ${got[i] ?? '(nothing)'}`);
      }
      expect(diffs, `${script} differs from expected/${path.basename(file)}`).to.deep.equal([]);
    });
  }
});
