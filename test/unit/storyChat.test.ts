import * as assert from 'node:assert/strict';
import { chatStoryContext } from '../../src/core/story/chatStory';
import { compileLore } from '../../src/core/story/loreActivation';
import { loreEntry } from '../../src/core/story/loreEntry';

const words = async (text: string) => text.split(/\s+/).filter(Boolean).length;
const options = { loreShare: 0.25, scanTokens: 1000, recursionRounds: 3, authorsNoteDepth: 3, partSeparator: '\n\n', storySeparator: '\n***\n' };

describe('story folder in the chat panel', () => {
  const story = {
    memory: 'A gaslight mystery.',
    authorsNote: 'Keep it slow.',
    lore: compileLore([
      loreEntry('wren', { keys: ['Wren'], content: 'Wren: the lamplighter’s daughter.', order: 200 }),
      loreEntry('key', { keys: ['brass key'], content: 'The brass key opens the cellar.', position: 'atDepth' }),
      loreEntry('ash', { keys: ['Ash'], content: 'Ash never appears.' }),
    ]),
  };

  it('memory, the entries the conversation activates (lower order first, any position) and the note', async () => {
    const r = await chatStoryContext(story, 'What does Wren do with the brass key?', options, 1000, words);
    assert.equal(r.text, 'A gaslight mystery.\n\nThe brass key opens the cellar.\n\nWren: the lamplighter’s daughter.\n\nAuthor\'s note: Keep it slow.');
    assert.deepEqual(r.lore.map((v) => [v.entry.id, v.active]), [['wren', true], ['key', true], ['ash', false]]);
  });

  it('lore keeps its share of the context', async () => {
    // 5 tokens of lore room: Wren (order 200, 4 tokens) goes in, the key's entry (6) does not.
    const r = await chatStoryContext(story, 'Wren and the brass key', options, 20, words);
    assert.deepEqual(r.lore.map((v) => (v.active ? 'in' : v.why)), ['in', 'budget', 'no-match']);
  });

  it('an empty folder adds nothing', async () => {
    assert.equal((await chatStoryContext({ memory: '', authorsNote: '', lore: [] }, 'Hello', options, 1000, words)).text, '');
  });
});
