// Mocha reporter: the spec reporter's output, then one closing line that CI reads:
// `tests: N passed, N failed`. The same counts go to dist/test-summary.txt so that
// .ci/run can repeat the line last, after anything npm prints on a failure.
import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';

const { Spec } = Mocha.reporters;
const { EVENT_RUN_END } = Mocha.Runner.constants;

class SummaryReporter extends Spec {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    runner.once(EVENT_RUN_END, () => {
      const stats = runner.stats ?? { passes: 0, failures: 0 };
      const line = `tests: ${stats.passes} passed, ${stats.failures} failed`;
      // The spec reporter's epilogue listens to the same event and was registered first (in
      // super()), so this line follows it. Printed synchronously: with `exit: true` mocha
      // exits the process right after this event, before any deferred callback could run.
      console.log(line);
      const out = path.join(__dirname, '..', '..', 'test-summary.txt');
      fs.writeFileSync(out, `${line}\n`);
    });
  }
}

export = SummaryReporter;
