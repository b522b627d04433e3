import * as assert from 'node:assert/strict';
import { isManuscript } from '../../src/core/manuscripts';
import { SETTINGS } from '../../src/core/settingsSchema';

const defaults = SETTINGS['inkwell.manuscript.languages'].default;

describe('manuscripts: what the status bar may count', () => {
  it('takes Markdown and plain text in the writer’s files, saved or not, local or remote', () => {
    for (const scheme of ['file', 'untitled', 'vscode-remote', 'vscode-vfs']) {
      assert.equal(isManuscript({ scheme, languageId: 'markdown' }, defaults), true, scheme);
      assert.equal(isManuscript({ scheme, languageId: 'plaintext' }, defaults), true, scheme);
    }
  });

  it('never takes settings, output, logs, git or diff views, whatever their language', () => {
    for (const scheme of ['vscode-userdata', 'output', 'vscode-settings', 'git', 'debug', 'vscode-notebook-cell', 'walkThroughSnippet']) {
      assert.equal(isManuscript({ scheme, languageId: 'markdown' }, defaults), false, scheme);
      assert.equal(isManuscript({ scheme, languageId: 'plaintext' }, ['plaintext', 'jsonc', 'log']), false, scheme);
    }
  });

  it('never takes code or configuration by default', () => {
    for (const languageId of ['json', 'jsonc', 'dotenv', 'ini', 'yaml', 'typescript', 'log', 'properties']) {
      assert.equal(isManuscript({ scheme: 'file', languageId }, defaults), false, languageId);
    }
  });

  it('takes a language only when the writer lists it', () => {
    assert.equal(isManuscript({ scheme: 'file', languageId: 'asciidoc' }, defaults), false);
    assert.equal(isManuscript({ scheme: 'file', languageId: 'asciidoc' }, [...defaults, 'asciidoc']), true);
    assert.equal(isManuscript({ scheme: 'file', languageId: 'markdown' }, []), false);
  });
});
