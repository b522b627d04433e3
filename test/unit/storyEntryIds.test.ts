import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { ENTRY_ID_MAX_CHARS, entryIdAllocator, entryIdFrom, isSafeEntryId } from '../../src/core/story/entryIds';

const DEVICE_NAMES = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$/i;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** What every id must be to serve as `<id>.md` on Windows, macOS and Linux, checked without our own helper. */
function assertFileNameSafe(id: string, from: string): void {
  const at = `${JSON.stringify(id)} from ${JSON.stringify(from)}`;
  assert.ok(id.length > 0, `empty: ${at}`);
  assert.ok(!/[/\\:*?"<>|]/.test(id) && ![...id].some((c) => c.charCodeAt(0) < 0x20), `a character Windows or POSIX forbids: ${at}`);
  assert.ok(!id.includes('.'), `a dot: ${at}`);
  assert.ok(!/^[-_]/.test(id) && !/[-_]$/.test(id), `starts or ends with a separator: ${at}`);
  assert.ok(!DEVICE_NAMES.test(id), `a Windows device name: ${at}`);
  assert.ok(!LONE_SURROGATE.test(id), `half of a surrogate pair: ${at}`);
  assert.ok(Array.from(id).length <= ENTRY_ID_MAX_CHARS, `too long: ${at}`);
  assert.ok(Buffer.byteLength(`${id}.md`) <= 255, `over 255 bytes: ${at}`);
  assert.notEqual(id, '__proto__', at);
}

describe('story entry ids', () => {
  const cases: Array<[string, string, string]> = [
    ['a path that climbs out', '../../etc/passwd', 'etc-passwd'],
    ['a Windows path', 'C:\\Windows\\System32', 'c-windows-system32'],
    ['a slash', 'a/b', 'a-b'],
    ['a device name', 'CON', 'con-entry'],
    ['a device name in lower case', 'aux', 'aux-entry'],
    ['a printer port', 'LPT1', 'lpt1-entry'],
    ['a superscript port, folded by NFKC', 'COM¹', 'com1-entry'],
    ['a device name with an extension (no dot survives)', 'nul.txt', 'nul-txt'],
    ['a name', 'Eldoria Castle', 'eldoria-castle'],
    ['punctuation runs', "Smugglers' tunnels!!", 'smugglers-tunnels'],
    ['an accent, composed', 'Émile Zola', 'émile-zola'],
    ['an accent, decomposed', 'E\u0301mile', 'émile'],
    ['a mark with nothing to sit on', '\u0301abc', 'abc'],
    ['full-width letters', 'ＦＵＬＬ', 'full'],
    ['a script without case', '王小明', '王小明'],
    ['emoji around a name', '🐉 Dragon 🔥', 'dragon'],
    ['only emoji', '🐉🔥', 'entry'],
    ['empty', '', 'entry'],
    ['blank', '  \t\n ', 'entry'],
    ['dots', '...', 'entry'],
    ['dot segments', './.././', 'entry'],
    ['the prototype key', '__proto__', 'proto'],
    ['zero-width and bidi controls', 'a\u200Bb\u202Ec', 'a-b-c'],
  ];
  for (const [what, input, expected] of cases) {
    it(`${what}: ${JSON.stringify(input)} -> ${expected}`, () => {
      assert.equal(entryIdFrom(input), expected);
      assertFileNameSafe(expected, input);
    });
  }

  it('cuts 500 characters to the base length, and astral letters whole', () => {
    assert.equal(entryIdFrom('x'.repeat(500)), 'x'.repeat(56));
    const astral = entryIdFrom('𠀀'.repeat(500));
    assert.equal(Array.from(astral).length, 56);
    assert.ok(!LONE_SURROGATE.test(astral));
    assert.equal(entryIdFrom(`${'a'.repeat(55)} tail`), 'a'.repeat(55), 'no separator left at the cut');
  });

  it('any text gives a file-name-safe id, the same one every time', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.string({ unit: 'grapheme', maxLength: 80 }), fc.constantFrom('..', 'CON', 'com9', '__proto__', '/', '\\')), (text) => {
        const id = entryIdFrom(text);
        assertFileNameSafe(id, text);
        assert.ok(isSafeEntryId(id), id);
        assert.equal(entryIdFrom(text), id);
      }),
      { numRuns: 1000 },
    );
  });

  describe('isSafeEntryId', () => {
    for (const id of ['Eldoria', 'wren-the-chandler-2', 'émile', '王小明', 'x'.repeat(ENTRY_ID_MAX_CHARS)]) {
      it(`accepts ${JSON.stringify(id)}`, () => assert.equal(isSafeEntryId(id), true));
    }
    for (const id of ['', '../x', 'a/b', 'a\\b', 'a.md', 'con', 'Lpt3', '__proto__', '-rf', 'x'.repeat(ENTRY_ID_MAX_CHARS + 1), 'a b', '\u0301a']) {
      it(`refuses ${JSON.stringify(id)}`, () => assert.equal(isSafeEntryId(id), false));
    }
  });

  describe('entryIdAllocator', () => {
    it('numbers repeats from 2, whatever the case', () => {
      const next = entryIdAllocator();
      assert.deepEqual(['Dragon', 'dragon', 'DRAGON', 'Wren'].map(next), ['dragon', 'dragon-2', 'dragon-3', 'wren']);
    });

    it('steps around ids already in the folder, case-insensitively', () => {
      const next = entryIdAllocator(['Dragon', 'dragon-2']);
      assert.equal(next('dragon'), 'dragon-3');
    });

    it('does not hand out a numbered id that a later name asks for', () => {
      const next = entryIdAllocator();
      assert.deepEqual(['dragon', 'dragon', 'dragon-2'].map(next), ['dragon', 'dragon-2', 'dragon-2-2']);
    });

    it('keeps a numbered long id within the bound', () => {
      const next = entryIdAllocator();
      const name = 'y'.repeat(400);
      const ids = Array.from({ length: 12 }, () => next(name));
      assert.equal(new Set(ids).size, 12);
      for (const id of ids) assertFileNameSafe(id, name);
      assert.equal(ids[11], `${'y'.repeat(56)}-12`);
    });

    it('gives 5,000 entries of one name 5,000 distinct ids', () => {
      const next = entryIdAllocator();
      const ids = Array.from({ length: 5000 }, () => next('Untitled'));
      assert.equal(new Set(ids).size, 5000);
      assert.equal(ids[4999], 'untitled-5000');
    });
  });
});
