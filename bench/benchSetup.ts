// What the benchmarks that run in a real extension host do first: build the bundle writers get (or,
// to read a CPU profile, the development one with its source map beside the profile), and start the
// provider test server in a process of its own, so that its work is not in the host's event loop.
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as readline from 'readline';

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
    readline.createInterface({ input: server.stdout! }).once('line', (line) => resolve((JSON.parse(line) as { url: string }).url));
    server.once('exit', (code) => reject(new Error(`the provider test server exited with ${code}`)));
  });
  return { url, server };
}

/** After the run: the server stopped, the run's folder removed. */
export function endBench(server: ChildProcess, tempDir: string): void {
  server.stdin?.end();
  server.kill();
  fs.rmSync(tempDir, { recursive: true, force: true });
}

/** Runs a benchmark's main and exits with its outcome (the host's child processes must not keep it alive). */
export function runMain(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
