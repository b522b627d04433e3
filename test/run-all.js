#!/usr/bin/env node
// `npm test`: everything, from a fresh checkout, in one command.
//   setup        npm ci when needed, the code-server/Chromium host (test/host/ensure-host.sh)
//   checks       typecheck, lint, build, compile-tests
//   tests        unit (mocha in Node), integration (real extension host, at the current VS Code and at
//                the oldest one engines.vscode allows: test/host/vscodeVersions.json), e2e (Playwright)
// Ends with exactly one line `N passed, N failed` (the sum over the three test stages, plus one failure
// per failed check or crashed stage) and exits non-zero when anything failed.
// Plain Node, no dependencies: it runs before node_modules exists.
//
// Options: --only=unit,integration,e2e   run just those test stages (checks still run)
//          --skip-setup                  trust node_modules and .vscode-test as they are
'use strict';
const path = require('path');
const { root, npm, ensureDeps, runTee } = require('./host/ensure');
const vscodeVersions = require('./host/vscodeVersions.json');

const args = process.argv.slice(2);
const onlyArg = args.find((a) => a.startsWith('--only='));
const only = onlyArg ? new Set(onlyArg.slice('--only='.length).split(',')) : undefined;
const skipSetup = args.includes('--skip-setup');

const node = process.execPath;
const rows = []; // { name, test?, passed, failed, ms, note }

function parseResult(output, stage) {
  const pattern = new RegExp(`^INKWELL_RESULT ${stage} passed=(\\d+) failed=(\\d+)`, 'gm');
  let last;
  for (let match; (match = pattern.exec(output)); ) last = match;
  return last ? { passed: Number(last[1]), failed: Number(last[2]) } : undefined;
}

async function check(name, scriptArgs) {
  console.log(`\n=== ${name} ===`);
  const { code, ms } = await runTee(npm, scriptArgs);
  rows.push({ name, passed: 0, failed: code === 0 ? 0 : 1, ms, note: code === 0 ? 'ok' : `failed (exit ${code})` });
}

async function testStage(stage, command, commandArgs, timeoutMs, { label = stage, env } = {}) {
  if (only && !only.has(stage)) return;
  console.log(`\n=== ${label} tests ===`);
  const { code, output, ms } = await runTee(command, commandArgs, { timeoutMs, env });
  const result = parseResult(output, stage);
  if (!result) {
    // No counts means the stage never got to report: that is a failure, never "zero tests".
    rows.push({ name: label, test: true, passed: 0, failed: 1, ms, note: `crashed (exit ${code}, no result line)` });
  } else if (code !== 0 && result.failed === 0) {
    rows.push({ name: label, test: true, ...result, failed: 1, ms, note: `exit ${code} after reporting no failures` });
  } else {
    rows.push({ name: label, test: true, ...result, ms, note: code === 0 ? 'ok' : `exit ${code}` });
  }
}

function summarize() {
  console.log('\n=== summary ===');
  for (const row of rows) {
    const counts = row.test ? `${row.passed} passed, ${row.failed} failed` : '';
    console.log(`  ${row.name.padEnd(20)} ${(row.ms / 1000).toFixed(1).padStart(6)}s  ${counts.padEnd(22)} ${row.note}`);
  }
  const passed = rows.reduce((sum, row) => sum + row.passed, 0);
  const failed = rows.reduce((sum, row) => sum + row.failed, 0);
  console.log(`${passed} passed, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}

async function main() {
  const started = Date.now();
  if (!skipSetup) {
    console.log('=== setup ===');
    const setupStarted = Date.now();
    const ok = ensureDeps({ host: !only || only.has('integration') || only.has('e2e') });
    rows.push({ name: 'setup', passed: 0, failed: ok ? 0 : 1, ms: Date.now() - setupStarted, note: ok ? 'ok' : 'failed' });
    if (!ok) return summarize();
  }
  await check('typecheck', ['run', 'typecheck']);
  await check('lint', ['run', 'lint']);
  await check('build', ['run', 'build']);
  await check('compile-tests', ['run', 'compile-tests']);

  await testStage(
    'unit',
    node,
    [
      path.join(root, 'node_modules', 'mocha', 'bin', 'mocha.js'),
      '--config', path.join(root, 'test', 'unit', '.mocharc.json'),
      '--reporter', path.join(root, 'test', 'host', 'countingSpecReporter.js'),
      '--reporter-option', 'stage=unit',
    ],
    10 * 60_000,
  );
  // Current VS Code first, then the oldest we claim; the e2e suite runs on the current one.
  for (const version of vscodeVersions) {
    await testStage('integration', node, [path.join(root, 'out', 'test', 'integration', 'runTests.js')], 10 * 60_000, {
      label: `integration ${version.vscode}`,
      env: { INKWELL_CODE_SERVER_VERSION: version.codeServer },
    });
  }
  await testStage('e2e', node, [path.join(root, 'out', 'test', 'e2e', 'runE2e.js')], 15 * 60_000);
  console.log(`\ntotal ${((Date.now() - started) / 1000).toFixed(1)}s`);
  return summarize();
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
