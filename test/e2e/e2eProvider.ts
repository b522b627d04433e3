// The provider the e2e workbenches write with: Infermatic's wire format (the test server's litellm
// flavor) at a loopback address, with the key from the environment. A custom provider, since a
// built-in provider's environment key is meant for its public service and a moved base URL asks first.
import type { Locator, Page } from 'playwright-core';
import { startProviderTestServer, type ProviderTestServer } from '../server/providerTestServer';

export const E2E_KEY = 'e2e-key';
/** For the workbench's environment: where the custom provider reads its key. */
export const E2E_KEY_ENV = { INKWELL_E2E_KEY: E2E_KEY };

/** A test server that answers with `script`, taking the e2e key, for as long as a suite of workbench tests lasts. */
export function startE2eServer(script: readonly string[]): Promise<ProviderTestServer> {
  return startProviderTestServer({ flavor: 'litellm', apiKeys: [E2E_KEY], script, maxLifetimeMs: 10 * 60_000 });
}

/** User settings that make the server at `url` the active provider. */
export function testServerProvider(url: string): Record<string, unknown> {
  return {
    'inkwell.providers': [{ id: 'infermatic-e2e', name: 'Infermatic (test server)', kind: 'litellm', baseUrl: url, apiKeyEnvVar: 'INKWELL_E2E_KEY', requiresApiKey: true }],
    'inkwell.provider': 'infermatic-e2e',
  };
}

/** Continue Writing's status bar item. */
export const generationItem = (page: Page): Locator => page.locator('[id="inkwell.inkwell.inkwell.generation"]');
