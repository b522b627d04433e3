import * as assert from 'node:assert/strict';
import { activateLore, compileLore } from '../../src/core/story/loreActivation';
import { LoreEntry, loreEntry } from '../../src/core/story/loreEntry';

const options = { scanTokens: 1000, charsPerToken: 1, recursionRounds: 3 };
const activate = (entries: LoreEntry[], text: string, o = options) => activateLore(compileLore(entries), text, o);
const state = (entries: LoreEntry[], text: string, o = options) =>
  Object.fromEntries(activate(entries, text, o).map((a) => [a.entry.id, a.active ? `in:${a.why.kind}` : `out:${a.why}`]));

describe('lore activation', () => {
  it('a primary key activates; the why names the key and where it is in the story text', () => {
    const [a] = activate([loreEntry('wren', { keys: ['Ash', 'Wren'] })], 'Night fell. Wren lit the lamp. wren!');
    assert.deepEqual(a.why, { kind: 'key', key: 'Wren', index: 31, length: 4, count: 2 });
  });

  const secondary: [LoreEntry['secondaryLogic'], string, boolean][] = [
    ['any', 'Wren and the lamp', true],
    ['any', 'Wren alone', false],
    ['all', 'Wren, the lamp and the oil', true],
    ['all', 'Wren and the lamp', false],
    ['notAny', 'Wren alone', true],
    ['notAny', 'Wren and the oil', false],
    ['notAll', 'Wren and the oil', true],
    ['notAll', 'Wren, the lamp and the oil', false],
  ];
  for (const [logic, text, active] of secondary) {
    it(`secondary keys with "${logic}": ${JSON.stringify(text)} → ${active ? 'in' : 'out'}`, () => {
      const [a] = activate([loreEntry('wren', { keys: ['Wren'], secondaryKeys: ['lamp', 'oil'], secondaryLogic: logic })], text);
      assert.equal(a.active, active);
      if (!active) assert.equal(a.why, 'secondary');
    });
  }

  it('always-on needs no key; disabled never goes in; no key is no match', () => {
    assert.deepEqual(
      state([loreEntry('a', { alwaysOn: true, keys: [] }), loreEntry('d', { keys: ['Wren'], enabled: false }), loreEntry('n', { keys: ['Ash'] })], 'Wren'),
      { a: 'in:alwaysOn', d: 'out:disabled', n: 'out:no-match' },
    );
  });

  it('scans only so far back from the cursor, per entry or by default', () => {
    const text = `Wren at the start. ${'x '.repeat(100)}The end.`;
    assert.deepEqual(state([loreEntry('wren', { keys: ['Wren'] })], text, { ...options, scanTokens: 50 }), { wren: 'out:no-match' });
    assert.deepEqual(state([loreEntry('wren', { keys: ['Wren'], scanTokens: 500 })], text, { ...options, scanTokens: 50 }), { wren: 'in:key' });
    // A token depth becomes characters by the tokenizer's ratio for this text.
    assert.deepEqual(state([loreEntry('wren', { keys: ['Wren'] })], text, { ...options, scanTokens: 50, charsPerToken: 5 }), { wren: 'in:key' });
  });

  it('entries activate entries through their text, a bounded number of rounds deep', () => {
    const chain = [
      loreEntry('wren', { keys: ['Wren'], content: 'Wren carries the brass key.' }),
      loreEntry('key', { keys: ['brass key'], content: 'It opens the cellar.' }),
      loreEntry('cellar', { keys: ['cellar'], content: 'The chandler died there.' }),
      loreEntry('chandler', { keys: ['chandler'], content: 'Old Marrow.' }),
    ];
    const a = activate(chain, 'Wren waited.');
    assert.deepEqual(a[1].why, { kind: 'recursion', key: 'brass key', via: 'wren' });
    assert.deepEqual(a[2].why, { kind: 'recursion', key: 'cellar', via: 'key' });
    assert.deepEqual(state(chain, 'Wren waited.', { ...options, recursionRounds: 2 }), { wren: 'in:key', key: 'in:recursion', cellar: 'in:recursion', chandler: 'out:no-match' });
    assert.deepEqual(state(chain, 'Wren waited.', { ...options, recursionRounds: 0 }), { wren: 'in:key', key: 'out:no-match', cellar: 'out:no-match', chandler: 'out:no-match' });
  });

  it('an entry that may not activate others does not; a loop of entries ends', () => {
    const quiet = [loreEntry('wren', { keys: ['Wren'], content: 'the brass key', recursive: false }), loreEntry('key', { keys: ['brass key'] })];
    assert.deepEqual(state(quiet, 'Wren'), { wren: 'in:key', key: 'out:no-match' });
    const loop = [loreEntry('a', { keys: ['Ash'], content: 'Wren' }), loreEntry('b', { keys: ['Wren'], content: 'Ash' })];
    assert.deepEqual(state(loop, 'Ash', { ...options, recursionRounds: 50 }), { a: 'in:key', b: 'in:recursion' });
  });

  it('keys an entry could not compile are left out without affecting the rest', () => {
    const compiled = compileLore([loreEntry('bad', { keys: ['/(x/', 'Wren'] }), loreEntry('ok', { keys: ['Wren'] })]);
    assert.equal(compiled[0].keys.length, 1);
    assert.deepEqual(activateLore(compiled, 'Wren', options).map((a) => a.active), [true, true]);
  });
});
