import * as assert from 'node:assert/strict';
import { ScanText } from '../../src/core/story/keyMatcher';
import { activateLore, compileLore } from '../../src/core/story/loreActivation';
import { LoreKeyIndex } from '../../src/core/story/loreKeyIndex';
import { loreEntry } from '../../src/core/story/loreEntry';
import { rng } from '../../bench/tokenCountProse';

// Words from several scripts and cases, so keys and texts meet in every way a match can: whole words,
// inside longer words, across case, accented, in a script written without spaces.
const WORDS = ['Wren', 'wren', 'Wrenna', 'lamp', 'Lamp', 'brass', 'key', 'Élodie', 'élodie', 'Москва', '王小明', '了', 'of', 'the', 'oil', 'Ash', 'ash'];

describe('lore activation: the key index', () => {
  it('never leaves out an entry a key of which a key-by-key search finds, for every kind of key', () => {
    const r = rng(3);
    const pick = () => WORDS[Math.floor(r() * WORDS.length)];
    for (let n = 0; n < 300; n++) {
      const entries = Array.from({ length: 12 }, (_, i) => {
        const keys = Array.from({ length: 1 + Math.floor(r() * 3) }, () => {
          const kind = r();
          if (kind < 0.2) return `/${pick()}s?/${r() < 0.5 ? 'i' : ''}`;
          if (kind < 0.4) return `${pick()} ${pick()}`;
          return pick();
        });
        return loreEntry(`e${i}`, { keys, caseSensitive: r() < 0.3, wholeWords: r() < 0.7 });
      });
      const text = Array.from({ length: Math.floor(r() * 30) }, () => pick() + (r() < 0.3 ? '' : ' ')).join('');
      const compiled = compileLore(entries);
      const scan = new ScanText(text);
      const marks = new LoreKeyIndex(compiled).candidates(scan);
      compiled.forEach((c, at) => {
        const found = c.keys.some((k) => scan.find(k) !== undefined);
        if (found) assert.equal(marks[at], 1, `${JSON.stringify(c.entry.keys)} in ${JSON.stringify(text)}`);
      });
    }
  });

  it('rules out the entries whose keys are absent, so a keystroke looks at few of a thousand', () => {
    const entries = Array.from({ length: 1000 }, (_, i) => loreEntry(`e${i}`, { keys: [`Name${i}`, `the house of Name${i}`, `/Name${i}s?/`] }));
    const compiled = compileLore(entries);
    const marks = compiled.keyIndex.candidates(new ScanText('At dusk Name17 and Name512 met Name9 by the gate.'));
    const marked = [...marks.keys()].filter((i) => marks[i]);
    // The regular expressions' filter may say "maybe" (Name51's pieces are all in "Name512"; "the house of Name1" would be a maybe for every entry anchored on "house"), never "no" wrongly.
    for (const at of [9, 17, 512]) assert.ok(marked.includes(at), `${at} in ${marked.join()}`);
    assert.ok(marked.length <= 10, marked.join());
  });

  it('a plain array of compiled entries (no index) gets the same verdicts as the indexed one', () => {
    const entries = [loreEntry('a', { keys: ['Wren'] }), loreEntry('b', { keys: ['/lamp/'] }), loreEntry('c', { keys: ['oil'] })];
    const indexed = compileLore(entries);
    const plain = [...indexed];
    const options = { scanTokens: 100, charsPerToken: 1, recursionRounds: 0 };
    const text = 'Wren lit the lamp.';
    assert.deepEqual(activateLore(plain, text, options), activateLore(indexed, text, options));
    assert.deepEqual(activateLore(plain, text, options).map((a) => a.active), [true, true, false]);
  });
});
