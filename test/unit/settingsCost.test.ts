// A repository's .vscode/settings.json must not multiply the writer's bill: the settings that decide
// what a request costs are held to their declared ranges, and an untrusted workspace decides none.
import * as assert from 'node:assert/strict';
import { RESTRICTED_SETTINGS, SETTINGS, SettingKey, clampToDeclaration, workspaceMayDecide } from '../../src/core/settingsSchema';

const COST: SettingKey[] = ['inkwell.sampling.maxTokens', 'inkwell.sampling.minTokens', 'inkwell.sampling.n', 'inkwell.contextSize'];

describe('settings: what a workspace may cost', () => {
  it('bounds every cost setting above and below', () => {
    for (const key of COST) {
      const { minimum, maximum } = SETTINGS[key] as { minimum?: number; maximum?: number };
      assert.ok(typeof minimum === 'number' && typeof maximum === 'number', `${key} has no range`);
    }
  });

  it('clamps a hostile workspace file to the declared range', () => {
    assert.equal(clampToDeclaration('inkwell.sampling.n', 1000), 8);
    assert.equal(clampToDeclaration('inkwell.sampling.n', 0), 1);
    assert.equal(clampToDeclaration('inkwell.sampling.maxTokens', 1_000_000), 32768);
    assert.equal(clampToDeclaration('inkwell.sampling.minTokens', 1e12), 32768);
    assert.equal(clampToDeclaration('inkwell.contextSize', 1e9), 1048576);
    assert.equal(clampToDeclaration('inkwell.contextSize', 3), 256);
    assert.equal(clampToDeclaration('inkwell.sampling.temperature', 99), 5);
  });

  it('leaves values in range, and non-numbers for the reader to reject', () => {
    assert.equal(clampToDeclaration('inkwell.sampling.n', 3), 3);
    assert.equal(clampToDeclaration('inkwell.sampling.maxTokens', 300), 300);
    assert.equal(clampToDeclaration('inkwell.contextSize', null), null);
    assert.equal(clampToDeclaration('inkwell.sampling.n', '1000'), '1000');
    assert.ok(Number.isNaN(clampToDeclaration('inkwell.sampling.n', NaN)));
  });

  it('lets a trusted workspace carry its own preset, within range', () => {
    for (const key of COST) assert.equal(workspaceMayDecide(key, true), true, key);
    assert.equal(workspaceMayDecide('inkwell.sampling.temperature', true), true);
  });

  it('takes no cost setting, prompt or route from an untrusted workspace', () => {
    for (const key of [...COST, 'inkwell.generation.systemPrompt', 'inkwell.chat.systemPrompt', 'inkwell.generation.mode'] as SettingKey[]) {
      assert.equal(workspaceMayDecide(key, false), false, key);
      assert.ok(RESTRICTED_SETTINGS.includes(key), `${key} is not declared restricted to VS Code`);
    }
    // A harmless style setting is still the novel's own.
    assert.equal(workspaceMayDecide('inkwell.sampling.temperature', false), true);
  });

  it('never lets a workspace decide where a request goes, trusted or not', () => {
    for (const [key, declaration] of Object.entries(SETTINGS)) {
      if (declaration.scope !== 'application') continue;
      assert.equal(workspaceMayDecide(key as SettingKey, true), false, key);
    }
  });
});
