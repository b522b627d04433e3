import * as assert from 'assert';
import fc from 'fast-check';
import { LruCache, chunkKey } from '../../src/core/tokens/paragraphCache';
import { ChunkSplitter, splitChunks } from '../../src/core/tokens/chunkSplitter';
import { ChunkLayout, commonPrefixLength, commonSuffixLength, layoutChunks } from '../../src/core/tokens/chunkLayout';
import { sharedLocalTokenizer } from './sharedTokenizers';
import { LOCAL_FAMILIES } from '../../src/core/tokens/types';
import { generateProse, rng } from '../../bench/tokenCountProse';

// Pieces that stress the chunk boundaries: blank lines of every kind, "/" after a break (Tekken's regex runs
// through it), non-breaking spaces, CR, combining marks (NFC), special-token text, contractions.
const PIECES = [
  'a', 'b', 'Zed', ' ', '  ', '\n', '\n\n', '\r\n', '\r', '\t', '.', '/', ',', '”', 'é', 'e\u0301', '日本', '😀', '1',
  '234', "'s", '-', '\u00a0', '<|im_start|>', 'word', ' the',
];

describe('tokens: paragraph chunks', function () {
  this.timeout(60_000);

  it('chunks concatenate to the text and end after blank lines', () => {
    const text = 'One.\n\nTwo two.\n \n\tThree\n\n\n/Four\r\n\r\nFive';
    const chunks = splitChunks(text);
    assert.strictEqual(chunks.join(''), text);
    // The "/" after a blank line is not a cut (Tekken would join ".\n\n\n/").
    assert.deepStrictEqual(chunks, ['One.\n\n', 'Two two.\n \n', '\tThree\n\n\n/Four\r\n\r\n', 'Five']);
  });

  it('overlong paragraphs are cut at line breaks, then before words', () => {
    const para = generateProse(2000, 4).replace(/\n\n/g, ' ');
    const chunks = splitChunks(para, 500);
    assert.strictEqual(chunks.join(''), para);
    assert.ok(chunks.length >= para.length / 500);
    assert.ok(chunks.every((c) => c.length <= 500 || !/ \p{L}/u.test(c)), 'pieces stay under the limit where a cut exists');
    assert.ok(chunks.slice(1).every((c) => c.startsWith(' ')));
  });

  it('ChunkSplitter reports its offset', () => {
    const s = new ChunkSplitter('a\n\nb\n\nc');
    assert.strictEqual(s.next(), 'a\n\n');
    assert.strictEqual(s.offset, 3);
    assert.strictEqual(s.next(), 'b\n\n');
    assert.strictEqual(s.next(), 'c');
    assert.strictEqual(s.next(), undefined);
  });

  it('concatenation holds for any text', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...PIECES), { maxLength: 80 }), fc.integer({ min: 1, max: 50 }), (arr, max) => {
        const s = arr.join('');
        assert.strictEqual(splitChunks(s, max).join(''), s);
      }),
      { numRuns: 2000 },
    );
  });

  // Documented difference between counting paragraph by paragraph and counting the whole text: none, for every
  // tokenizer (see src/core/tokens/paragraphCache.ts for why).
  for (const family of LOCAL_FAMILIES) {
    it(`${family}: sum of chunk counts == whole-text count`, () => {
      const tok = sharedLocalTokenizer(family);
      const sum = (s: string, max?: number) => splitChunks(s, max).reduce((a, c, i) => a + tok.count(c, i === 0), 0);
      const prose = generateProse(20_000, 21);
      assert.strictEqual(sum(prose), tok.count(prose, true));
      const oneLongParagraph = generateProse(2000, 22).replace(/\n\n/g, '\n');
      assert.strictEqual(sum(oneLongParagraph, 300), tok.count(oneLongParagraph, true));
      fc.assert(
        fc.property(fc.array(fc.constantFrom(...PIECES), { maxLength: 60 }), fc.integer({ min: 2, max: 40 }), (arr, max) => {
          const s = arr.join('');
          assert.strictEqual(sum(s, max), tok.count(s, true), JSON.stringify(s));
        }),
        { numRuns: 1500, seed: 42 },
      );
    });
  }

  it('LruCache evicts the least recently used', () => {
    const c = new LruCache<number>(2);
    c.set('a', 1);
    c.set('b', 2);
    c.get('a');
    c.set('c', 3);
    assert.strictEqual(c.get('b'), undefined);
    assert.strictEqual(c.get('a'), 1);
    assert.strictEqual(c.size, 2);
  });

  it('chunk keys depend on content, not identity', () => {
    const big = 'x'.repeat(10_000) + 'para\n\n';
    const slice = big.slice(10_000);
    assert.strictEqual(chunkKey(slice), chunkKey('para\n\n'));
    assert.notStrictEqual(chunkKey('para\n\n'), chunkKey('parb\n\n'));
    assert.notStrictEqual(chunkKey('a', true), chunkKey('a', false));
  });

  describe('incremental layout', () => {
    const noTick = () => undefined;
    const pieces = (l: ChunkLayout) => l.starts.map((s, i) => l.text.slice(s, l.ends[i]));

    it('common prefix and suffix', () => {
      const a = 'x'.repeat(3000) + 'abc' + 'y'.repeat(2500);
      const b = 'x'.repeat(3000) + 'aXc' + 'y'.repeat(2500);
      assert.strictEqual(commonPrefixLength(a, b), 3001);
      assert.strictEqual(commonSuffixLength(a, b, Infinity), 2501);
      assert.strictEqual(commonSuffixLength('abc', 'abc', 2), 2);
    });

    it('reuses the unchanged chunks after a keystroke, and matches a fresh split there', async () => {
      const text = generateProse(20_000, 41);
      const l1 = await layoutChunks(text, undefined, noTick);
      assert.deepStrictEqual(pieces(l1), splitChunks(text));
      const at = Math.floor(text.length / 2);
      const edited = text.slice(0, at) + 'e' + text.slice(at);
      const l2 = await layoutChunks(edited, l1, noTick);
      assert.ok(l2.reused >= l1.starts.length - 2, `reused ${l2.reused} of ${l1.starts.length}`);
      assert.deepStrictEqual(pieces(l2), splitChunks(edited));
      assert.deepStrictEqual(l2.keys, pieces(l2).map((p) => chunkKey(p)));
    });

    for (const family of ['mistral-nemo', 'llama2'] as const) {
      it(`${family}: any edit sequence keeps keys right and sums exact`, async () => {
        const tok = sharedLocalTokenizer(family);
        const base = generateProse(300, 43);
        await fc.assert(
          fc.asyncProperty(
            fc.array(fc.tuple(fc.nat(), fc.nat({ max: 6 }), fc.array(fc.constantFrom(...PIECES), { maxLength: 4 })), { minLength: 1, maxLength: 6 }),
            fc.integer({ min: 8, max: 200 }),
            async (edits, max) => {
              let text = base;
              let layout: ChunkLayout | undefined = await layoutChunks(text, undefined, noTick, max);
              for (const [pos, del, ins] of edits) {
                const at = pos % (text.length + 1);
                text = text.slice(0, at) + ins.join('') + text.slice(at + del);
                layout = await layoutChunks(text, layout, noTick, max);
                const ps = pieces(layout);
                assert.strictEqual(ps.join(''), text);
                assert.deepStrictEqual(layout.keys, ps.map((p) => chunkKey(p)));
              }
              const ps = pieces(layout!);
              assert.strictEqual(ps.reduce((a, c, i) => a + tok.count(c, i === 0), 0), tok.count(text, true));
            },
          ),
          { numRuns: 150, seed: 7 },
        );
      });
    }
  });
});


describe('tokens: a stretch with no safe cut', () => {
  const r = rng(99);
  let cjk = '';
  while (cjk.length < 300_000) cjk += String.fromCodePoint(0x4e00 + Math.floor(r() * 2000), ...(r() < 0.01 ? [0x1f600] : []));

  it('is cut at places chosen by its content, never inside a surrogate pair, and marked forced', () => {
    const ranges = [];
    const s = new ChunkSplitter(cjk);
    for (let x = s.nextRange(); x; x = s.nextRange()) ranges.push(x);
    assert.ok(ranges.length > 10);
    assert.ok(ranges.slice(0, -1).every((x) => x.forced), 'every cut but the text end is forced');
    for (const x of ranges) {
      const c = cjk.charCodeAt(x.end);
      assert.ok(!(c >= 0xdc00 && c <= 0xdfff), `cut at ${x.end} splits a surrogate pair`);
    }
  });

  it('keeps its chunks after an insert before them, so a keystroke recounts one chunk', async () => {
    const before = await layoutChunks(cjk, undefined, () => {});
    const after = await layoutChunks('字' + cjk, before, () => {});
    assert.ok(after.reused >= before.starts.length - 2, `reused ${after.reused} of ${before.starts.length}`);
    const fresh = await layoutChunks('字' + cjk, undefined, () => {});
    assert.deepStrictEqual(after.keys, fresh.keys, 'the reused layout is the fresh one');
  });
});
