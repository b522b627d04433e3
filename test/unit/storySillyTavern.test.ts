import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loreEntry, type LoreEntry } from '../../src/core/story/loreEntry';
import { importSillyTavern } from '../../src/core/story/sillyTavernWorldInfo';

// The fixture is written by hand from SillyTavern's format (public/scripts/world-info.js:
// newWorldInfoEntryDefinition, world_info_logic, world_info_position), as SillyTavern saves a world file.
const fixturePath = path.join(__dirname, '../../../test/unit/fixtures/story/eldoria.world.json');
const readFixture = (): unknown => JSON.parse(fs.readFileSync(fixturePath, 'utf8'));

/** One SillyTavern entry with the template's defaults, and `fields` over them. */
function stEntry(fields: Record<string, unknown>): Record<string, unknown> {
  return {
    uid: 0, key: ['Wren'], keysecondary: [], comment: 'Wren', content: 'A chandler.', constant: false, vectorized: false,
    selective: true, selectiveLogic: 0, addMemo: true, order: 100, position: 0, disable: false, excludeRecursion: false,
    preventRecursion: false, delayUntilRecursion: 0, probability: 100, useProbability: true, depth: 4, group: '',
    groupOverride: false, groupWeight: 100, scanDepth: null, caseSensitive: null, matchWholeWords: true,
    useGroupScoring: null, automationId: '', role: 0, sticky: null, cooldown: null, delay: null,
    ...fields,
  };
}
const importOne = (fields: Record<string, unknown>) => {
  const { entries, warnings } = importSillyTavern({ entries: { '0': stEntry(fields) } });
  assert.equal(entries.length, 1);
  return { entry: entries[0], warnings };
};

describe('SillyTavern world info import', () => {
  it('reads a realistic world file, in SillyTavern display order', () => {
    const { entries } = importSillyTavern(readFixture());
    const expected: LoreEntry[] = [
      loreEntry('eldoria-the-kingdom', {
        name: 'Eldoria (the kingdom)', keys: ['Eldoria'], alwaysOn: true,
        content: 'Eldoria is a rain-soaked coastal kingdom ruled from the city of Saltmere by Queen Ysolde the Second. Its people distrust magic and trust the sea even less.',
      }),
      loreEntry('wren-the-chandler', {
        name: 'Wren the chandler', keys: ['Wren', 'the chandler'], secondaryKeys: ['candle', 'wax'], secondaryLogic: 'any',
        caseSensitive: true, wholeWords: true, order: 90, position: 'afterMemory', recursive: false,
        content: 'Wren makes candles in a narrow shop on Tallow Lane.\nShe is forty, sharp-tongued, and owes the Harbor Guild more than she can pay.',
      }),
      loreEntry('the-drowned-bell', {
        name: 'The Drowned Bell', keys: ['/drowned\\s+bell/i', 'the bell'], secondaryKeys: ['storm'], secondaryLogic: 'notAny',
        wholeWords: false, position: 'atDepth', depth: 2, scanTokens: 5 * 125,
        content: 'Legend says a bronze bell sank with the old chapel. Sailors swear they hear it ring before a wreck.',
      }),
      loreEntry('wren-the-chandler-2', {
        name: 'Wren the chandler', keys: ["Wren's shop", 'Tallow Lane'], order: 80, position: 'afterMemory', scanTokens: 2 * 125,
        content: 'The shop smells of beeswax and lye. A brass bell over the door rings for every customer.',
      }),
      loreEntry('old-tongue', {
        name: 'Old Tongue', keys: ['Old Tongue'], secondaryKeys: ['whisper', 'chant'], secondaryLogic: 'notAll',
        position: 'atDepth', depth: 4,
        content: 'The Old Tongue is spoken only in prayers now. Words in it are said to wake things under the water.',
      }),
      loreEntry('festival-of-lanterns', {
        name: 'Festival of Lanterns', keys: ['lantern festival', 'lanterns'], position: 'beforeStory',
        content: 'Once a year the town floats paper lanterns out to sea for the drowned.',
      }),
      loreEntry('mira', { name: 'Mira', keys: ['Mira'], secondaryKeys: [], content: "Mira is Wren's younger sister, a lamplighter." }),
      loreEntry('harbor-guild', {
        name: 'Harbor Guild', keys: ['guild', 'harbor'], secondaryKeys: ['Wren', 'tithe'], secondaryLogic: 'all',
        caseSensitive: false, wholeWords: false, enabled: false, order: 50,
        content: 'The Harbor Guild licenses every boat in Saltmere and collects a tithe on each catch.',
      }),
    ];
    assert.deepEqual(entries, expected);
  });

  it('names what did not carry over, entry by entry', () => {
    const { warnings } = importSillyTavern(readFixture());
    const about = (words: RegExp, name: string) =>
      assert.ok(warnings.some((w) => words.test(w) && w.includes(JSON.stringify(name))), `no warning ${words} naming ${name}:\n${warnings.join('\n')}`);
    about(/whole words/, 'Eldoria (the kingdom)');
    about(/excludeRecursion/, 'The Drowned Bell');
    about(/Scan depth.*tokens/, 'The Drowned Bell');
    about(/author's note/, 'Old Tongue');
    about(/probability/, 'Old Tongue');
    about(/example messages/, 'Festival of Lanterns');
    about(/Inclusion groups/, 'Festival of Lanterns');
    about(/selective: false/, 'Mira');
    assert.ok(!warnings.some((w) => w.includes('Harbor Guild')), 'nothing about an entry that maps exactly');
  });

  describe('each field', () => {
    const logic: Array<[unknown, LoreEntry['secondaryLogic'], boolean]> = [
      [0, 'any', false], [1, 'notAll', false], [2, 'notAny', false], [3, 'all', false], [null, 'any', false], [7, 'any', true], ['2', 'any', true],
    ];
    for (const [selectiveLogic, expected, warns] of logic) {
      it(`selectiveLogic ${JSON.stringify(selectiveLogic)} -> ${expected}`, () => {
        const { entry, warnings } = importOne({ keysecondary: ['x'], selectiveLogic });
        assert.equal(entry.secondaryLogic, expected);
        assert.equal(warnings.some((w) => /logic/.test(w)), warns);
      });
    }

    const positions: Array<[unknown, LoreEntry['position'], number, RegExp | undefined]> = [
      [0, 'beforeStory', 4, undefined],
      [1, 'afterMemory', 4, undefined],
      [2, 'atDepth', 4, /author's note/],
      [3, 'atDepth', 4, /author's note/],
      [4, 'atDepth', 7, undefined],
      [5, 'beforeStory', 4, /example messages/],
      [6, 'beforeStory', 4, /example messages/],
      [7, 'beforeStory', 4, /outlet/],
      ['4', 'beforeStory', 4, /outlet/],
      [null, 'beforeStory', 4, undefined],
    ];
    for (const [position, expected, depth, warning] of positions) {
      it(`position ${JSON.stringify(position)} -> ${expected}${expected === 'atDepth' ? ` ${depth}` : ''}`, () => {
        const { entry, warnings } = importOne({ position, depth: 7 });
        assert.equal(entry.position, expected);
        assert.equal(entry.depth, depth);
        assert.equal(warnings.length, warning ? 1 : 0, warnings.join('\n'));
        if (warning) assert.match(warnings[0], warning);
      });
    }

    it('a user or assistant role at depth is reported', () => {
      assert.match(importOne({ position: 4, role: 1 }).warnings.join(), /role/);
      assert.deepEqual(importOne({ position: 4, role: 0 }).warnings, []);
    });

    const scans: Array<[unknown, number | undefined]> = [[null, undefined], [0, 0], [3, 375], [2.4, 250], [5000, 125_000], [-2, 0], ['3', undefined]];
    for (const [scanDepth, expected] of scans) {
      it(`scanDepth ${JSON.stringify(scanDepth)} messages -> ${expected} tokens`, () => {
        const { entry, warnings } = importOne({ scanDepth });
        assert.equal(entry.scanTokens, expected);
        assert.equal(warnings.some((w) => /Scan depth/.test(w)), expected !== undefined);
      });
    }

    const flags: Array<[string, Record<string, unknown>, Partial<LoreEntry>]> = [
      ['constant', { constant: true }, { alwaysOn: true }],
      ['disable', { disable: true }, { enabled: false }],
      ['preventRecursion', { preventRecursion: true }, { recursive: false }],
      ['caseSensitive true', { caseSensitive: true }, { caseSensitive: true }],
      ['caseSensitive null (the default)', { caseSensitive: null }, { caseSensitive: false }],
      ['matchWholeWords false', { matchWholeWords: false }, { wholeWords: false }],
      ['matchWholeWords null (the default)', { matchWholeWords: null }, { wholeWords: true }],
      ['order', { order: 250 }, { order: 250 }],
      ['an order out of range', { order: 1e12 }, { order: 100_000 }],
      ['an order that is not a number', { order: 'high' }, { order: 100 }],
      ['keys as one comma-separated string', { key: 'Wren, chandler' }, { keys: ['Wren', 'chandler'] }],
      ['blank and repeated keys', { key: [' Wren ', '', 'Wren', 7, null] }, { keys: ['Wren'] }],
      ['a regex key with the g flag', { key: ['/wren/gi'] }, { keys: ['/wren/i'] }],
      ['no comment: named after the first key', { comment: '', key: ['Mira'] }, { id: 'mira', name: 'Mira' }],
      ['no comment, no key', { comment: null, key: [] }, { id: 'entry-1', name: 'Entry 1' }],
      ['secondary keys switched off', { selective: false, keysecondary: ['x'] }, { secondaryKeys: [] }],
    ];
    for (const [what, fields, expected] of flags) {
      it(what, () => {
        const { entry } = importOne(fields);
        for (const [field, value] of Object.entries(expected)) assert.deepEqual(entry[field as keyof LoreEntry], value, field);
      });
    }

    const lost: Array<[Record<string, unknown>, RegExp]> = [
      [{ useProbability: true, probability: 25 }, /probability/],
      [{ excludeRecursion: true }, /excludeRecursion/],
      [{ delayUntilRecursion: 2 }, /Delay until recursion/],
      [{ group: 'weather' }, /Inclusion groups/],
      [{ sticky: 3 }, /Timed effects/],
      [{ vectorized: true }, /Vector/],
      [{ ignoreBudget: true }, /budget/],
      [{ matchScenario: true }, /scenario/],
      [{ characterFilter: { isExclude: false, names: ['Wren.png'], tags: [] } }, /Character filters/],
      [{ triggers: ['continue'] }, /triggers/],
      [{ key: ['/(a+)+$/'] }, /regular expressions/],
      [{ key: ['/[unclosed/'] }, /regular expressions/],
      [{ key: ['k'.repeat(201)] }, /longer than 200/],
      [{ key: Array.from({ length: 100 }, (_, i) => `key${i}`) }, /first 64 keys/],
      [{ content: 'Notes <!-- hidden --> here' }, /<!--/],
      [{ content: 7 }, /not a string/],
    ];
    for (const [fields, warning] of lost) {
      it(`warns: ${JSON.stringify(fields).slice(0, 60)}`, () => {
        const { warnings } = importOne(fields);
        assert.equal(warnings.length, 1, warnings.join('\n'));
        assert.match(warnings[0], warning);
        assert.ok(warnings[0].includes('"Wren"'), warnings[0]);
      });
    }
    it('probability off, or 100, is no loss', () => {
      assert.deepEqual(importOne({ useProbability: false, probability: 10 }).warnings, []);
      assert.deepEqual(importOne({ useProbability: true, probability: 100 }).warnings, []);
    });
  });
});
