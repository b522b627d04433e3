import * as assert from 'node:assert/strict';
import { fitPrompt } from '../../src/core/continuation/promptWindow';

const words = async (text: string) => text.split(/\s+/).filter(Boolean).length;

describe('fitPrompt', () => {
  const story = ['One two three four.', 'Five six seven eight.', 'Nine ten eleven twelve.'].join('\n\n');

  it('sends everything when it fits', async () => {
    const r = await fitPrompt(story, { contextSize: 100, maxTokens: 10, overhead: 0 }, words, 'trimStart');
    assert.deepEqual(r, { fits: true, text: story, tokens: 12, trimmedChars: 0 });
  });

  it('trims from the start at a paragraph boundary', async () => {
    const r = await fitPrompt(story, { contextSize: 20, maxTokens: 10, overhead: 1 }, words, 'trimStart');
    assert.ok(r.fits);
    assert.equal(r.text, 'Five six seven eight.\n\nNine ten eleven twelve.');
  });

  it('falls back to a sentence boundary when no paragraph cut fits well', async () => {
    const text = 'A b c. D e f. G h i. J k l.';
    const r = await fitPrompt(text, { contextSize: 16, maxTokens: 10, overhead: 0 }, words, 'trimStart');
    assert.ok(r.fits);
    assert.equal(r.text, 'G h i. J k l.');
  });

  it('refuses with the numbers when asked to, or when nothing fits', async () => {
    assert.deepEqual(await fitPrompt(story, { contextSize: 20, maxTokens: 10, overhead: 0 }, words, 'refuse'), { fits: false, tokens: 12, available: 10 });
    assert.deepEqual(await fitPrompt(story, { contextSize: 10, maxTokens: 10, overhead: 0 }, words, 'trimStart'), { fits: false, tokens: 12, available: 0 });
  });
});
