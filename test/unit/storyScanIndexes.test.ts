import * as assert from 'node:assert/strict';
import { PieceFilter, wordIndex } from '../../src/core/story/scanIndexes';
import { rng } from '../../bench/tokenCountProse';

// The pattern the hand-written word loop stands in for (keyMatcher's WORDS), the reference here.
const NO_SPACE = '\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Thai}\\p{Script=Lao}\\p{Script=Khmer}\\p{Script=Myanmar}';
const WORDS = new RegExp(`(?:(?![${NO_SPACE}])[\\p{L}\\p{N}_]\\p{M}*)+`, 'gu');

function byRegex(text: string): Map<string, number[]> {
  const index = new Map<string, number[]>();
  for (const m of text.matchAll(WORDS)) index.set(m[0], [...(index.get(m[0]) ?? []), m.index]);
  return index;
}

// Characters from every class the loop tells apart: ASCII word and not, accented and Cyrillic letters,
// combining marks (Latin's and Thai's), scripts written without spaces, digits of other scripts, an
// astral letter and an emoji with its selector, a lone surrogate.
const ALPHABET = [...'aZ09_ -.,\'\n\t', 'é', 'İ', 'ж', '\u0301', '\u0e31', '王', 'か', 'カ', 'ก', '٣', '𝒜', '🗝', '\ufe0f', '\ud800', 'ß', 'ǅ'];

describe('lore keys: the scanned text’s indexes', () => {
  it('finds the same words at the same places as the regular expression, on random text of every character class', () => {
    const r = rng(7);
    for (let n = 0; n < 2000; n++) {
      let text = '';
      const length = Math.floor(r() * 40);
      for (let i = 0; i < length; i++) text += ALPHABET[Math.floor(r() * ALPHABET.length)];
      assert.deepEqual(wordIndex(text), byRegex(text), JSON.stringify(text));
    }
  });

  it('a word split where a script written without spaces starts, and a mark kept with its letter', () => {
    assert.deepEqual([...wordIndex('Wren说你好 Rene\u0301e').entries()], [['Wren', [0]], ['Rene\u0301e', [8]]]);
  });

  it('the piece filter never says a piece of the text is absent, and rules out what is not there', () => {
    const r = rng(11);
    let text = '';
    for (let i = 0; i < 20_000; i++) text += String.fromCharCode(97 + Math.floor(r() * 26));
    const filter = new PieceFilter(text);
    for (let i = 0; i + 12 <= text.length; i += 97) assert.ok(filter.mayHave(text.slice(i, i + 12)));
    // Needles of letters the text never holds: the filter may collide on a piece, never on all of them.
    let ruledOut = 0;
    for (let i = 0; i < 500; i++) {
      let needle = '';
      for (let j = 0; j < 8; j++) needle += String.fromCharCode(0x430 + Math.floor(r() * 32));
      if (!filter.mayHave(needle)) ruledOut++;
    }
    assert.ok(ruledOut >= 490, `ruled out ${ruledOut} of 500`);
  });

  it('a needle shorter than a piece is never ruled out', () => {
    assert.ok(new PieceFilter('').mayHave('ab'));
  });
});
