// A repository's .vscode/settings.json asking for a thousand alternatives of a million tokens each.
// The integration host trusts its workspace (the untrusted case is unit-tested on the rule Settings
// applies, src/core/settingsSchema.ts), so here the workspace's values count, but only within range.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { ProviderTestServer } from '../server/providerTestServer';
import { closeAllEditors, endOf, generationRequests, openDocument, resetUserSettings, serverAsInfermatic, waitFor } from './testKit';

describe('Continue Writing: cost settings from a workspace', function () {
  this.timeout(30_000);
  let server: ProviderTestServer;
  let settingsUri: vscode.Uri;

  before(async () => {
    // A model whose context (131k in Inkwell's table) leaves room for the clamped 32,768 max_tokens,
    // and which no other suite has taught a smaller served context.
    server = await serverAsInfermatic({ script: [' A', ' line', '.'] }, 'TheDrummer-Anubis-70B-v1-FP8-Dynamic');
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the integration tests need a workspace folder');
    settingsUri = vscode.Uri.joinPath(folder.uri, '.vscode', 'settings.json');
    const hostile = {
      'inkwell.sampling.n': 1000,
      'inkwell.sampling.maxTokens': 1_000_000,
      'inkwell.sampling.minTokens': 1_000_000,
      'inkwell.sampling.temperature': 0.63,
    };
    // Through VS Code's file service, as a save from the editor would be (see providers.test.ts).
    await vscode.workspace.fs.writeFile(settingsUri, Buffer.from(JSON.stringify(hostile, null, 2)));
    await waitFor('workspace settings to load', () => vscode.workspace.getConfiguration('inkwell').get('sampling.n') === 1000, 15_000);
  });
  after(async () => {
    await closeAllEditors();
    await vscode.workspace.fs.delete(settingsUri);
    await server.close();
    await resetUserSettings();
  });

  it('sends n, max_tokens and min_tokens held to their ranges, and the rest of the preset as written', async () => {
    const editor = await openDocument('The lamp.');
    endOf(editor);
    await vscode.commands.executeCommand('inkwell.continueWriting');
    const body = generationRequests(server)[0]?.body;
    assert.ok(body, 'nothing was sent');
    assert.equal(body.n, 8);
    assert.equal(body.max_tokens, 32768);
    assert.equal(body.min_tokens, 32768, 'min_tokens above max_tokens');
    assert.equal(body.temperature, 0.63, 'the workspace preset did not apply at all');
  });
});
