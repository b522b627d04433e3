// How the test stages report their counts to test/run-all.js: each prints one line
//   INKWELL_RESULT <stage> passed=N failed=M
// and run-all sums the last such line of every stage. A stage that prints none has crashed.
import * as fs from 'fs';
import * as path from 'path';
import type Mocha from 'mocha';

export interface StageResult {
  passed: number;
  failed: number;
  pending?: number;
  /** Titles and messages of failed tests, for the summary. */
  failures?: { title: string; message: string }[];
}

export function resultLine(stage: string, result: StageResult): string {
  return `INKWELL_RESULT ${stage} passed=${result.passed} failed=${result.failed}`;
}

/**
 * The test files a stage runs: every one under `dir` ending with `suffix`, or, when INKWELL_TEST_FILES
 * names some (comma-separated parts of file names, e.g. `chat,tokens`), only those. Naming a file that
 * does not exist is an error, so a typo never passes as an empty run.
 */
export function selectTestFiles(dir: string, suffix: string, filter = process.env.INKWELL_TEST_FILES): string[] {
  const all = findTestFiles(dir, suffix);
  const wanted = (filter ?? '').split(',').map((part) => part.trim()).filter(Boolean);
  if (wanted.length === 0) return all;
  const chosen = all.filter((file) => wanted.some((part) => path.basename(file).includes(part)));
  const unmatched = wanted.filter((part) => !all.some((file) => path.basename(file).includes(part)));
  if (unmatched.length > 0) throw new Error(`INKWELL_TEST_FILES: no ${suffix} file matches ${unmatched.join(', ')}`);
  return chosen;
}

/** Every file under `dir` (recursively) whose name ends with `suffix`, sorted for a stable order. */
export function findTestFiles(dir: string, suffix: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...findTestFiles(full, suffix));
    else if (entry.name.endsWith(suffix)) found.push(full);
  }
  return found.sort();
}

/** Runs a prepared mocha and counts what happened; a failed hook counts as a failed test. */
export function runMocha(mocha: Mocha): Promise<StageResult> {
  return new Promise((resolve, reject) => {
    const failures: { title: string; message: string }[] = [];
    try {
      const runner = mocha.run(() =>
        resolve({
          passed: runner.stats?.passes ?? 0,
          failed: runner.stats?.failures ?? failures.length,
          pending: runner.stats?.pending ?? 0,
          failures,
        }),
      );
      runner.on('fail', (test, error: unknown) => {
        failures.push({ title: test.fullTitle(), message: error instanceof Error ? error.message : String(error) });
      });
    } catch (error) {
      // A test file that throws while loading: the caller reports the stage as crashed.
      reject(error);
    }
  });
}
