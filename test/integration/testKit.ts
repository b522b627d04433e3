// Shared set-up for integration tests in the real extension host: the extension's test API, the
// provider test server wired in as Infermatic through user settings, documents to write into.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { InkwellTestApi } from '../../src/extension';
import type { ProviderTestServer, ProviderTestServerOptions } from '../server/providerTestServer';
import { startProviderTestServer } from '../server/providerTestServer';
export { waitFor } from '../waitFor';

export const TEST_KEY = 'test-key';
export const EURYALE = 'Sao10K-L3.3-70B-Euryale-v2.3-FP8-Dynamic';

export async function inkwell(): Promise<InkwellTestApi> {
  const extension = vscode.extensions.getExtension<InkwellTestApi | undefined>('inkwell.inkwell');
  assert.ok(extension, 'Inkwell is not loaded');
  const api = await extension.activate();
  assert.ok(api, 'Inkwell gives its test API only in test mode');
  return api;
}

export async function setUserSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration().update(key, value, vscode.ConfigurationTarget.Global);
}

/** Every Inkwell user setting back to its default. */
export async function resetUserSettings(): Promise<void> {
  const manifest = vscode.extensions.getExtension('inkwell.inkwell')!.packageJSON;
  for (const key of Object.keys(manifest.contributes.configuration.properties)) {
    if (vscode.workspace.getConfiguration().inspect(key)?.globalValue !== undefined) await setUserSetting(key, undefined);
  }
}

/** A provider test server, set as the Infermatic base URL with a stored key and a model selected. */
export async function serverAsInfermatic(
  options: ProviderTestServerOptions = {},
  model = EURYALE,
): Promise<ProviderTestServer> {
  const api = await inkwell();
  const server = await startProviderTestServer({ maxLifetimeMs: 120_000, ...options });
  await setUserSetting('inkwell.infermatic.baseUrl', server.url);
  await setUserSetting('inkwell.provider', 'infermatic');
  await setUserSetting('inkwell.model', model);
  const profile = api.services.targets.profile('infermatic');
  assert.ok(profile);
  assert.equal(profile.baseUrl, server.url);
  await api.services.keys.set(profile, TEST_KEY);
  return server;
}

export async function openDocument(text: string, language = 'markdown'): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument({ language, content: text });
  return vscode.window.showTextDocument(document, { preview: false });
}

export function endOf(editor: vscode.TextEditor): void {
  const end = editor.document.positionAt(editor.document.getText().length);
  editor.selection = new vscode.Selection(end, end);
}

/** Closes every editor without a save prompt (the test documents are untitled and dirty). */
export async function closeAllEditors(): Promise<void> {
  for (let i = 0; i < 20 && vscode.window.activeTextEditor; i++) {
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

export function generationRequests(server: ProviderTestServer) {
  return server.requests.filter((r) => r.method === 'POST' && /\/(chat\/)?completions$/.test(r.path));
}
