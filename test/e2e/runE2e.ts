// `npm run test:e2e`: mocha in Node over out/test/e2e/**/*.e2e.js. Each file gets its own workbench
// through harness.ts's useWorkbench(). Prints `INKWELL_RESULT e2e passed=N failed=M` for run-all.
import Mocha from 'mocha';
import { selectTestFiles, resultLine, runMocha } from '../host/results';

async function main(): Promise<number> {
  const mocha = new Mocha({
    ui: 'bdd',
    color: Boolean(process.stdout.isTTY),
    timeout: Number(process.env.INKWELL_TEST_TIMEOUT_MS) || 60_000,
    grep: process.env.INKWELL_TEST_GREP || undefined,
  });
  const files = selectTestFiles(__dirname, '.e2e.js');
  if (files.length === 0) throw new Error(`no *.e2e.js files under ${__dirname}`);
  for (const file of files) mocha.addFile(file);
  const started = Date.now();
  const result = await runMocha(mocha);
  console.log(`e2e: ${((Date.now() - started) / 1000).toFixed(1)}s`);
  console.log(resultLine('e2e', result));
  return result.failed > 0 ? 1 : 0;
}

// A hung browser or server must not hold the run forever; the exit hooks kill what is left.
const watchdogMs = Number(process.env.INKWELL_E2E_TIMEOUT_MS) || 10 * 60_000;
const watchdog = setTimeout(() => {
  console.error(`e2e: still running after ${watchdogMs} ms; giving up`);
  console.log(resultLine('e2e', { passed: 0, failed: 1 }));
  process.exit(1);
}, watchdogMs);

main().then(
  (code) => {
    clearTimeout(watchdog);
    process.exit(code);
  },
  (error: unknown) => {
    console.error(error);
    console.log(resultLine('e2e', { passed: 0, failed: 1 }));
    process.exit(1);
  },
);
