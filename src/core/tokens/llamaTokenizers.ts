/**
 * Llama 3 and Llama 2, from belladore.ai's packages (the vocabularies are baked into their JS).
 *
 * Llama 3: only llama3-tokenizer-js's vocabulary is used. Meta's reference tokenizer is tiktoken over that rank
 * table with the regex below, and that is what `ByteLevelBpe` is; the package's own encoder reads `\s` the
 * JavaScript way (U+FEFF as a space), which gives other ids than the model's tokenizer.
 *
 * Llama 2: llama-tokenizer-js's encoder (SentencePiece BPE, no pre-tokenizer), run on pieces of a long text cut
 * where no merge can cross (`SafePairCuts`), so a 5 MB line does not become 5 million linked-list nodes.
 */
import { ByteLevelBpe, byteLevelUnicodeToByte, drain, hfByteLevelToBinary, jsPattern } from './byteLevelBpe';
import { LocalTokenizer, StepCount, bpeTokenizer } from './localTokenizerApi';
import { SafePairCuts } from './sentencePieceCuts';
import { FAMILY_LABELS } from './types';

/** meta-llama/llama3 llama/tokenizer.py `pat_str` (the same regex is the Split pre-tokenizer of its tokenizer.json). */
export const LLAMA3_PATTERN =
  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
/** Llama 3's ordinary tokens are ranks 0…127999; 128000 and up are its special tokens (`<|begin_of_text|>`…). */
const LLAMA3_ORDINARY = 128_000;

/** Llama 2 texts longer than this are counted in pieces of about LLAMA2_PIECE characters. */
const LLAMA2_WHOLE = 8192;
const LLAMA2_PIECE = 4096;

interface Llama3Lib {
  vocabById: string[];
}
interface Llama2Lib {
  vocabById: string[];
  encode(text: string, addBos: boolean, addPrecedingSpace: boolean): number[];
}

/** ESM default export, whether we got the namespace (require of ESM, bundlers) or the value itself. */
function defaultExport<T>(mod: unknown): T {
  const m = mod as { default?: T };
  return (m && typeof m === 'object' && 'default' in m ? m.default : mod) as T;
}

export function llama3BpeFromVocab(vocabById: readonly string[]): ByteLevelBpe {
  const u2b = byteLevelUnicodeToByte();
  const ranks = new Map<string, number>();
  const specials = new Map<string, number>();
  vocabById.forEach((tok, id) => {
    if (id >= LLAMA3_ORDINARY) {
      specials.set(tok, id);
      return;
    }
    const bin = hfByteLevelToBinary(tok, u2b);
    if (bin === undefined) throw new Error(`not a byte-level vocabulary entry: ${tok}`);
    ranks.set(bin, id);
  });
  if (ranks.size !== LLAMA3_ORDINARY) throw new Error(`Llama 3 table has ${ranks.size} ranks, expected ${LLAMA3_ORDINARY}`);
  // Special-token text is read as the token, as the Hugging Face tokenizer (what servers run) does.
  return new ByteLevelBpe({ pattern: jsPattern(LLAMA3_PATTERN), ranks, specialTokens: specials });
}

export function loadLlama3(): LocalTokenizer {
  // String-literal require: esbuild bundles it, lazily initialised on first call.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, not at activation
  const lib = defaultExport<Llama3Lib>(require('llama3-tokenizer-js'));
  return bpeTokenizer('llama3', llama3BpeFromVocab(lib.vocabById));
}

export function loadLlama2(): LocalTokenizer {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, not at activation
  const lib = defaultExport<Llama2Lib>(require('llama-tokenizer-js'));
  const cuts = new SafePairCuts(lib.vocabById);
  const encodePiece = (text: string, atStart: boolean) => (text ? lib.encode(text, false, atStart) : []);

  function* pieces(text: string, atStart: boolean, each: (ids: number[]) => void): Generator<void, number> {
    if (text.length <= LLAMA2_WHOLE) {
      each(encodePiece(text, atStart));
      return 0;
    }
    let forcedCuts = 0;
    for (const s of cuts.segments(text, LLAMA2_PIECE, LLAMA2_WHOLE)) {
      if (s.forced) forcedCuts++;
      each(encodePiece(text.slice(s.start, s.end), atStart && s.start === 0));
      yield;
    }
    return forcedCuts;
  }
  function* countSteps(text: string, atStart: boolean): Generator<void, StepCount> {
    let tokens = 0;
    const forcedCuts = yield* pieces(text, atStart, (ids) => (tokens += ids.length));
    return { tokens, forcedCuts };
  }
  return {
    family: 'llama2',
    name: FAMILY_LABELS.llama2,
    encode: (text, atStart) => {
      const out: number[] = [];
      drain(pieces(text, atStart, (ids) => out.push(...ids)));
      return out;
    },
    count: (text, atStart) => drain(countSteps(text, atStart)).tokens,
    countSteps,
  };
}
