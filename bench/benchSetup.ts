// What the benchmarks that run in a real extension host do first: build the bundle writers get (or,
// to read a CPU profile, the development one with its source map beside the profile), and start the
// provider test server in a process of its own, so that its work is not in the host's event loop.
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as readline from 'readline';
import { runTests } from '@vscode/test-electron';
import { vscodeExecutable } from '../test/host/vscodeExecutable';

export const repoRoot = path.resolve(__dirname, '../..');

export function buildForBench(profile = process.env.INKWELL_BENCH_PROFILE): void {
  const built = spawnSync(process.execPath, ['esbuild.js', ...(profile ? [] : ['--production'])], { cwd: repoRoot, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`node esbuild.js failed:\n${built.stdout}${built.stderr}`);
  if (profile) fs.copyFileSync(path.join(repoRoot, 'dist', 'extension.js.map'), `${profile}.map`);
}

/** The test server as Infermatic (litellm) with `key`; it exits with its stdin, so with the benchmark. */
export async function startBenchServer(key: string, lifetimeMs = 30 * 60_000): Promise<{ url: string; server: ChildProcess }> {
  const cli = path.join(repoRoot, 'out', 'test', 'server', 'cli.js');
  const server = spawn(process.execPath, [cli, '--flavor', 'litellm', '--key', key, '--lifetime-ms', String(lifetimeMs), '--exit-with-stdin'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the provider test server did not start')), 10_000);
    readline.createInterface({ input: server.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      resolve((JSON.parse(line) as { url: string }).url);
    });
    server.once('exit', (code) => reject(new Error(`the provider test server exited with ${code}`)));
  });
  return { url, server };
}

export function stopBenchServer(server: ChildProcess): void {
  server.stdin?.end();
  server.kill();
}

/**
 * Runs `hostScript` (a file in out/bench/host) in a fresh extension host on an empty workspace, with its
 * own profile, the test server's address and key and `env` (unset values left out); returns what the
 * script wrote to its result file. The run's folder is removed afterwards.
 */
export async function runInHost<T>(hostScript: string, server: { url: string; key: string }, env: Record<string, string | undefined> = {}): Promise<T> {
  const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), `inkwell-bench-${path.basename(hostScript, '.js')}-`));
  const resultFile = path.join(tempDir, 'result.json');
  const workspace = path.join(tempDir, 'workspace');
  fs.mkdirSync(workspace);
  try {
    const given = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
    await runTests({
      vscodeExecutablePath: vscodeExecutable(),
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: path.join(__dirname, 'host', hostScript),
      launchArgs: [workspace, `--user-data-dir=${path.join(tempDir, 'user-data')}`, `--extensions-dir=${path.join(tempDir, 'extensions')}`, '--disable-extensions'],
      extensionTestsEnv: { INKWELL_BENCH_SERVER: server.url, INKWELL_BENCH_KEY: server.key, INKWELL_BENCH_RESULT_FILE: resultFile, ...given },
    });
    return JSON.parse(fs.readFileSync(resultFile, 'utf8')) as T;
  } finally {
    fs.rmSync(tempDir, { recursive: true, force: true });
  }
}

/** Runs a benchmark's main and exits with its outcome (the host's child processes must not keep it alive). */
export function runMain(main: () => Promise<number | void>): void {
  main().then(
    (code) => process.exit(code ?? 0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
