// The code-server process alone: a throwaway profile, a private temp dir, a free port, and a wait for
// /healthz. `npm start` uses only this (a person brings the browser); the test runners put a browser
// on it (workbenchBrowser.ts). Every process started here dies with close() or with this process.
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { CodeServerInstall, locateCodeServer, selectedVersion } from './codeServerInstall';
import { installExitHooks, killGroup, liveCleanups, liveGroups } from './hostCleanup';
import { QUIET_SETTINGS, readUserSettings, userSettingsPath, writeUserSettings } from './userSettings';
import { withTimeout } from './withTimeout';

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
