import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { isSafeEntryId } from '../../src/core/story/entryIds';
import { loreEntry, type LoreEntry } from '../../src/core/story/loreEntry';
import { LOREBOOK_LIMITS } from '../../src/core/story/lorebookInput';
import { importNovelAi } from '../../src/core/story/novelAiLorebook';

// Written by hand from NovelAI's .lorebook format: the fields NovelAI exports (lorebookVersion 5, a default
// lore entry's contextConfig, categories with subcontexts), as documented by NovelAI's lorebook pages and read
// by SillyTavern's convertNovelLorebook.
const fixturePath = path.join(__dirname, '../../../test/unit/fixtures/story/saltmere.lorebook');
const readFixture = (): unknown => JSON.parse(fs.readFileSync(fixturePath, 'utf8'));

function naiEntry(fields: Record<string, unknown>, config: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    text: 'Saltmere is a port.',
    contextConfig: {
      prefix: '', suffix: '\n', tokenBudget: 1, reservedTokens: 0, budgetPriority: 400, trimDirection: 'trimBottom',
      insertionType: 'newline', maximumTrimType: 'sentence', insertionPosition: -1, ...config,
    },
    lastUpdatedAt: 1702478809363, displayName: 'Saltmere', id: '3f1c2a9e-6b1d-4c55-9a0e-1d2b3c4d5e6f', keys: ['Saltmere'],
    searchRange: 1000, enabled: true, forceActivation: false, keyRelative: false, nonStoryActivatable: false, category: '',
    loreBiasGroups: [],
    ...fields,
  };
}
const importOne = (fields: Record<string, unknown>, config?: Record<string, unknown>) => {
  const { entries, warnings } = importNovelAi({ lorebookVersion: 5, entries: [naiEntry(fields, config)], settings: { orderByKeyLocations: false }, categories: [] });
  assert.equal(entries.length, 1);
  return { entry: entries[0], warnings: warnings.filter((w) => !/Search ranges/.test(w)) };
};

describe('NovelAI lorebook import', () => {
  it('reads a realistic lorebook', () => {
    const { entries } = importNovelAi(readFixture());
    // One entry cascades, so every entry's text may activate others (see the warning test).
    const common = { caseSensitive: false, wholeWords: true, recursive: true, secondaryKeys: [] };
    const expected: LoreEntry[] = [
      loreEntry('port-saltmere', {
        ...common, name: 'Port Saltmere', keys: ['Saltmere', 'port'], order: 400, position: 'beforeStory', scanTokens: 250,
        content: 'Saltmere is a fishing port of slate roofs and steep alleys, built where the river Ness meets the grey sea.',
      }),
      loreEntry('captain-ysolde', {
        ...common, name: 'Captain Ysolde', keys: ['Ysolde', '/captain\\b/'], alwaysOn: true, order: 500, position: 'beforeStory', scanTokens: 500,
        content: '[ Captain Ysolde commands the harbor watch. She is patient, scarred, and never raises her voice. ]',
      }),
      loreEntry('storm-season', {
        ...common, name: 'Storm season', keys: ['storm', 'gale'], order: -200, position: 'atDepth', depth: 3, scanTokens: 1000,
        content: 'It is storm season: the boats stay in, the wind never stops, and tempers run short.',
      }),
      loreEntry('smugglers-tunnels', {
        ...common, name: "Smugglers' tunnels", keys: ['smuggler', 'tunnel', 'drains'], enabled: false, order: 400, position: 'beforeStory', scanTokens: 250,
        content: 'Smugglers use the old drains under Tallow Lane. Only the guild knows where they come out.',
      }),
      loreEntry('the-tidecaller-cult', {
        ...common, name: 'The Tidecaller Cult', keys: ['Tidecaller', 'cult'], order: -50, position: 'atDepth', depth: 2, scanTokens: 250,
        content: 'The Tidecaller cult meets at low tide on the mudflats and offers silver to the sea.',
      }),
      loreEntry('lighthouse', {
        ...common, name: 'lighthouse', keys: ['lighthouse', 'Gull Rock'], order: 400, position: 'beforeStory', scanTokens: 250,
        content: 'The lighthouse on Gull Rock has been dark for nine years.',
      }),
    ];
    assert.deepEqual(entries, expected);
  });

  it('names what did not carry over', () => {
    const { warnings } = importNovelAi(readFixture());
    const about = (words: RegExp, name: string) =>
      assert.ok(warnings.some((w) => words.test(w) && w.includes(JSON.stringify(name))), `no warning ${words} naming ${name}:\n${warnings.join('\n')}`);
    about(/prefix and suffix/, 'Captain Ysolde');
    about(/Reserved tokens/, 'Storm season');
    about(/relative to the last key/, "Smugglers' tunnels");
    about(/Cascading/, "Smugglers' tunnels");
    about(/sentences or tokens/, 'The Tidecaller Cult');
    about(/Phrase bias/, 'The Tidecaller Cult');
    about(/top of the context/, 'lighthouse');
    about(/subcontexts/, 'Factions');
    assert.ok(warnings.some((w) => /Search ranges.*4 characters a token/.test(w)), 'says how search ranges were converted');
    assert.ok(!warnings.some((w) => w.includes('"Port Saltmere"') || w.includes('"Places"')));
  });

  it('with no cascading entry, only the story activates entries, as in NovelAI', () => {
    assert.equal(importOne({}).entry.recursive, false);
  });

  describe('placement', () => {
    // [budgetPriority, insertionPosition, insertionType] -> position, depth
    const cases: Array<[number, number, string, LoreEntry['position'], number, boolean]> = [
      [400, -1, 'newline', 'beforeStory', 4, false], // the default: placed before the story text exists, so above it
      [1, -10, 'newline', 'beforeStory', 4, false],
      [0, -1, 'newline', 'atDepth', 0, false], // after the story: at its very end
      [-400, -4, 'newline', 'atDepth', 3, false], // where NovelAI's author's note goes
      [-10, -7, 'sentence', 'atDepth', 2, true],
      [-10, -161, 'token', 'atDepth', 2, true],
      [400, 0, 'newline', 'beforeStory', 4, true], // from the top: above memory there
      [-400, 3, 'newline', 'beforeStory', 4, true],
      [-1, -5000, 'newline', 'atDepth', 999, false], // bounded
    ];
    for (const [budgetPriority, insertionPosition, insertionType, position, depth, warns] of cases) {
      it(`priority ${budgetPriority}, position ${insertionPosition} ${insertionType} -> ${position}${position === 'atDepth' ? ` ${depth}` : ''}`, () => {
        const { entry, warnings } = importOne({}, { budgetPriority, insertionPosition, insertionType });
        assert.deepEqual([entry.position, entry.depth, entry.order], [position, depth, budgetPriority]);
        assert.equal(warnings.length > 0, warns, warnings.join('\n'));
      });
    }
    it('a missing contextConfig takes NovelAI defaults', () => {
      const { entry } = importOne({ contextConfig: undefined });
      assert.deepEqual([entry.position, entry.order], ['beforeStory', 400]);
    });
  });

  describe('other fields', () => {
    const cases: Array<[string, Record<string, unknown>, Partial<LoreEntry>]> = [
      ['searchRange 1000 characters', { searchRange: 1000 }, { scanTokens: 250 }],
      ['searchRange 10000 characters', { searchRange: 10000 }, { scanTokens: 2500 }],
      ['searchRange missing: NovelAI default', { searchRange: null }, { scanTokens: 250 }],
      ['forceActivation', { forceActivation: true }, { alwaysOn: true }],
      ['enabled false', { enabled: false }, { enabled: false }],
      ['enabled missing', { enabled: undefined }, { enabled: true }],
      ['no displayName: named after the first key', { displayName: '', keys: ['Gull Rock'] }, { id: 'gull-rock', name: 'Gull Rock' }],
      ['keys with a regex', { keys: ['/gulls?/i', 'gull'] }, { keys: ['/gulls?/i', 'gull'] }],
      ['text not a string', { text: { a: 1 } }, { content: '' }],
    ];
    for (const [what, fields, expected] of cases) {
      it(what, () => {
        const { entry } = importOne(fields);
        for (const [field, value] of Object.entries(expected)) assert.deepEqual(entry[field as keyof LoreEntry], value, field);
        assert.deepEqual([entry.caseSensitive, entry.wholeWords], [false, true], 'NovelAI keys: case-insensitive, at word edges');
      });
    }
    it('a whitespace prefix and suffix are not part of the text', () => {
      const { entry, warnings } = importOne({}, { prefix: '\n', suffix: '\n\n' });
      assert.equal(entry.content, 'Saltmere is a port.');
      assert.deepEqual(warnings, []);
    });
  });

  describe('hostile files', () => {
    it('says what it expected when given something else', () => {
      for (const json of [null, 3, 'x', [], {}, { entries: {} }, { lorebookVersion: 5 }]) {
        const { entries, warnings } = importNovelAi(json);
        assert.deepEqual(entries, []);
        assert.match(warnings.join(), /Not a NovelAI lorebook/);
      }
    });

    it('bounds the entry count', () => {
      const { entries, warnings } = importNovelAi({ lorebookVersion: 5, entries: Array.from({ length: 5200 }, (_, i) => naiEntry({ displayName: `E${i}` })) });
      assert.equal(entries.length, LOREBOOK_LIMITS.entries);
      assert.match(warnings.join('\n'), /first 5,000 entries/);
    });

    const wild = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constantFrom(null, -1, 1e308, '__proto__', [], {}));
    const config = fc.record(
      { prefix: wild, suffix: wild, reservedTokens: wild, budgetPriority: fc.oneof(fc.integer(), wild), insertionType: fc.oneof(fc.constantFrom('newline', 'sentence', 'token'), wild), insertionPosition: fc.oneof(fc.integer(), wild) },
      { requiredKeys: [] },
    );
    const entry = fc.record(
      { text: fc.oneof(fc.string(), wild), contextConfig: fc.oneof(config, wild), displayName: fc.oneof(fc.string(), wild), keys: fc.oneof(fc.array(fc.string()), wild), searchRange: wild, enabled: wild, forceActivation: wild, keyRelative: wild, nonStoryActivatable: wild, loreBiasGroups: wild, advancedConditions: wild },
      { requiredKeys: [] },
    );

    it('no JSON value makes it throw, and what comes out is bounded and safe to write', () => {
      fc.assert(
        fc.property(fc.oneof(fc.jsonValue(), fc.record({ lorebookVersion: wild, entries: fc.array(fc.oneof(entry, wild)), categories: wild })), (json) => {
          const { entries, warnings } = importNovelAi(JSON.parse(JSON.stringify(json)) as unknown);
          assert.ok(warnings.length < 40);
          assert.equal(new Set(entries.map((e) => e.id)).size, entries.length);
          for (const e of entries) {
            assert.ok(isSafeEntryId(e.id), e.id);
            assert.ok(e.content.length <= LOREBOOK_LIMITS.contentChars && e.name.length <= LOREBOOK_LIMITS.nameChars);
            assert.ok(Math.abs(e.order) <= LOREBOOK_LIMITS.order && e.depth >= 0 && e.depth <= LOREBOOK_LIMITS.depth);
            assert.ok(Number.isInteger(e.scanTokens) && (e.scanTokens ?? -1) >= 0);
          }
        }),
        { numRuns: 500 },
      );
    });
  });
});
