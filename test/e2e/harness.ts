// What an e2e test file needs: a real workbench (code-server + headless Chromium) with Inkwell loaded
// as a development extension, a fresh workspace, and a few helpers that drive it the way a person does.
//
//   describe('chat panel', function () {
//     const wb = useWorkbench({ files: { 'notes.md': '# Notes' } });
//     it('opens', async () => {
//       await wb.runCommand('Inkwell: Open Chat');
//       await wb.statusBarItem('Inkwell').waitFor();
//       await wb.screenshot('chat-open');
//     });
//   });
//
// One workbench per `useWorkbench` call (normally one per file), started in `before`, closed in `after`.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Locator, Page } from 'playwright-core';
import { CodeServerHost, isHostNoise, repoRoot, startCodeServerHost } from '../host/codeServerHost';

export interface WorkbenchFixtureOptions {
  /** A folder copied as the workspace; default test/fixtures/sample-manuscript. */
  fixture?: string;
  /** Files (workspace-relative path → content) written into the workspace after the copy. */
  files?: Record<string, string>;
  /** Written to the profile's User/settings.json before the server starts. */
  userSettings?: Record<string, unknown>;
  /** Extension host environment, added to this process's INKWELL_* variables. */
  env?: Record<string, string>;
}

export interface E2eWorkbench {
  readonly page: Page;
  readonly host: CodeServerHost;
  /** Absolute path of the opened workspace folder (a fresh copy). */
  readonly workspace: string;
  /** The extension host's console so far, workbench noise left out. */
  readonly extensionLog: readonly string[];
  /** Runs a command by its palette title, e.g. 'Inkwell: Continue Writing' (F1, type, Enter). */
  runCommand(title: string): Promise<void>;
  /** A status bar item by (part of) its text; wait on it with `.waitFor()`. */
  statusBarItem(text: string | RegExp): Locator;
  /** Saves test-results/screenshots/<name>.png and returns its path. */
  screenshot(name: string): Promise<string>;
  /** Opens a workspace file through Quick Open and waits for its editor tab. */
  openFile(relativePath: string): Promise<void>;
  /** Resolves when the extension host logs a line matching `pattern`. */
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<string>;
}

export interface LaunchedWorkbench extends E2eWorkbench {
  close(): Promise<void>;
}

const UI_TIMEOUT = 15_000;
const QUICK_INPUT = '.quick-input-widget';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function screenshotDir(): string {
  return path.join(repoRoot(), 'test-results', 'screenshots');
}

/** Starts a workbench outside mocha's hooks; `useWorkbench` is the usual way. */
export async function launchWorkbench(options: WorkbenchFixtureOptions = {}): Promise<LaunchedWorkbench> {
  const root = repoRoot();
  const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'inkwell-e2e-'));
  const fixture = options.fixture ?? path.join(root, 'test', 'fixtures', 'sample-manuscript');
  // The copy keeps the fixture's name: it is the name the Explorer and the window title show.
  const workspace = path.join(tempDir, path.basename(fixture));
  fs.cpSync(fixture, workspace, { recursive: true });
  for (const [relative, content] of Object.entries(options.files ?? {})) {
    fs.mkdirSync(path.dirname(path.join(workspace, relative)), { recursive: true });
    fs.writeFileSync(path.join(workspace, relative), content);
  }

  const extensionLog: string[] = [];
  const logWaiters = new Set<(line: string) => void>();
  const inkwellEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('INKWELL_'))) as Record<
    string,
    string
  >;
  let host: CodeServerHost;
  try {
    host = await startCodeServerHost({
      extensionDevelopmentPath: root,
      extensionEnvironment: { ...inkwellEnv, ...options.env },
      folder: workspace,
      userSettings: options.userSettings,
      onLog: (_type, text) => {
        if (isHostNoise(text)) return;
        extensionLog.push(text);
        if (process.env.INKWELL_HOST_VERBOSE) console.log(`      [host] ${text}`);
        for (const waiter of logWaiters) waiter(text);
      },
    });
    await host.page.locator('#workbench\\.parts\\.statusbar').waitFor({ state: 'visible', timeout: 60_000 });
  } catch (error) {
    fs.rmSync(tempDir, { recursive: true, force: true });
    throw error;
  }
  const page = host.page;

  async function quickInput(text: string, focusedRow: RegExp | string): Promise<void> {
    const input = page.locator(`${QUICK_INPUT} input.input`);
    // F1 can be swallowed while a modal editor or a notification has focus: Escape, then try again.
    for (let attempt = 1; !(await input.isVisible()); attempt++) {
      await page.keyboard.press('F1');
      try {
        await input.waitFor({ state: 'visible', timeout: attempt < 3 ? 2000 : UI_TIMEOUT });
      } catch (error) {
        if (attempt >= 3) throw error;
        await page.keyboard.press('Escape');
      }
    }
    await input.fill(text);
    // Enter acts on the focused row, so wait until the list has caught up with the typed text.
    await page
      .locator(`${QUICK_INPUT} .monaco-list-row.focused`, { hasText: focusedRow })
      .first()
      .waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    await page.keyboard.press('Enter');
  }

  return {
    page,
    host,
    workspace,
    extensionLog,

    async runCommand(title) {
      await quickInput(`>${title}`, new RegExp(`^${escapeRegExp(title)}`, 'i'));
    },

    statusBarItem(text) {
      return page.locator('#workbench\\.parts\\.statusbar .statusbar-item', { hasText: text });
    },

    async screenshot(name) {
      const file = path.join(screenshotDir(), `${name.replace(/[^\w.-]+/g, '-')}.png`);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      await page.screenshot({ path: file, timeout: UI_TIMEOUT });
      return file;
    },

    async openFile(relativePath) {
      const name = path.basename(relativePath);
      // Quick Open without the '>' prefix searches files.
      await quickInput(relativePath, name);
      await page
        .locator('.editor-group-container.active .tab.active', { hasText: name })
        .waitFor({ state: 'visible', timeout: UI_TIMEOUT });
      // Quick Open is still closing when the tab shows; a command palette opened now would be swallowed.
      await page.locator(QUICK_INPUT).waitFor({ state: 'hidden', timeout: UI_TIMEOUT });
    },

    waitForLog(pattern, timeoutMs = UI_TIMEOUT) {
      const seen = extensionLog.find((line) => pattern.test(line));
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          logWaiters.delete(waiter);
          reject(new Error(`no extension host log matching ${pattern} within ${timeoutMs} ms`));
        }, timeoutMs);
        const waiter = (line: string) => {
          if (!pattern.test(line)) return;
          clearTimeout(timer);
          logWaiters.delete(waiter);
          resolve(line);
        };
        logWaiters.add(waiter);
      });
    },

    async close() {
      await host.close();
      fs.rmSync(tempDir, { recursive: true, force: true });
    },
  };
}

/**
 * Gives the enclosing `describe` a workbench: started in `before`, closed in `after`, with a
 * screenshot and the extension host's recent log on every failed test. Use the returned object
 * only inside hooks and tests.
 */
export function useWorkbench(options: WorkbenchFixtureOptions = {}): E2eWorkbench {
  let launched: LaunchedWorkbench | undefined;
  const current = (): LaunchedWorkbench => {
    if (!launched) throw new Error('the workbench is not started; use it inside a test or hook');
    return launched;
  };

  before(async function () {
    this.timeout(120_000);
    launched = await launchWorkbench(options);
  });
  afterEach(async function () {
    const test = this.currentTest;
    if (!launched || test?.state !== 'failed') return;
    const file = await launched.screenshot(`FAILED-${test.fullTitle()}`).catch(() => undefined);
    if (file) console.log(`      screenshot: ${path.relative(repoRoot(), file)}`);
    const recent = launched.extensionLog.slice(-30);
    if (recent.length > 0) console.log(`      extension host log (last ${recent.length} lines):\n        ${recent.join('\n        ')}`);
  });
  after(async function () {
    this.timeout(30_000);
    await launched?.close();
    launched = undefined;
  });

  return {
    get page() {
      return current().page;
    },
    get host() {
      return current().host;
    },
    get workspace() {
      return current().workspace;
    },
    get extensionLog() {
      return current().extensionLog;
    },
    runCommand: (title) => current().runCommand(title),
    statusBarItem: (text) => current().statusBarItem(text),
    screenshot: (name) => current().screenshot(name),
    openFile: (relativePath) => current().openFile(relativePath),
    waitForLog: (pattern, timeoutMs) => current().waitForLog(pattern, timeoutMs),
  };
}

/**
 * Chooses a colour theme through the command palette, as a writer does. The caller waits for its own
 * sign that the theme is on (the workbench's class, a webview's body class).
 */
export async function pickColorTheme(page: Page, theme: string, waitMs = 20_000): Promise<void> {
  const quick = page.locator('.quick-input-widget');
  await page.keyboard.press('F1');
  await quick.locator('input.input').fill('>Preferences: Color Theme');
  await quick.locator('.monaco-list-row', { hasText: /^Preferences: Color Theme/ }).first().click();
  await quick.locator('input.input').fill(theme);
  await quick.locator('.monaco-list-row.focused', { hasText: new RegExp(`^${theme}`) }).first().waitFor({ timeout: waitMs });
  await page.keyboard.press('Enter');
}
