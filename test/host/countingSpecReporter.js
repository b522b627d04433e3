// Mocha's spec output for people, plus one line for test/run-all.js:
//   INKWELL_RESULT <stage> passed=N failed=M
// Use: mocha --reporter test/host/countingSpecReporter.js --reporter-option stage=unit
// Plain JavaScript so that it works without a compile step.
'use strict';
const Mocha = require('mocha');

const mocha = Mocha.default ?? Mocha;
const Spec = mocha.reporters.Spec;
const { EVENT_RUN_END } = mocha.Runner.constants;

class CountingSpecReporter extends Spec {
  constructor(runner, options = {}) {
    super(runner, options);
    const stage = (options.reporterOption && options.reporterOption.stage) || 'unit';
    runner.once(EVENT_RUN_END, () => {
      // After Spec's epilogue, which is registered first and so runs first.
      const { passes, failures } = runner.stats;
      console.log(`INKWELL_RESULT ${stage} passed=${passes} failed=${failures}`);
    });
  }
}

module.exports = CountingSpecReporter;
