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

/**
 * One `undo` that reaches `document`, its editor focused first. `undo` goes wherever the focus is,
 * and a webview that was just asked to take the focus can take it after showTextDocument gave it
 * to the editor: `<view>.focus` returns once VS Code has focused the webview's frame, but VS Code
 * tells that frame to focus the page inside it 50 ms later, and the frame does so when it gets to
 * the message (a page that focuses its own input on a message lands as late). The undo then goes
 * to the page and the document is left as it was. No event says where the focus is, so each undo
 * is judged by where it landed: one that reached the document has changed it by the time the
 * command returns (the change is sent first), one that went to the page has not, and the editor is
 * given the focus again. At most one undo ever reaches the document.
 */
export async function undoInDocument(document: vscode.TextDocument): Promise<void> {
  const changes: vscode.TextDocumentChangeEvent[] = [];
  const watch = vscode.workspace.onDidChangeTextDocument((e) => {
    if (e.document === document) changes.push(e);
  });
  try {
    // Each late focus is taken once; two can be on their way (a view's focus and its page's own).
    for (let attempt = 0; attempt < 3 && changes.length === 0; attempt++) {
      await vscode.window.showTextDocument(document);
      await vscode.commands.executeCommand('undo');
    }
  } finally {
    watch.dispose();
  }
  assert.equal(changes.length, 1, 'no undo reached the document: the focus stayed elsewhere');
  assert.equal(changes[0].reason, vscode.TextDocumentChangeReason.Undo);
}
