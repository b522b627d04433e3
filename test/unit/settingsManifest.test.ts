import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SETTINGS, RESTRICTED_SETTINGS } from '../../src/core/settingsSchema';
import { COMMAND_IDS } from '../../src/core/commandIds';

const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../package.json'), 'utf8'));
const properties: Record<string, Record<string, unknown>> = manifest.contributes.configuration.properties;

describe('settings: code and package.json agree', () => {
  it('declares the same keys', () => {
    assert.deepEqual(Object.keys(properties).sort(), Object.keys(SETTINGS).sort());
  });

  for (const [key, declaration] of Object.entries(SETTINGS)) {
    it(`${key} has the same type, default and scope`, () => {
      const p = properties[key];
      assert.deepEqual(p.type, declaration.type);
      assert.deepEqual(p.default, declaration.default);
      assert.equal(p.scope, declaration.scope);
      assert.deepEqual(p.enum, (declaration as { enum?: string[] }).enum);
      assert.equal(p.minimum, (declaration as { minimum?: number }).minimum, 'minimum');
      assert.equal(p.maximum, (declaration as { maximum?: number }).maximum, 'maximum');
    });
  }

  it('scopes every setting that decides where a request goes to the application', () => {
    for (const key of Object.keys(SETTINGS)) {
      if (/baseUrl|providers$|provider$|headers|proxy|network\./i.test(key)) {
        assert.equal(properties[key].scope, 'application', key);
      }
    }
  });

  it('lists the restricted settings for untrusted workspaces', () => {
    assert.deepEqual(manifest.capabilities.untrustedWorkspaces.restrictedConfigurations, RESTRICTED_SETTINGS);
    assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
  });

  it('names every contributed command inkwell.*', () => {
    for (const c of manifest.contributes.commands) assert.match(c.command, /^inkwell\.[a-zA-Z]+$/);
  });

  it('contributes exactly the commands of the command table', () => {
    const contributed = (manifest.contributes.commands as { command: string }[]).map((c) => c.command);
    assert.deepEqual([...contributed].sort(), [...COMMAND_IDS].sort());
    assert.equal(new Set(contributed).size, contributed.length, 'a command is contributed twice');
  });
});
