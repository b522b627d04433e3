#!/usr/bin/env node
// Stands in for the VS Code executable when @vscode/test-electron's runTests() has no desktop build
// to start: it takes the same command line (`--extensionDevelopmentPath=…`, `--extensionTestsPath=…`,
// `--user-data-dir`, a folder, …), runs the tests in code-server + headless Chromium, prints the
// extension host's console, and exits with the code the test module's run() settled with.
// runTests spawns it directly, so the compiled file must be executable (runTests.ts sees to that).
import * as fs from 'fs';
import * as path from 'path';
import { CodeServerHost, isHostNoise, startCodeServerHost, withTimeout } from './codeServerHost';

/** VS Code options that take a value; either `--name=value` or `--name value`. */
const VALUE_OPTIONS = new Set([
  'extensionDevelopmentPath',
  'extensionTestsPath',
  'extensionDevelopmentKind',
  'user-data-dir',
  'extensions-dir',
  'folder-uri',
  'file-uri',
  'locale',
  'log',
  'profile',
  'sync',
  'enable-proposed-api',
  'inspect-extensions',
  'inspect-brk-extensions',
  'crash-reporter-directory',
]);

export interface LaunchRequest {
  extensionDevelopmentPath: string[];
  extensionTestsPath?: string;
  userDataDir?: string;
  extensionsDir?: string;
  folder?: string;
  workspaceFile?: string;
  /** Options this host has no use for (sandbox, GPU, update flags …), kept for the log. */
  ignored: string[];
}

export function parseVSCodeArgs(argv: string[]): LaunchRequest {
  const request: LaunchRequest = { extensionDevelopmentPath: [], ignored: [] };
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    let value: string | undefined = eq === -1 ? undefined : arg.slice(eq + 1);
    if (value === undefined && VALUE_OPTIONS.has(name) && i + 1 < argv.length) value = argv[++i];
    switch (name) {
      case 'extensionDevelopmentPath':
        if (value) request.extensionDevelopmentPath.push(path.resolve(value));
        break;
      case 'extensionTestsPath':
        if (value) request.extensionTestsPath = path.resolve(value);
        break;
      case 'user-data-dir':
        if (value) request.userDataDir = path.resolve(value);
        break;
      case 'extensions-dir':
        if (value) request.extensionsDir = path.resolve(value);
        break;
      case 'folder-uri':
        if (value?.startsWith('file://')) positional.push(new URL(value).pathname);
        else request.ignored.push(arg);
        break;
      default:
        request.ignored.push(value === undefined ? arg : `--${name}=${value}`);
    }
  }
  for (const candidate of positional.map((p) => path.resolve(p))) {
    if (candidate.endsWith('.code-workspace')) request.workspaceFile ??= candidate;
    else if (fs.existsSync(candidate) && fs.statSync(candidate).isDirectory()) request.folder ??= candidate;
    else {
      // The browser workbench opens folders, not loose files: open the file's folder instead.
      request.folder ??= path.dirname(candidate);
      request.ignored.push(candidate);
    }
  }
  if (request.extensionTestsPath && !request.extensionTestsPath.endsWith('.js')) {
    // VS Code accepts a folder holding index.js.
    request.extensionTestsPath = path.join(request.extensionTestsPath, 'index.js');
  }
  return request;
}

/** INKWELL_* variables of this process become the extension host's environment. */
export function extensionEnvironmentFrom(env: NodeJS.ProcessEnv): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (key.startsWith('INKWELL_') && value !== undefined) picked[key] = value;
  }
  return picked;
}

function exitAfterFlush(code: number): void {
  process.exitCode = code;
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

async function main(): Promise<number> {
  const request = parseVSCodeArgs(process.argv.slice(2));
  if (request.extensionDevelopmentPath.length === 0) {
    console.error('code-server-launcher: --extensionDevelopmentPath is required');
    return 2;
  }
  const verbose = Boolean(process.env.INKWELL_HOST_VERBOSE);
  const timeoutMs = Number(process.env.INKWELL_HOST_TIMEOUT_MS) || 5 * 60_000;
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;

  let host: CodeServerHost | undefined;
  try {
    host = await startCodeServerHost({
      extensionDevelopmentPath: request.extensionDevelopmentPath,
      extensionTestsPath: request.extensionTestsPath,
      extensionEnvironment: extensionEnvironmentFrom(process.env),
      userDataDir: request.userDataDir,
      extensionsDir: request.extensionsDir,
      folder: request.folder,
      workspaceFile: request.workspaceFile,
      onServerOutput: verbose ? (line) => console.log(`[code-server] ${line}`) : undefined,
      onLog: (type, text) => {
        if (!verbose && isHostNoise(text)) return;
        if (type === 'error') console.error(text);
        else console.log(text);
      },
    });
    console.log(`code-server-launcher: workbench loaded after ${elapsed()} (${host.url.split('?')[0]})`);
    if (!request.extensionTestsPath) {
      console.log(`code-server-launcher: no --extensionTestsPath; serving until interrupted:\n${host.url}`);
      await new Promise<never>(() => undefined);
    }
    const code = await withTimeout(host.exitCode, timeoutMs, 'the extension tests to finish (INKWELL_HOST_TIMEOUT_MS)');
    console.log(`code-server-launcher: extension host exited with ${code} after ${elapsed()}`);
    return code;
  } catch (error) {
    console.error(`code-server-launcher: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    await host?.close();
  }
}

if (require.main === module) {
  main().then(exitAfterFlush, (error: unknown) => {
    console.error(error);
    exitAfterFlush(1);
  });
}
