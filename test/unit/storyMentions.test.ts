import * as assert from 'node:assert/strict';
import { CompiledEntry, compileLore } from '../../src/core/story/loreActivation';
import { loreEntry } from '../../src/core/story/loreEntry';
import { LineIndex, MentionSearch, inFrontMatter, loreBodyStart, loreExcerpt, mentionAt, mentionSummary } from '../../src/core/story/loreMentions';

/** Entries by id, each `[id, keys, caseSensitive?]`, compiled the way the story folder compiles them. */
function lore(...specs: [string, string[], boolean?][]): CompiledEntry[] {
  return compileLore(specs.map(([id, keys, caseSensitive]) => loreEntry(id, { keys, caseSensitive: caseSensitive ?? false })));
}
const at = (line: string, offset: number, entries: CompiledEntry[]) => {
  const m = mentionAt(line, offset, entries);
  return m && { id: m.entry.entry.id, key: m.key, text: line.slice(m.index, m.index + m.length) };
};
const spans = (m: { mentions: { index: number; length: number; key: string }[] }) => m.mentions.map((x) => [x.index, x.length, x.key]);

describe('lore mentions: the key under the cursor', () => {
  const cast = lore(['elodie', ['Élodie']], ['renee', ['Renée']], ['wang', ['王小明']], ['li', ['李雷']], ['wren', ['Wren']], ['father', ['Wren Ashby']], ['hall', ['Ashby Hall']], ['captain', ['/Captain \\w+/']], ['rook', ['Rook'], true], ['moth', ['moth']]);
  const cases: [string, string, number, string | undefined, string | undefined][] = [
    // what, line, cursor offset, the entry expected (undefined: none), the text it covers
    ['an accented capital folds', 'Puis ÉLODIE sourit.', 7, 'elodie', 'ÉLODIE'],
    ['an accented name later in the line', 'Élodie et Renée', 12, 'renee', 'Renée'],
    ['between two names, nothing', 'Élodie et Renée', 8, undefined, undefined],
    ['Chinese inside a sentence', '他看见王小明了', 4, 'wang', '王小明'],
    ['Chinese: the character before the name is not it', '他看见王小明了', 2, undefined, undefined],
    ['two Chinese names side by side: the one the cursor is on', '王小明李雷', 3, 'li', '李雷'],
    ['a regular expression key', 'Then Captain Rourke spoke', 15, 'captain', 'Captain Rourke'],
    ['the longer key of another entry wins', 'Wren Ashby waited', 1, 'father', 'Wren Ashby'],
    ['the shorter one where it stands alone', 'Wren Ashby and Wren', 16, 'wren', 'Wren'],
    ['equal lengths overlapping: the nearer middle (left)', 'Wren Ashby Hall', 6, 'father', 'Wren Ashby'],
    ['equal lengths overlapping: the nearer middle (right)', 'Wren Ashby Hall', 9, 'hall', 'Ashby Hall'],
    ['only one covers the end', 'Wren Ashby Hall', 13, 'hall', 'Ashby Hall'],
    ['case-sensitive entries skip other cases', 'the rook flew', 5, undefined, undefined],
    ['case-sensitive entries take their own case', 'the Rook flew', 5, 'rook', 'Rook'],
    ['case-insensitive by default', 'a MOTH, a Moth', 3, 'moth', 'MOTH'],
    ['the cursor right after a name still finds it', 'Wren.', 4, 'wren', 'Wren'],
    ['whole words: not inside a longer name', 'Wrenna smiled', 2, undefined, undefined],
  ];
  for (const [what, line, offset, id, text] of cases) {
    it(`${what}: ${JSON.stringify(line)} at ${offset}`, () => {
      const found = at(line, offset, cast);
      assert.deepEqual(found && { id: found.id, text: found.text }, id === undefined ? undefined : { id, text });
    });
  }

  it('reports the key as the writer wrote it', () => {
    assert.equal(at('Then Captain Rourke spoke', 6, cast)?.key, '/Captain \\w+/');
  });

  it('on a very long line, scans around the cursor and finds what a full scan finds', () => {
    const line = `${'the lamp was lit '.repeat(2000)}and Wren Ashby came ${'down the street '.repeat(2000)}`;
    const offset = line.indexOf('Ashby') + 2;
    assert.ok(line.length > 60_000);
    assert.deepEqual(at(line, offset, cast), { id: 'father', key: 'Wren Ashby', text: 'Wren Ashby' });
    assert.equal(mentionAt(line, offset, cast)?.index, line.indexOf('Wren Ashby'));
    assert.equal(at(line, 10, cast), undefined);
  });
});

describe('lore mentions: every mention of an entry in a file', () => {
  it('two keys of one entry overlapping make one mention, the longer', () => {
    const [wren] = lore(['wren', ['Wren', 'Wren Ashby']]);
    assert.deepEqual(spans(new MentionSearch(wren, [wren]).in('Wren Ashby met Wren.', 100)), [[0, 10, 'Wren Ashby'], [15, 4, 'Wren']]);
  });

  it('a mention inside a longer key of another entry belongs to that entry', () => {
    const entries = lore(['wren', ['Wren']], ['father', ['Wren Ashby']]);
    const scan = 'Wren Ashby met Wren.';
    assert.deepEqual(spans(new MentionSearch(entries[0], entries).in(scan, 100)), [[15, 4, 'Wren']]);
    assert.deepEqual(spans(new MentionSearch(entries[1], entries).in(scan, 100)), [[0, 10, 'Wren Ashby']]);
  });

  it('a longer match that only overlaps does not take the mention', () => {
    const entries = lore(['hall', ['Ashby Hall']], ['father', ['Wren Ashby']]);
    assert.deepEqual(spans(new MentionSearch(entries[0], entries).in('Wren Ashby Hall', 100)), [[5, 10, 'Ashby Hall']]);
  });

  it('a regular expression key of another entry can take a mention', () => {
    const entries = lore(['wren', ['Wren']], ['titles', ['/Wren the \\w+/']]);
    assert.deepEqual(spans(new MentionSearch(entries[0], entries).in('Wren the Younger and Wren', 100)), [[21, 4, 'Wren']]);
  });

  it('accented and Chinese names, case rules per entry', () => {
    const entries = lore(['elodie', ['élodie']], ['wang', ['王小明']], ['rook', ['Rook'], true]);
    const text = 'ÉLODIE vit 王小明。rook, Rook et Élodie.';
    assert.deepEqual(spans(new MentionSearch(entries[0], entries).in(text, 100)), [[0, 6, 'élodie'], [29, 6, 'élodie']]);
    assert.deepEqual(spans(new MentionSearch(entries[1], entries).in(text, 100)), [[11, 3, '王小明']]);
    assert.deepEqual(spans(new MentionSearch(entries[2], entries).in(text, 100)), [[21, 4, 'Rook']]);
  });

  it('a regular expression key of the entry is held by another entry’s longer plain key', () => {
    const entries = lore(['wren', ['/Wren/']], ['father', ['Wren Ashby']]);
    assert.deepEqual(spans(new MentionSearch(entries[0], entries).in('Wren Ashby met Wren', 100)), [[15, 4, '/Wren/']]);
  });

  it('finds the same on every line of a file with any line break, and skips longer words', () => {
    const entries = lore(['wren', ['Wren']], ['father', ['Wren Ashby']]);
    const text = 'Wren.\r\nWrenna and Wren Ashby.\rThen WREN\nwren';
    assert.deepEqual(spans(new MentionSearch(entries[0], entries).in(text, 100)), [[0, 4, 'Wren'], [35, 4, 'Wren'], [40, 4, 'Wren']]);
  });

  it('on a very long line, finds every mention wherever the scanned windows fall', () => {
    const entries = lore(['wren', ['Wren']], ['father', ['Wren Ashby']]);
    let line = 'lamp Wren Ashby';
    const expected: number[] = [];
    // A window reaches 2,000 characters either side of the mention it starts at. Mentions just inside
    // its edge (gap + 4 just under 2,000), inside the margin kept from it, and just past it, each
    // followed by a gap too long for the next window to reach back.
    for (const gap of [5000, 1994, 4000, 1995, 4000, 1993, 4000, 1900, 3000, 2001, 3999, 10, 1790, 4100]) {
      line += ' '.repeat(gap);
      expected.push(line.length);
      line += 'Wren';
    }
    // Longer words cut by a window's edge: "xWren" and "Wrenx" are no mentions, though "Wren" is all a window sees of them.
    line += `${' '.repeat(3000)}xWren${' '.repeat(1996)}`;
    expected.push(line.length);
    line += `Wren${' '.repeat(1992)}Wrenx${' '.repeat(3000)}`;
    line += ' lamp Wren Ashby';
    assert.ok(line.length > 35_000 && !line.includes('\n'));
    assert.deepEqual(new MentionSearch(entries[0], entries).in(line, 100).mentions.map((m) => m.index), expected);
    assert.deepEqual(new MentionSearch(entries[1], entries).in(line, 100).mentions.map((m) => m.index), [5, line.length - 10]);
  });

  it('stops at the limit and says so', () => {
    const [wren] = lore(['wren', ['Wren']]);
    const found = new MentionSearch(wren, [wren]).in('Wren. '.repeat(10), 3);
    assert.deepEqual(spans(found), [[0, 4, 'Wren'], [6, 4, 'Wren'], [12, 4, 'Wren']]);
    assert.equal(found.capped, true);
    assert.equal(new MentionSearch(wren, [wren]).in('Wren. '.repeat(3), 3).capped, false);
  });

  it('agrees with the hover: a mention listed is hovered as its entry, and a hover lies in a listed mention', () => {
    const entries = lore(['wren', ['Wren']], ['father', ['Wren Ashby']], ['hall', ['Ashby Hall']], ['ash', ['Ash', '/Ash(?:es)?/']], ['wang', ['王小明']]);
    const words = ['Wren', 'Ashby', 'Hall', 'Ash', 'Ashes', '王小明', 'the', 'lamp', ',', '。'];
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let round = 0; round < 300; round++) {
      const line = Array.from({ length: 8 }, () => words[Math.floor(random() * words.length)]).join(random() < 0.5 ? ' ' : '');
      const listed = new Map(entries.map((e) => [e.entry.id, new MentionSearch(e, entries).in(line, 1000).mentions]));
      for (const [id, mentions] of listed) {
        for (const m of mentions) {
          const hovered = Array.from({ length: m.length }, (_, i) => mentionAt(line, m.index + i, entries)?.entry.entry.id);
          assert.ok(hovered.includes(id), `${JSON.stringify(line)}: ${id} at ${m.index} is listed but never hovered`);
        }
      }
      for (let offset = 0; offset < line.length; offset++) {
        const m = mentionAt(line, offset, entries);
        if (!m || m.index + m.length === offset) continue;
        const own = listed.get(m.entry.entry.id)!;
        assert.ok(own.some((x) => x.index <= offset && offset < x.index + x.length), `${JSON.stringify(line)}: hover at ${offset} shows ${m.entry.entry.id}, whose list misses it`);
      }
    }
  });
});

describe('lore mentions: positions, the lore file, the hover text and the lens', () => {
  it('turns offsets into lines and characters with any line break', () => {
    const index = new LineIndex('ab\r\ncd\ref\ngh');
    assert.deepEqual([0, 1, 4, 5, 7, 10, 11].map((o) => index.position(o)), [
      { line: 0, character: 0 },
      { line: 0, character: 1 },
      { line: 1, character: 0 },
      { line: 1, character: 1 },
      { line: 2, character: 0 },
      { line: 3, character: 0 },
      { line: 3, character: 1 },
    ]);
  });

  it('finds where a lore file’s text starts', () => {
    assert.equal(loreBodyStart('---\nkeys: [Wren]\n---\nWren is seventeen.\n'), 3);
    assert.equal(loreBodyStart('---\r\nname: Wren\r\nkeys: [Wren]\r\n---\r\n\r\n  \r\nWren is seventeen.'), 6);
    assert.equal(loreBodyStart('Wren is seventeen.'), 0);
    assert.equal(loreBodyStart('\n\nWren is seventeen.'), 2);
    assert.equal(loreBodyStart('\uFEFF---\nkeys: Wren\n---\nText'), 3);
  });

  it('knows the front matter’s lines', () => {
    const source = '---\nkeys: [Wren]\n---\nWren is seventeen.\n';
    assert.deepEqual([0, 1, 2, 3].map((l) => inFrontMatter(source, l)), [true, true, true, false]);
    assert.equal(inFrontMatter('Wren is seventeen.\n---\n', 0), false);
  });

  it('cuts the hover’s excerpt at a word, a line count, never inside a character', () => {
    assert.equal(loreExcerpt('Wren: the lamplighter’s daughter.'), 'Wren: the lamplighter’s daughter.');
    assert.equal(loreExcerpt('one two three four five', 14), 'one two three …');
    assert.equal(loreExcerpt('a\nb\nc\nd', 600, 2), 'a\nb …');
    const emoji = loreExcerpt(`${'x'.repeat(599)}😀 tail`, 600);
    assert.ok(!/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/.test(emoji), 'a lone high surrogate');
    assert.ok(emoji.endsWith(' …'));
  });

  it('says how often and in how many chapters', () => {
    assert.equal(mentionSummary(0, 0), 'Not mentioned in the manuscript');
    assert.equal(mentionSummary(1, 1), 'Mentioned once in 1 chapter');
    assert.equal(mentionSummary(14, 5), 'Mentioned 14 times in 5 chapters');
    assert.equal(mentionSummary(2, 1), 'Mentioned 2 times in 1 chapter');
    assert.equal(mentionSummary(10_000, 1_200, true), 'Mentioned 10,000+ times in 1,200 chapters');
  });
});
