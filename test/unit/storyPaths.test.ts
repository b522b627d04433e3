import * as assert from 'node:assert/strict';
import { storyFolderPath } from '../../src/core/story/storyPaths';

describe('story folder path', () => {
  const cases: [string, string[] | undefined][] = [
    ['', ['story']],
    ['story', ['story']],
    ['notes/story bible', ['notes', 'story bible']],
    ['./lore/', ['lore']],
    ['notes\\codex', ['notes', 'codex']],
    ['..', undefined],
    ['../secrets', undefined],
    ['story/../../..', undefined],
    ['/home/writer/.ssh', undefined],
    ['C:/Users', undefined],
    ['c:\\Users', undefined],
    ['\\\\server\\share', undefined],
    ['.', undefined],
  ];
  for (const [setting, expected] of cases) {
    it(`${JSON.stringify(setting)} → ${JSON.stringify(expected)}`, () => assert.deepEqual(storyFolderPath(setting), expected));
  }
});
