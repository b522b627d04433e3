import { TokenizerFamily } from './types';

/**
 * Token estimate without a tokenizer: pieces of text the way BPE pre-tokenizers cut them, with a cost per piece.
 * Calibrated against the real Llama 3, Qwen2, Llama 2 and Tekken tokenizers on generated English prose
 * (`bench/tokenCountProse.ts`); `test/unit/tokensEstimate.test.ts` checks it stays within 15% of each.
 *
 * - a word (letters) costs 1 up to `wordChars` letters, then one more per `extraChars` letters;
 * - digits cost one per `digitGroup` digits (Llama 3 groups 3, Qwen2 and Tekken 1);
 * - each punctuation mark costs `punct` (most merge with a neighbour: ".\n", "”,", "—");
 * - a line break costs `newline`;
 * - CJK and other scripts without spaces cost `cjk` per character.
 */
interface Weights {
  wordChars: number;
  extraChars: number;
  digitGroup: number;
  punct: number;
  newline: number;
  cjk: number;
  /** Final multiplier. */
  scale: number;
}

// Fitted on generated prose plus a few real English documents (a README, a licence, a spec): long common words
// are single tokens in 128k+ vocabularies, so only very long words cost more.
const BIG_VOCAB: Weights = { wordChars: 10, extraChars: 8, digitGroup: 1, punct: 0.6, newline: 0.5, cjk: 1.1, scale: 1.07 };

const FAMILY_WEIGHTS: Record<TokenizerFamily, Weights> = {
  llama3: { ...BIG_VOCAB, digitGroup: 3 },
  qwen2: BIG_VOCAB,
  'mistral-nemo': { ...BIG_VOCAB, scale: 1.1 },
  // SentencePiece 32k: more words split.
  llama2: { wordChars: 5, extraChars: 5, digitGroup: 1, punct: 0.7, newline: 0.5, cjk: 1.6, scale: 1.1 },
  // Unknown tokenizer: between the two kinds, leaning to over-count.
  unknown: { ...BIG_VOCAB, digitGroup: 2, scale: 1.15 },
};

const PIECE = /\p{L}+|\p{N}+|\r\n|\n|\r|[^\s\p{L}\p{N}]/gu;
const NO_SPACE_SCRIPT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}]/u;
const ASCII = /^\p{ASCII}*$/u;

/** Estimated token count; never negative, 0 for "". */
export function estimateTokens(text: string, family: TokenizerFamily = 'unknown'): number {
  if (!text) return 0;
  const w = FAMILY_WEIGHTS[family] ?? FAMILY_WEIGHTS.unknown;
  const ascii = ASCII.test(text);
  let total = 0;
  PIECE.lastIndex = 0;
  for (let m = PIECE.exec(text); m; m = PIECE.exec(text)) {
    const p = m[0];
    const c = p.charCodeAt(0);
    if (c === 10 || c === 13) {
      total += w.newline;
    } else if (p.length === 1 && !isLetterOrDigit(c, p)) {
      total += w.punct;
    } else if (c >= 48 && c <= 57) {
      total += Math.ceil(p.length / w.digitGroup);
    } else if (!ascii && NO_SPACE_SCRIPT.test(p)) {
      total += p.length * w.cjk;
    } else {
      total += p.length <= w.wordChars ? 1 : 1 + (p.length - w.wordChars) / w.extraChars;
    }
  }
  return Math.max(1, Math.round(total * w.scale));
}

function isLetterOrDigit(c: number, p: string): boolean {
  if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57)) return true;
  if (c < 128) return false;
  return /[\p{L}\p{N}]/u.test(p);
}
