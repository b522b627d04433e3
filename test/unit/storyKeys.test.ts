import * as assert from 'node:assert/strict';
import { CompiledKey, ScanText, compileKey, requiredLiteral } from '../../src/core/story/keyMatcher';

const key = (source: string, caseSensitive = false, wholeWords = true): CompiledKey => {
  const c = compileKey(source, { caseSensitive, wholeWords });
  if ('error' in c) throw new Error(c.error);
  return c;
};
const found = (text: string, source: string, caseSensitive = false, wholeWords = true) => new ScanText(text).find(key(source, caseSensitive, wholeWords));

describe('lore keys: matching', () => {
  const cases: [string, string, string, boolean, boolean, number | undefined][] = [
    // text, key, what, caseSensitive, wholeWords, index of the last match (undefined: none)
    ['Wren lit the lamp.', 'wren', 'case-insensitive by default', false, true, 0],
    ['Wren lit the lamp.', 'wren', 'case-sensitive when asked', true, true, undefined],
    ['Wrenna lit the lamp.', 'Wren', 'whole words: not inside a longer name', false, true, undefined],
    ['Wrenna lit the lamp.', 'Wren', 'part of a word when whole words are off', false, false, 0],
    ["Wren's lamp", 'Wren', 'a possessive ends the word', false, true, 0],
    ['the brass key turned', 'Brass Key', 'several words', false, true, 4],
    ['the brass  key turned', 'brass key', 'not across a double space', false, true, undefined],
    ['Élodie sourit. Élodie partit.', 'élodie', 'accented capitals fold, the last match is reported', false, true, 15],
    ['Renée et Élodie', 'Ren', 'accented letters are word characters', false, true, undefined],
    ['王小明走进了房间。', '王小明', 'Chinese needs no word boundary', false, true, 0],
    ['他看见王小明了', '王小明', 'Chinese inside a sentence', false, true, 3],
    ['Rene\u0301e', 'Rene', 'a combining accent belongs to the letter before it', false, true, undefined],
    ['Wren说：你好', 'Wren', 'a Latin name right before Chinese text', false, true, 0],
    ['Москва ждала. В Москве', 'москва', 'Cyrillic folds, and a declined form is another word', false, true, 0],
    ['İstanbul was loud', 'istanbul', 'a letter whose lower case is longer keeps offsets', false, true, undefined],
    ['the chandler_s shop', 'chandler', 'underscore joins a word', false, true, undefined],
    ['key: 🗝️Wren🗝️', 'Wren', 'an emoji (with its variation selector) is a boundary', false, true, 8],
    ['chapter 12 begins', '/chapter \\d+/', 'a regular expression', false, true, 0],
    ['Chapter 12 begins', '/chapter \\d+/', 'regular expressions keep their own case rule', false, true, undefined],
    ['Chapter 12 begins', '/chapter \\d+/i', 'and their flags', false, true, 0],
  ];
  for (const [text, source, what, cs, ww, index] of cases) {
    it(`${what}: ${JSON.stringify(source)} in ${JSON.stringify(text)}`, () => {
      assert.equal(found(text, source, cs, ww)?.index, index);
    });
  }

  it('counts every occurrence and reports the last, with its length', () => {
    const m = found('Wren. wren! WREN? Wrenna.', 'wren');
    assert.deepEqual(m, { index: 12, length: 4, count: 3 });
  });

  it('finds the same matches with and without the word index', () => {
    // The index is used for whole-word keys; a key whose first character is not a word character is scanned.
    const text = 'Mr. Ash met mr. ash and Mr.Ash.';
    assert.equal(found(text, 'mr. ash')?.count, 2);
    assert.equal(found(text, '.Ash', false, false)?.count, 1);
  });

  it('refuses broken and dangerous regular expressions with a reason', () => {
    for (const [source, reason] of [
      ['/(unclosed/', /not a valid regular expression/],
      ['/a/g', /flag "g"/],
      ['/(a+)+b/', /can take forever/],
      ['/(\\w*)*x/i', /can take forever/],
    ] as const) {
      const c = compileKey(source, { caseSensitive: false, wholeWords: true });
      assert.ok('error' in c, source);
      assert.match(c.error, reason);
    }
    assert.ok('error' in compileKey('   ', { caseSensitive: false, wholeWords: true }));
  });

  it('a regular expression that matches nothing-width is never a match', () => {
    assert.equal(found('abc', '/x*/'), undefined);
  });
});

describe('lore keys: the literal a regular expression needs', () => {
  const cases: [string, string][] = [
    ['Wrens?', 'Wren'],
    ["Hallow(?:a|e)y", ''],
    ['the (old )?chandler', 'chandler'],
    ['(brass )+key', 'key'],
    ['ab', ''],
    ['Mar+ow', 'Mar'],
    ['[Ww]ren house', 'ren house'],
    ['chapter \\d+', 'chapter '],
    ['colou?r', 'colo'],
    ['x{2}yz', ''],
  ];
  for (const [pattern, literal] of cases) {
    it(`${pattern} → ${JSON.stringify(literal)}`, () => assert.equal(requiredLiteral(pattern), literal));
  }

  it('every match of each pattern contains its literal (so skipping texts without it loses nothing)', () => {
    const text = 'Wren and Wrens; the old chandler, the chandler; Marrrow; wren house; chapter 12; color colour';
    for (const [pattern, literal] of cases) {
      for (const m of text.matchAll(new RegExp(pattern, 'g'))) if (literal) assert.ok(m[0].includes(literal), `${pattern}: ${m[0]}`);
    }
  });

  it('a key whose longest word comes later is found through it', () => {
    assert.deepEqual(found('I met the keeper of the lamps.', 'the keeper'), { index: 6, length: 10, count: 1 });
    assert.equal(found('keeper the', 'the keeper'), undefined);
  });
});
