// `npm run test:integration`: the extension's tests in a real extension host, through
// @vscode/test-electron's runTests. A desktop VS Code is used when INKWELL_VSCODE_EXECUTABLE names
// one; otherwise (always, on machines without internet) test/host/code-server-launcher stands in
// for it. Prints `INKWELL_RESULT integration passed=N failed=M` for test/run-all.js.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runTests } from '@vscode/test-electron';
import { StageResult, resultLine } from '../host/results';
import { vscodeExecutable } from '../host/vscodeExecutable';

const repoRoot = path.resolve(__dirname, '../../..');

/** A fresh copy of test/fixtures/workspace (or an empty folder) for this run. */
function freshWorkspace(tempDir: string): string {
  const workspace = path.join(tempDir, 'workspace');
  const fixture = path.join(repoRoot, 'test', 'fixtures', 'workspace');
  if (fs.existsSync(fixture)) fs.cpSync(fixture, workspace, { recursive: true });
  else fs.mkdirSync(workspace, { recursive: true });
  return workspace;
}

function readResult(file: string): StageResult | undefined {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as StageResult;
    return typeof parsed.passed === 'number' && typeof parsed.failed === 'number' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

async function main(): Promise<number> {
  const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'inkwell-integration-'));
  const resultFile = path.join(tempDir, 'result.json');
  const started = Date.now();
  let exitCode: number;
  try {
    exitCode = await runTests({
      vscodeExecutablePath: vscodeExecutable(),
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: path.join(__dirname, 'index.js'),
      launchArgs: [
        freshWorkspace(tempDir),
        `--user-data-dir=${path.join(tempDir, 'user-data')}`,
        `--extensions-dir=${path.join(tempDir, 'extensions')}`,
        '--disable-extensions',
      ],
      extensionTestsEnv: { INKWELL_RESULT_FILE: resultFile },
    });
  } catch (error) {
    // runTests rejects with TestRunFailedError when the executable exits non-zero.
    const code = (error as { code?: unknown }).code;
    exitCode = typeof code === 'number' && code !== 0 ? code : 1;
    console.error(error instanceof Error ? error.message : String(error));
  }
  const result = readResult(resultFile);
  fs.rmSync(tempDir, { recursive: true, force: true });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (!result) {
    // Never report a run that produced no counts as zero tests.
    console.error(`integration: the test run crashed before reporting (exit ${exitCode}, ${seconds}s)`);
    console.log(resultLine('integration', { passed: 0, failed: 1 }));
    return exitCode || 1;
  }
  for (const failure of result.failures ?? []) console.error(`  FAILED: ${failure.title}: ${failure.message}`);
  console.log(`integration: ${seconds}s`);
  console.log(resultLine('integration', result));
  return result.failed > 0 ? exitCode || 1 : exitCode;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    console.log(resultLine('integration', { passed: 0, failed: 1 }));
    process.exit(1);
  },
);
