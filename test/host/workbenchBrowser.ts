// Headless Chromium on a started server, with the automation hooks the workbench calls
// (`codeAutomationLog`, `codeAutomationExit`) exposed and the smoke-test driver switched on in the
// page. See docs/vscode-host.md for why each Chromium flag is here.
import * as fs from 'fs';
import * as util from 'util';
import { Browser, BrowserContext, Page, chromium } from 'playwright-core';
import type { CodeServer } from './codeServerProcess';
import { liveCleanups } from './hostCleanup';
import { WorkbenchTarget, workbenchUrl } from './workbenchUrl';
import { withTimeout } from './withTimeout';

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

// The opening of the page's embedded web configuration; the driver's flag goes in right after it.
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
