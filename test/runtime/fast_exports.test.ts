// fast_exports: the modules whose names are read per message keep their exports in V8's fast
// mode, with every name, value and getter as TypeScript emitted them.
import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import * as v8 from 'v8';
import { fast_exports } from '../../runtime/fast_exports';

// V8's own answer: natives syntax, enabled for the functions compiled after this line only.
v8.setFlagsFromString('--allow-natives-syntax');
// eslint-disable-next-line @typescript-eslint/no-implied-eval
const has_fast_properties = new Function('o', 'return %HasFastProperties(o)') as (o: object) => boolean;

// The public modules, and the socket layer's internal ones that its hot path reads.
const MODULES = [
  '../../runtime/index',
  '../../runtime/run',
  '../../sockets/socket',
  '../../sockets/prim_socket',
  '../../sockets/args',
  '../../sockets/errors',
  '../../index',
];

// Every library module whose compiled exports hold a getter (a re-export): without
// fast_exports at its end, each read of its names is a hash lookup and an uninlined getter
// call (the socket layer's `tracing`, read at every select message, was one).
const LIBRARY_DIRS = ['runtime', 'sockets', 'sockets/prim', 'actors', 'distribution', 'observer'];
function modules_with_reexports(): string[] {
  const root = path.resolve(__dirname, '..', '..');
  const out: string[] = [];
  for (const dir of LIBRARY_DIRS) {
    const abs = path.join(root, dir);
    if (!fs.existsSync(abs)) continue;
    for (const f of fs.readdirSync(abs)) {
      if (!f.endsWith('.js')) continue;
      const text = fs.readFileSync(path.join(abs, f), 'utf8');
      if (/Object\.defineProperty\(exports, "[^"]+", \{ enumerable: true, get:|__exportStar\(/.test(text)) out.push(path.join(abs, f));
    }
  }
  return out;
}

describe('runtime/fast_exports', () => {
  it('every library module with a re-export keeps its exports in fast mode', () => {
    const found = modules_with_reexports();
    expect(found.length).to.be.greaterThan(5);
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- each module's own exports object, by path
    const slow = found.filter((f) => !has_fast_properties(require(f) as object)).map((f) => path.relative(path.resolve(__dirname, '..', '..'), f));
    expect(slow).to.deep.equal([]);
  });

  for (const m of MODULES) {
    it(`${m.slice(6)}: exports in fast mode`, () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- the module's own exports object, by path
      expect(has_fast_properties(require(m) as object)).to.equal(true);
    });
  }

  it('turns an object whose data property became a getter (what tsc emits for a re-export) fast, keeping it as it was', () => {
    const target = { a: 1 };
    const o: Record<string, unknown> = { x: undefined, y: undefined };
    Object.defineProperty(o, 'x', { enumerable: true, get: () => target.a });
    o.y = 'why';
    expect(has_fast_properties(o)).to.equal(false);
    fast_exports(o);
    expect(has_fast_properties(o)).to.equal(true);
    expect(Object.keys(o)).to.deep.equal(['x', 'y']);
    expect(o.x).to.equal(1);
    target.a = 2; // a re-export stays a live binding
    expect(o.x).to.equal(2);
    expect(o.y).to.equal('why');
    expect(typeof Object.getOwnPropertyDescriptor(o, 'x')?.get).to.equal('function');
  });

  it('the package root re-exports the same values as the modules it names', () => {
    /* eslint-disable @typescript-eslint/no-require-imports -- the modules' own exports objects */
    const root = require('../../index') as Record<string, unknown>;
    const runtime = require('../../runtime/index') as Record<string, unknown>;
    for (const k of Object.keys(runtime)) expect(root[k], k).to.equal(runtime[k]);
    expect(root.socket).to.equal(require('../../sockets/socket'));
    /* eslint-enable @typescript-eslint/no-require-imports */
  });
});
