// Our tokenizers against the Rust implementations the models' own tokenizers are, computed here at test time:
// - Llama 3 and Tekken: tiktoken (npm `tiktoken`, the Rust crate compiled to WASM, fancy-regex). Meta's
//   reference Llama 3 tokenizer and mistral-common's Tekkenizer are tiktoken over these rank tables.
// - Qwen2: Hugging Face tokenizers (npm `tokenizers`, the Rust library's Node binding) loading Qwen2.5's
//   tokenizer.json — what vLLM and transformers run.
// The rank tables are the published data (see tokensLocal.test.ts); the regexes are copied from the reference
// sources, not from ours. Text is chosen where JavaScript's `\s` and Unicode White_Space disagree (U+FEFF, U+0085).
import * as assert from 'assert';
import * as fs from 'fs';
import fc from 'fast-check';
import { findDataFile } from '../../src/core/tokens/localTokenizers';
import { byteLevelUnicodeToByte } from '../../src/core/tokens/byteLevelBpe';
import type { LocalFamily } from '../../src/core/tokens/types';
import { sharedLocalTokenizer } from './sharedTokenizers';
import { generateProse } from '../../bench/tokenCountProse';

interface Tiktoken {
  encode(text: string, allowedSpecial?: 'all' | string[], disallowedSpecial?: 'all' | string[]): Uint32Array;
  free(): void;
}
type TiktokenCtor = new (ranks: string, specials: Record<string, number>, pattern: string) => Tiktoken;
interface HfTokenizer {
  encode(text: string, pair: null, opts: { addSpecialTokens: boolean }): Promise<{ getIds(): number[] }>;
}

// meta-llama/llama3 llama/tokenizer.py, `pat_str`.
const META_LLAMA3_PAT =
  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

/** tiktoken's rank-file text ("<base64 bytes> <rank>" lines) for Llama 3, from llama3-tokenizer-js's vocabulary. */
function llama3RankFile(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- reference data, loaded only here
  const vocab = (require('llama3-tokenizer-js') as { default: { vocabById: string[] } }).default.vocabById;
  const u2b = byteLevelUnicodeToByte();
  const lines: string[] = [];
  for (let id = 0; id < 128_000; id++) lines.push(`${Buffer.from([...vocab[id]].map((c) => u2b.get(c)!)).toString('base64')} ${id}`);
  return lines.join('\n');
}

/** The Tekken table (js-tiktoken's compact "! <first rank> <b64>…" lines) as tiktoken's rank file, and its regex. */
function tekkenRankFile(): { ranks: string; pattern: string; offset: number } {
  const data = JSON.parse(fs.readFileSync(findDataFile('tekken-240718.json'), 'utf8')) as {
    config: { pattern: string; default_num_special_tokens: number };
    bpe_ranks: string;
  };
  const lines: string[] = [];
  for (const line of data.bpe_ranks.split('\n')) {
    if (!line) continue;
    const parts = line.split(' ');
    const first = Number(parts[1]);
    for (let i = 2; i < parts.length; i++) lines.push(`${parts[i]} ${first + i - 2}`);
  }
  return { ranks: lines.join('\n'), pattern: data.config.pattern, offset: data.config.default_num_special_tokens };
}

const WHITESPACE_CASES = [
  ' \uFEFFa',
  '\uFEFFChapter One',
  'word\uFEFF word',
  'a\u0085b',
  'end.\u0085\u0085Next',
  'x \u0085 y',
  'tab\t\u0085\n',
  '\u00A0\u00A0nbsp\u2028line\u2029para\u3000ideo\u202Fnarrow\u205Fmath\u1680ogham',
  '  \uFEFF  \u0085  ',
  '“Quoted,”\uFEFF she said.\u0085',
  'U+200B\u200Bzero width, U+180E\u180Emongolian',
];
const CHAR_POOL = ['a', 'B', ' ', '  ', '\n', '\r\n', '\t', '\uFEFF', '\u0085', '\u00A0', '\u2028', '\u3000', '.', '!', '’', '1', '23', 'é', '日本', '😀', 'word'];

describe('tokens: ids equal the Rust reference tokenizers', function () {
  this.timeout(120_000);
  let tiktoken: { Tiktoken: TiktokenCtor };
  const refs = new Map<LocalFamily, (text: string) => Promise<number[]>>();
  const frees: Array<() => void> = [];

  before(async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- dev-only reference, loaded only by this test
    tiktoken = require('tiktoken/lite') as { Tiktoken: TiktokenCtor };
    const llama3 = new tiktoken.Tiktoken(llama3RankFile(), {}, META_LLAMA3_PAT);
    const tekken = tekkenRankFile();
    const nemo = new tiktoken.Tiktoken(tekken.ranks, {}, tekken.pattern);
    frees.push(() => llama3.free(), () => nemo.free());
    refs.set('llama3', async (t) => [...llama3.encode(t)]);
    refs.set('mistral-nemo', async (t) => [...nemo.encode(t)].map((r) => r + tekken.offset));
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- dev-only reference, loaded only by this test
    const hf = require('tokenizers') as { Tokenizer: { fromFile(p: string): HfTokenizer } };
    const qwen = hf.Tokenizer.fromFile(findDataFile('qwen2.5-tokenizer.json'));
    refs.set('qwen2', async (t) => (await qwen.encode(t, null, { addSpecialTokens: false })).getIds());
  });
  after(() => frees.forEach((f) => f()));

  it('Llama 3: " \\uFEFFa" is [76880, 64], as tiktoken says', async () => {
    assert.deepStrictEqual(await refs.get('llama3')!(' \uFEFFa'), [76880, 64]);
    assert.deepStrictEqual(sharedLocalTokenizer('llama3').encode(' \uFEFFa', true), [76880, 64]);
  });

  for (const family of ['llama3', 'qwen2', 'mistral-nemo'] as const) {
    describe(family, () => {
      it('text around U+FEFF, U+0085 and the other Unicode spaces', async () => {
        for (const text of WHITESPACE_CASES) {
          assert.deepStrictEqual(sharedLocalTokenizer(family).encode(text, true), await refs.get(family)!(text), JSON.stringify(text));
        }
      });

      it('prose with byte order marks and NELs sprinkled in', async () => {
        const prose = generateProse(2000, 61).replace(/ (?=\p{L})/gu, (m, at: number) => (at % 7 === 0 ? ' \uFEFF' : at % 7 === 1 ? '\u0085' : m));
        assert.deepStrictEqual(sharedLocalTokenizer(family).encode(prose, true), await refs.get(family)!(prose));
      });

      it('random strings of spaces, marks and letters', async () => {
        await fc.assert(
          fc.asyncProperty(fc.array(fc.constantFrom(...CHAR_POOL), { maxLength: 40 }), async (arr) => {
            const s = arr.join('');
            assert.deepStrictEqual(sharedLocalTokenizer(family).encode(s, true), await refs.get(family)!(s), JSON.stringify(s));
          }),
          { numRuns: 300, seed: 12 },
        );
      });
    });
  }
});
