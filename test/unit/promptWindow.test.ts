import * as assert from 'node:assert/strict';
import { fitPrompt } from '../../src/core/continuation/promptWindow';
import { rng } from '../../bench/tokenCountProse';

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

  it('keeps the paragraph cut a search of every cut would choose, in fewer counts, on text whose density varies', async () => {
    const r = rng(5);
    for (let n = 0; n < 300; n++) {
      // Paragraphs of very different words per character, so where the cut falls is hard to guess.
      const paragraphs = Array.from({ length: 5 + Math.floor(r() * 200) }, () =>
        Array.from({ length: 1 + Math.floor(r() * 30) }, () => 'x'.repeat(1 + Math.floor(r() * (r() < 0.5 ? 3 : 40)))).join(' '),
      );
      const text = paragraphs.join('\n\n');
      const total = await words(text);
      const room = 1 + Math.floor(r() * total);
      // The reference: every paragraph cut, first to last; the first whose tail fits.
      let expected: { at: number; tokens: number } | undefined;
      let tail = total;
      for (let at = 0, i = 0; i < paragraphs.length - 1 && !expected; i++) {
        at += paragraphs[i].length + 2;
        tail -= await words(paragraphs[i]);
        if (tail <= room) expected = { at, tokens: tail };
      }
      let counts = 0;
      const counting = (t: string) => (counts++, words(t));
      const fitted = await fitPrompt(text, { contextSize: room, maxTokens: 0, overhead: 0 }, counting, 'trimStart');
      if (total <= room) {
        assert.ok(fitted.fits && fitted.trimmedChars === 0);
        continue;
      }
      if (!expected || expected.tokens < room / 4) continue; // a finer cut is taken then, checked above
      assert.ok(fitted.fits);
      assert.deepEqual({ at: fitted.trimmedChars, tokens: fitted.tokens }, expected, `paragraphs ${paragraphs.length}, room ${room}`);
      assert.ok(counts <= 2 + 2 * Math.ceil(Math.log2(paragraphs.length)), `${counts} counts for ${paragraphs.length} paragraphs`);
    }
  });
});
