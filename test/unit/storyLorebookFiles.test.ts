import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { importLorebook, lorebookFormat } from '../../src/core/story/importLorebook';
import { MAX_LORE_FILE_CHARS, parseLoreFile, serializeLoreFile } from '../../src/core/story/loreFile';
import { LOREBOOK_LIMITS } from '../../src/core/story/lorebookInput';
import type { LoreEntry } from '../../src/core/story/loreEntry';
import { importSillyTavern } from '../../src/core/story/sillyTavernWorldInfo';

const fixture = (name: string): unknown => JSON.parse(fs.readFileSync(path.join(__dirname, '../../../test/unit/fixtures/story', name), 'utf8'));

/** An imported entry is written as `<id>.md` and read back by the story folder's parser. */
function assertSurvivesLoreFile(entry: LoreEntry): void {
  const text = serializeLoreFile(entry);
  assert.ok(text.length <= MAX_LORE_FILE_CHARS, `${entry.id}: ${text.length} characters`);
  const parsed = parseLoreFile(entry.id, text);
  assert.deepEqual(parsed.diagnostics.filter((d) => d.severity === 'error'), [], entry.id);
  assert.deepEqual(parsed.entry, entry, entry.id);
}

describe('imported lorebooks as lore files', () => {
  for (const name of ['eldoria.world.json', 'saltmere.lorebook']) {
    it(`every entry of ${name} is written and read back unchanged`, () => {
      const { entries } = importLorebook(fixture(name));
      assert.ok(entries.length > 5);
      for (const entry of entries) assertSurvivesLoreFile(entry);
    });
  }

  it('an entry at every bound still fits one lore file and reads back', () => {
    const key = (i: number, tag: string) => `${tag}${i}`.padEnd(LOREBOOK_LIMITS.keyChars, 'k');
    const { entries } = importSillyTavern({
      entries: {
        '0': {
          comment: 'N'.repeat(500),
          key: Array.from({ length: 100 }, (_, i) => key(i, 'p')),
          keysecondary: Array.from({ length: 100 }, (_, i) => key(i, 's')),
          selectiveLogic: 3,
          content: 'Lore: "quoted", with # and --- and: colons.\n'.repeat(2000),
          order: -1e9,
          position: 4,
          depth: 1e9,
          scanDepth: 1e9,
          caseSensitive: true,
          matchWholeWords: false,
          preventRecursion: true,
          constant: true,
          disable: true,
        },
      },
    });
    assert.equal(entries[0].keys.length, LOREBOOK_LIMITS.keysPerEntry);
    assert.equal(entries[0].content.length <= LOREBOOK_LIMITS.contentChars, true);
    assertSurvivesLoreFile(entries[0]);
  });
});

describe('importLorebook', () => {
  it('tells the formats apart', () => {
    assert.equal(lorebookFormat(fixture('saltmere.lorebook')), 'novelAi');
    assert.equal(lorebookFormat(fixture('eldoria.world.json')), 'sillyTavern');
    assert.equal(lorebookFormat(null), 'sillyTavern');
  });

  it('reads each with its own importer', () => {
    const nai = importLorebook(fixture('saltmere.lorebook'));
    assert.equal(nai.format, 'novelAi');
    assert.equal(nai.entries[0].name, 'Port Saltmere');
    const st = importLorebook(fixture('eldoria.world.json'));
    assert.equal(st.format, 'sillyTavern');
    assert.equal(st.entries[0].name, 'Eldoria (the kingdom)');
  });
});
