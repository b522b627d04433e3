import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { isSafeEntryId } from '../../src/core/story/entryIds';
import { loreEntry, type LoreEntry } from '../../src/core/story/loreEntry';
import { LOREBOOK_LIMITS } from '../../src/core/story/lorebookInput';
import { exportSillyTavern, importSillyTavern } from '../../src/core/story/sillyTavernWorldInfo';

const fixturePath = path.join(__dirname, '../../../test/unit/fixtures/story/eldoria.world.json');
const readFixture = (): unknown => JSON.parse(fs.readFileSync(fixturePath, 'utf8'));
/** Through text, as a file would go. */
const viaFile = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

describe('SillyTavern world info export', () => {
  it('writes the fields SillyTavern reads, with its numbers for logic and position', () => {
    const entries = [
      loreEntry('a', { name: 'A', keys: ['x'], secondaryKeys: ['y'], secondaryLogic: 'all', position: 'atDepth', depth: 2, alwaysOn: true, enabled: false, recursive: false, scanTokens: 300, caseSensitive: true, wholeWords: false, order: 7, content: 'text' }),
      loreEntry('b', { name: 'B', secondaryKeys: ['y'], secondaryLogic: 'notAll', position: 'afterMemory' }),
      loreEntry('c', { name: 'C', secondaryKeys: ['y'], secondaryLogic: 'notAny', position: 'beforeStory' }),
    ];
    const world = viaFile(exportSillyTavern(entries)) as { entries: Record<string, Record<string, unknown>> };
    assert.deepEqual(Object.keys(world.entries), ['0', '1', '2']);
    const a = world.entries['0'];
    assert.deepEqual(
      { uid: a.uid, key: a.key, keysecondary: a.keysecondary, comment: a.comment, content: a.content, constant: a.constant, selective: a.selective, selectiveLogic: a.selectiveLogic, order: a.order, position: a.position, disable: a.disable, depth: a.depth, preventRecursion: a.preventRecursion, excludeRecursion: a.excludeRecursion, scanDepth: a.scanDepth, caseSensitive: a.caseSensitive, matchWholeWords: a.matchWholeWords, probability: a.probability, useProbability: a.useProbability },
      { uid: 0, key: ['x'], keysecondary: ['y'], comment: 'A', content: 'text', constant: true, selective: true, selectiveLogic: 3, order: 7, position: 4, disable: true, depth: 2, preventRecursion: true, excludeRecursion: false, scanDepth: 3, caseSensitive: true, matchWholeWords: false, probability: 100, useProbability: true },
    );
    assert.deepEqual([world.entries['1'].selectiveLogic, world.entries['1'].position], [1, 1]);
    assert.deepEqual([world.entries['2'].selectiveLogic, world.entries['2'].position], [2, 0]);
    assert.equal(world.entries['1'].scanDepth, null, 'no scan of its own: SillyTavern global');
  });

  it('import, export, import gives the same entries; the exported file warns only of the scan conversion', () => {
    const first = importSillyTavern(readFixture());
    const second = importSillyTavern(viaFile(exportSillyTavern(first.entries)));
    assert.deepEqual(second.entries, first.entries);
    assert.deepEqual(second.warnings, ['Scan depth converted from chat messages to tokens at about 125 tokens a message: "The Drowned Bell", "Wren the chandler".']);
  });

  it('any entry Inkwell can hold comes back from SillyTavern as it went (scan rounded to whole messages)', () => {
    const word = fc.stringMatching(/^[A-Za-z][A-Za-z' ]{0,14}[A-Za-z]$/);
    const entryArb = fc.record({
      name: word,
      keys: fc.uniqueArray(word, { maxLength: 5 }),
      secondaryKeys: fc.uniqueArray(word, { maxLength: 3 }),
      secondaryLogic: fc.constantFrom<LoreEntry['secondaryLogic']>('any', 'all', 'notAny', 'notAll'),
      caseSensitive: fc.boolean(),
      wholeWords: fc.boolean(),
      alwaysOn: fc.boolean(),
      enabled: fc.boolean(),
      order: fc.integer({ min: -100_000, max: 100_000 }),
      position: fc.constantFrom<LoreEntry['position']>('beforeStory', 'afterMemory', 'atDepth'),
      depth: fc.integer({ min: 0, max: 1000 }),
      scanMessages: fc.option(fc.integer({ min: 0, max: 1000 }), { nil: undefined }),
      recursive: fc.boolean(),
      content: fc.string({ maxLength: 200 }).map((s) => s.replace(/\r|<!--/g, '').trim()),
    });
    fc.assert(
      fc.property(fc.array(entryArb, { maxLength: 8 }), (drafts) => {
        const entries = drafts.map(({ scanMessages, ...d }, i) =>
          loreEntry(`e${i}`, {
            ...d,
            name: d.name.replace(/\s+/g, ' ').trim(),
            depth: d.position === 'atDepth' ? d.depth : 4,
            secondaryLogic: d.secondaryKeys.length > 0 ? d.secondaryLogic : 'any',
            scanTokens: scanMessages === undefined ? undefined : scanMessages * 125,
          }),
        );
        const back = importSillyTavern(viaFile(exportSillyTavern(entries)));
        assert.deepEqual(back.warnings.filter((w) => !w.startsWith('Scan depth converted')), []);
        assert.deepEqual(back.entries.map(({ id: _id, ...rest }) => rest), entries.map(({ id: _id, ...rest }) => rest));
      }),
      { numRuns: 300 },
    );
  });
});

describe('SillyTavern world info import of hostile files', () => {
  it('says what it expected when given something else', () => {
    for (const json of [null, 5, 'entries', [], {}, { entries: 'x' }, { entries: null }]) {
      const { entries, warnings } = importSillyTavern(json);
      assert.deepEqual(entries, []);
      assert.match(warnings.join(), /Not SillyTavern world info/);
    }
    assert.match(importSillyTavern({ lorebookVersion: 5, entries: [] }).warnings.join(), /NovelAI/);
  });

  it('skips items that are not entries, and counts them', () => {
    const { entries, warnings } = importSillyTavern({ entries: { a: 1, b: null, c: [1], d: { key: ['k'], comment: 'Kept' } } });
    assert.deepEqual(entries.map((e) => e.name), ['Kept']);
    assert.match(warnings.join(), /3 item\(s\)/);
  });

  it('__proto__ keys are data: nothing is polluted', () => {
    const json = JSON.parse(
      '{"__proto__":{"polluted":1},"entries":{"__proto__":{"key":["k"],"comment":"__proto__","content":"c","__proto__":{"polluted":2}},' +
        '"1":{"key":{"__proto__":["x"]},"comment":"constructor","constructor":{"prototype":{"polluted":3}}}}}',
    ) as unknown;
    const { entries } = importSillyTavern(json);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.deepEqual(entries.map((e) => [e.id, e.name, e.keys]), [['constructor', 'constructor', []], ['proto', '__proto__', ['k']]]);
    const world = exportSillyTavern(entries);
    assert.equal(Object.getPrototypeOf(world.entries), Object.prototype);
    assert.deepEqual(Object.keys(world.entries), ['0', '1']);
  });

  it('bounds the entry count, the text and the keys, with warnings', () => {
    const many: Record<string, unknown> = {};
    for (let i = 0; i < 6000; i++) many[String(i)] = { uid: i, key: [`k${i}`], comment: 'Same', content: 'x'.repeat(20) };
    const { entries, warnings } = importSillyTavern({ entries: many });
    assert.equal(entries.length, LOREBOOK_LIMITS.entries);
    assert.equal(new Set(entries.map((e) => e.id)).size, LOREBOOK_LIMITS.entries);
    assert.match(warnings.join('\n'), /first 5,000 entries/);

    const big = importSillyTavern({ entries: { '0': { key: Array(1_000_000).fill('same'), comment: 'Big', content: `${'y'.repeat(40_000)}😀` } } });
    assert.deepEqual(big.entries[0].keys, ['same']);
    assert.equal(big.entries[0].content.length, LOREBOOK_LIMITS.contentChars);
    assert.match(big.warnings.join(), /Text cut to 32,768/);

    const split = importSillyTavern({ entries: { '0': { key: ['k'], content: `${'z'.repeat(LOREBOOK_LIMITS.contentChars - 1)}😀` } } });
    assert.ok(!/[\uD800-\uDBFF]$/.test(split.entries[0].content), 'no half emoji at the cut');
  });

  it('reads a million-item entries array in bounded time and memory', () => {
    const { entries, warnings } = importSillyTavern({ entries: new Array(1_000_000).fill(null) });
    assert.deepEqual(entries, []);
    assert.match(warnings.join('\n'), /first 5,000 entries/);
  });

  const wild = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constantFrom(null, -1, 1e308, 'x', '__proto__', [], {}));
  const hostileEntry = fc.record(
    {
      uid: wild, key: fc.oneof(fc.array(fc.string()), wild), keysecondary: fc.oneof(fc.array(fc.string()), wild), comment: fc.oneof(fc.string(), wild),
      content: fc.oneof(fc.string(), wild), constant: wild, selective: wild, selectiveLogic: fc.oneof(fc.integer({ min: -1, max: 5 }), wild),
      order: wild, position: fc.oneof(fc.integer({ min: -1, max: 9 }), wild), disable: wild, depth: wild, scanDepth: wild,
      caseSensitive: wild, matchWholeWords: wild, preventRecursion: wild, excludeRecursion: wild, probability: wild, useProbability: wild,
      displayIndex: wild, group: wild, characterFilter: wild, triggers: wild,
    },
    { requiredKeys: [] },
  );

  it('no JSON value makes it throw, and what comes out is bounded and safe to write', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.jsonValue(), fc.record({ entries: fc.oneof(fc.dictionary(fc.string(), fc.oneof(hostileEntry, wild)), fc.array(hostileEntry)) })),
        (json) => {
          const { entries, warnings } = importSillyTavern(viaFile(json));
          assert.ok(entries.length <= LOREBOOK_LIMITS.entries);
          assert.ok(warnings.length < 60, `${warnings.length} warnings`);
          assert.equal(new Set(entries.map((e) => e.id)).size, entries.length);
          for (const e of entries) {
            assert.ok(isSafeEntryId(e.id), e.id);
            assert.ok(e.content.length <= LOREBOOK_LIMITS.contentChars);
            assert.ok(e.keys.length <= LOREBOOK_LIMITS.keysPerEntry && e.keys.every((k) => typeof k === 'string' && k.length <= LOREBOOK_LIMITS.keyChars));
            assert.ok(Number.isInteger(e.order) && Math.abs(e.order) <= LOREBOOK_LIMITS.order);
            assert.ok(Number.isInteger(e.depth) && e.depth >= 0 && e.depth <= LOREBOOK_LIMITS.depth);
            assert.ok(e.scanTokens === undefined || (Number.isInteger(e.scanTokens) && e.scanTokens >= 0));
            assert.ok(e.name.length > 0 && e.name.length <= LOREBOOK_LIMITS.nameChars);
          }
          assert.deepEqual(importSillyTavern(viaFile(exportSillyTavern(entries))).entries, entries, 'what was read exports and reads back');
        },
      ),
      { numRuns: 500 },
    );
  });
});
