import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ERROR_ACTIONS, ERROR_ACTION_TABLE, actionsFor } from '../../src/core/errors/errorActions';
import { ProviderError, type ProviderErrorKind } from '../../src/core/errors/providerError';
import { COMMAND_IDS } from '../../src/core/commandIds';

const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../package.json'), 'utf8'));

describe('error actions: one table for every surface', () => {
  it('runs only commands Inkwell contributes, each titled as its button says', () => {
    for (const id of ERROR_ACTIONS) {
      const { command, label } = ERROR_ACTION_TABLE[id];
      if (command === undefined) continue;
      assert.ok((COMMAND_IDS as readonly string[]).includes(command), `${id} runs ${command}, which is not in the command table`);
      const contributed = (manifest.contributes.commands as { command: string; title: string }[]).find((c) => c.command === command);
      assert.ok(contributed, `${command} is not contributed`);
      assert.equal(contributed.title, label, `${id}: the button and the command palette name it differently`);
    }
  });

  it('sends a key problem to Set API Key and a missing model to Select Model', () => {
    for (const kind of ['auth', 'no-key', 'forbidden'] as ProviderErrorKind[]) assert.deepEqual(actionsFor(new ProviderError({ kind })), ['setApiKey'], kind);
    assert.deepEqual(actionsFor(new ProviderError({ kind: 'no-model' })), ['selectModel']);
    assert.deepEqual(actionsFor(new ProviderError({ kind: 'not-found', modelMissing: true })), ['selectModel']);
    assert.deepEqual(actionsFor(new ProviderError({ kind: 'not-found' })), ['showLog']);
  });

  it('offers the log for everything else, and never Retry (each surface retries its own way)', () => {
    for (const kind of ['server', 'network', 'timeout', 'rate-limit', 'cut', 'stream-error', 'context-overflow'] as ProviderErrorKind[]) {
      const actions: string[] = actionsFor(new ProviderError({ kind }));
      assert.deepEqual(actions, ['showLog'], kind);
      assert.ok(!actions.includes('retry'));
    }
  });
});
