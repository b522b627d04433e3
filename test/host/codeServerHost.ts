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
//
// This module is the one the runners, `npm start` (test/host/start.js) and the benchmarks import; the
// pieces live beside it, one concern each, and are re-exported here so callers need only one name:
//   codeServerInstall  which code-server build, and where it is installed;
//   userSettings       the throwaway profile's settings file;
//   codeServerProcess  launching and stopping the server;
//   workbenchUrl       the URL with the development payload;
//   workbenchBrowser   Chromium and the workbench page;
//   hostCleanup        killing what is left when this process exits;
//   hostNoise          what the workbench logs on every run.
import { CodeServer, ServerOptions, startCodeServer } from './codeServerProcess';
import { Workbench, WorkbenchOptions, openWorkbench } from './workbenchBrowser';

export { VSCODE_VERSIONS, CODE_SERVER_VERSION, CodeServerInstall, repoRoot, locateCodeServer } from './codeServerInstall';
export { QUIET_SETTINGS, userSettingsPath, readUserSettings, writeUserSettings } from './userSettings';
export { CodeServer, ServerOptions, freePort, startCodeServer } from './codeServerProcess';
export { DevelopmentPayload, WorkbenchTarget, workbenchUrl } from './workbenchUrl';
export { CHROMIUM_PATH, CHROMIUM_ARGS, Workbench, WorkbenchOptions, enableSmokeTestDriver, openWorkbench } from './workbenchBrowser';
export { withTimeout } from './withTimeout';
export { isHostNoise } from './hostNoise';

export interface HostOptions extends ServerOptions, WorkbenchOptions {}

export interface CodeServerHost extends Workbench {
  server: CodeServer;
  /** Closes the browser, then the server. Idempotent. */
  close(): Promise<void>;
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
