// The test module VS Code loads into the extension host (`--extensionTestsPath`): the same file on a
// desktop VS Code and in code-server. It runs every compiled `*.test.js` beside it with mocha and
// writes the counts to INKWELL_RESULT_FILE, which runTests.ts turns into the INKWELL_RESULT line.
import * as fs from 'fs';
import { selectTestFiles, runMocha } from '../host/results';

export async function run(): Promise<void> {
  // mocha 12 is an ES module. The oldest VS Code we test runs its extension host on Node 18, which
  // cannot require() one, so it is imported; newer hosts take either.
  const { default: Mocha } = await import('mocha');
  const mocha = new Mocha({
    ui: 'bdd',
    // The console reaches the runner through the workbench, which keeps no terminal colours.
    color: false,
    timeout: Number(process.env.INKWELL_TEST_TIMEOUT_MS) || 20_000,
    grep: process.env.INKWELL_TEST_GREP || undefined,
  });
  const files = selectTestFiles(__dirname, '.test.js');
  if (files.length === 0) throw new Error(`no *.test.js files under ${__dirname}`);
  for (const file of files) mocha.addFile(file);

  const result = await runMocha(mocha);
  console.log(`integration: ${result.passed} passed, ${result.failed} failed, ${result.pending ?? 0} pending`);
  const resultFile = process.env.INKWELL_RESULT_FILE;
  if (resultFile) fs.writeFileSync(resultFile, JSON.stringify(result));
  if (result.failed > 0) throw new Error(`${result.failed} integration test(s) failed`);
}
