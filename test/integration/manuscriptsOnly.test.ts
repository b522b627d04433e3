// The status bar counts (and may send to the provider's counter) only manuscripts: prose languages
// in the writer's own files. Never settings.json with its keys, never a JSON file, and nothing at all
// leaves the machine for counting when the writer turns the server count off.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { startProviderTestServer, type ProviderTestServer } from '../server/providerTestServer';
import { closeAllEditors, inkwell, openDocument, resetUserSettings, setUserSetting, waitFor } from './testKit';

describe('token counts: manuscripts only', function () {
  this.timeout(40_000);
  let server: ProviderTestServer;
  const sentToCounter = () => server.requests.filter((r) => r.path === '/tokenize').map((r) => JSON.stringify(r.body));

  beforeEach(async () => {
    server = await startProviderTestServer({ flavor: 'vllm', requireAuth: false, maxLifetimeMs: 120_000 });
    await setUserSetting('inkwell.providers', [{ name: 'Local vLLM', kind: 'vllm', baseUrl: server.url }]);
    await setUserSetting('inkwell.provider', 'local-vllm');
    await setUserSetting('inkwell.model', 'anthracite-org/magnum-v4-72b');
  });
  afterEach(async () => {
    await closeAllEditors();
    await resetUserSettings();
    await server.close();
  });

  async function countedByServer(): Promise<void> {
    const { tokenStatus } = await inkwell();
    await waitFor('the server count of the manuscript', () => tokenStatus.state?.count.source === 'server');
  }

  async function hidden(): Promise<void> {
    const { tokenStatus } = await inkwell();
    await waitFor('the token count to hide', () => tokenStatus.state === undefined);
  }

  it('counts a Markdown chapter with the server, then hides for a JSON file and sends none of it', async () => {
    await openDocument('The lamp was lit.');
    await countedByServer();
    await openDocument('{ "apiKey": "sk-never-leaves-0042" }', 'json');
    await hidden();
    assert.ok(!sentToCounter().some((body) => body.includes('sk-never-leaves-0042')), 'a JSON file went to the token counter');
  });

  it('never counts the user settings file', async () => {
    await setUserSetting('inkwell.sampling.seed', 987654321);
    await openDocument('The lamp was lit.');
    await countedByServer();
    await vscode.commands.executeCommand('workbench.action.openSettingsJson');
    await waitFor('settings.json to open', () => vscode.window.activeTextEditor?.document.uri.path.endsWith('settings.json'));
    await hidden();
    assert.ok(!sentToCounter().some((body) => body.includes('987654321')), 'settings.json went to the token counter');
  });

  it('counts plain text too, and a language the writer adds', async () => {
    await openDocument('Plain words here.', 'plaintext');
    await countedByServer();
    await openDocument('\\chapter{One}', 'latex');
    await hidden();
    await setUserSetting('inkwell.manuscript.languages', ['markdown', 'plaintext', 'latex']);
    await countedByServer();
  });

  it('counts on this machine only when the server count is off', async () => {
    await setUserSetting('inkwell.tokenCount.useServer', false);
    const { tokenStatus } = await inkwell();
    await openDocument('The lamp was lit, and the street went quiet.');
    const state = await waitFor('a local count', () => (tokenStatus.state?.count.exact ? tokenStatus.state : undefined));
    assert.notEqual(state.count.source, 'server');
    assert.deepEqual(sentToCounter(), [], 'text left the machine for counting');
  });
});
