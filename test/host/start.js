#!/usr/bin/env node
// `npm start`: Inkwell for real, in VS Code's server build, for a person with a browser.
// Installs what is missing, builds, starts the provider test server when it is built (and selects a
// custom provider pointing at it: no API key needed, deterministic prose), then serves a sample manuscript with Inkwell loaded as a development
// extension and prints the URL to open. Runs until Ctrl+C.
//
//   npm start                      serve; open the printed URL
//   npm start -- --port=8080       a fixed port instead of a free one
//   npm start -- --screenshot      open it in headless Chromium, save test-results/start.png, exit
//   npm start -- --fresh           start again from a clean profile and a clean copy of the manuscript
//
// Profile and manuscript copy live in .vscode-test/start/ (git-ignored), so edits and settings
// survive a restart; test/fixtures/sample-manuscript itself is never written to.
'use strict';
const fs = require('fs');
const path = require('path');
const { root, npm, ensureDeps, runInherit } = require('./ensure');

const args = process.argv.slice(2);
const screenshot = args.includes('--screenshot');
const fresh = args.includes('--fresh');
const portArg = args.find((a) => a.startsWith('--port='));
const port = portArg ? Number(portArg.slice('--port='.length)) : undefined;

const stateDir = path.join(root, '.vscode-test', 'start');
const manuscript = path.join(stateDir, 'sample-manuscript');
const providerServerModule = path.join(root, 'out', 'test', 'server', 'providerTestServer.js');

/**
 * The provider test server (test/server/providerTestServer.ts) as a vLLM-style server without auth,
 * so Inkwell can generate with no API key. Returns undefined (and says why) when it is not built.
 */
async function startProviderServer() {
  if (!fs.existsSync(providerServerModule)) {
    console.log('start: no provider test server built (out/test/server/providerTestServer.js); skipping it');
    return undefined;
  }
  const { startProviderTestServer } = require(providerServerModule);
  if (typeof startProviderTestServer !== 'function') {
    // TODO(provider test server): follow its API here if the export is renamed.
    console.log('start: providerTestServer.js exports no startProviderTestServer; skipping it');
    return undefined;
  }
  return startProviderTestServer({
    flavor: 'vllm',
    requireAuth: false,
    // Its default lifetime (10 minutes) suits tests, not a session.
    maxLifetimeMs: 7 * 24 * 3600_000,
  });
}

/**
 * The settings that select the test server as a custom provider (see `inkwell.providers` in
 * package.json and src/core/providers/providerCatalog.ts). Its routes match by suffix; `/v1` is the
 * base a real vLLM has.
 */
function providerSettings(serverUrl) {
  return {
    'inkwell.providers': [
      {
        id: 'test-server',
        name: 'Inkwell test server',
        kind: 'vllm',
        baseUrl: `${serverUrl}/v1`,
        requiresApiKey: false,
        defaultModel: 'Sao10K-L3.3-70B-Euryale-v2.3-FP8-Dynamic',
      },
    ],
    'inkwell.provider': 'test-server',
  };
}

function prepareState() {
  if (fresh) fs.rmSync(stateDir, { recursive: true, force: true });
  if (!fs.existsSync(manuscript)) {
    fs.cpSync(path.join(root, 'test', 'fixtures', 'sample-manuscript'), manuscript, { recursive: true });
  }
}

async function main() {
  if (!ensureDeps({ currentVSCodeOnly: true })) return 1;
  if (runInherit(npm, ['run', 'build']) !== 0) return 1;
  if (runInherit(npm, ['run', 'compile-tests']) !== 0) {
    // tsc still writes its output; carry on when the host module is there.
    console.warn('start: compile-tests reported errors; continuing with what it emitted');
  }
  const hostModule = path.join(root, 'out', 'test', 'host', 'codeServerHost.js');
  if (!fs.existsSync(hostModule)) {
    console.error(`start: ${path.relative(root, hostModule)} is missing; npm run compile-tests did not produce it`);
    return 1;
  }
  const host = require(hostModule);
  prepareState();

  const providerServer = await startProviderServer().catch((error) => {
    console.warn(`start: the provider test server did not start: ${error.message}`);
    return undefined;
  });
  const userSettings = providerServer ? providerSettings(providerServer.url) : {};

  if (screenshot) return takeScreenshot(userSettings, providerServer);

  const server = await host.startCodeServer({
    userDataDir: path.join(stateDir, 'user-data'),
    extensionsDir: path.join(stateDir, 'extensions'),
    userSettings,
    port,
  });
  const url = host.workbenchUrl(server, { folder: manuscript, extensionDevelopmentPath: root });
  server.process.once('exit', (code, signal) => {
    if (server.closing) return;
    console.error(`start: code-server stopped (${code ?? signal})\n${server.recentOutput()}`);
    process.exit(1);
  });
  process.on('exit', () => void providerServer?.close());
  console.log('');
  console.log('Inkwell is running in VS Code (code-server). Open this URL in a browser on this machine:');
  console.log('');
  console.log(`  ${url}`);
  console.log('');
  if (providerServer) console.log(`Provider test server: ${providerServer.url} (selected as provider "test-server")`);
  console.log(`Manuscript: ${path.relative(root, manuscript)}   Profile: ${path.relative(root, stateDir)}/user-data`);
  console.log('The URL carries the development payload: without it the workbench opens without Inkwell.');
  console.log('Ctrl+C stops everything.');
  return new Promise(() => undefined); // until a signal; codeServerHost's handlers clean up
}

/** Headless Chromium on the same setup; saves test-results/start.png (the README's screenshot). */
async function takeScreenshot(userSettings, providerServer) {
  const { launchWorkbench } = require(path.join(root, 'out', 'test', 'e2e', 'harness.js'));
  const workbench = await launchWorkbench({ fixture: manuscript, userSettings });
  try {
    await workbench.openFile('chapter-01.md');
    // Give activation a moment to put Inkwell's status bar item up.
    await workbench.page
      .locator('#workbench\\.parts\\.statusbar [id^="inkwell.inkwell"]')
      .first()
      .waitFor({ state: 'visible', timeout: 15_000 })
      .catch(() => console.warn('start: no Inkwell status bar item appeared within 15 s'));
    const file = path.join(root, 'test-results', 'start.png');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    await workbench.page.screenshot({ path: file });
    console.log(`start: saved ${path.relative(root, file)}`);
    return 0;
  } finally {
    await workbench.close();
    await providerServer?.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
