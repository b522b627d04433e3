/**
 * The server's notion of a token and the deterministic text it generates. Pure; shared by the wire
 * shapes (ids, usage) and the server (prompt counts, context checks), so both count the same way.
 */

/** Hard cap on tokens in one response, whatever the request asks. */
export const MAX_STREAM_TOKENS = 20_000;

/**
 * The server counts prompt tokens as whitespace-separated words (`text.trim().split(/\s+/)`).
 * Chat prompts: the sum over all messages' text content, no per-message template overhead.
 * Generated output: one script piece / generated piece = one token.
 * This is what `/tokenize`, `/utils/token_counter` (for known models), `usage.prompt_tokens`
 * and the context-overflow check use.
 */
export function countTokens(text: string): number {
  const t = text.trim();
  return t === '' ? 0 : t.split(/\s+/u).length;
}

/** litellm's fallback (`openai_tokenizer`) for unknown models: a deliberately different estimate, ceil(chars / 4). */
export function estimateOpenAiTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** Deterministic fake token ids, one per word (see `countTokens`). */
export function tokenIds(text: string): number[] {
  const t = text.trim();
  if (t === '') return [];
  return t.split(/\s+/u).map((w) => 1 + (fnv1a(w) % 128_000));
}

export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function mulberry32(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = [
  'the', 'lantern', 'river', 'quiet', 'she', 'he', 'remembered', 'window', 'rain', 'old', 'letter',
  'across', 'garden', 'stone', 'light', 'whispered', 'morning', 'silver', 'road', 'house', 'they',
  'waited', 'beneath', 'shadow', 'door', 'slowly', 'hands', 'winter', 'bell', 'distant', 'smoke',
  'field', 'carried', 'small', 'name', 'again', 'under', 'wind', 'harbor', 'candle', 'folded',
  'answer', 'north', 'voice', 'weight', 'paper', 'ash', 'ink', 'clock', 'a', 'of', 'and', 'in', 'was',
  'her', 'his', 'into', 'through', 'still', 'every', 'almost', 'never', 'only', 'without', 'another',
];

/**
 * Lorem-like English prose, deterministic in (seed, choice). Each piece is one token: a word with
 * its leading separator (" word", or "\n\nWord" at a paragraph start) and trailing punctuation.
 * Sentences of 5–14 words, paragraphs of 2–4 sentences.
 */
export function generateProse(seed: string, count: number, choice = 0): string[] {
  const rng = mulberry32(fnv1a(`${seed}\u0000${choice}`));
  const pick = (): string => WORDS[Math.floor(rng() * WORDS.length)] ?? 'the';
  const out: string[] = [];
  let wordsLeft = 5 + Math.floor(rng() * 10);
  let sentencesLeft = 2 + Math.floor(rng() * 3);
  let sentenceStart = true;
  let paragraphStart = false;
  const n = Math.min(Math.max(0, count), MAX_STREAM_TOKENS);
  for (let i = 0; i < n; i++) {
    let word = pick();
    if (sentenceStart) word = word.charAt(0).toUpperCase() + word.slice(1);
    const sep = paragraphStart ? '\n\n' : ' ';
    paragraphStart = false;
    sentenceStart = false;
    wordsLeft--;
    let suffix = '';
    if (wordsLeft <= 0) {
      suffix = '.';
      sentenceStart = true;
      wordsLeft = 5 + Math.floor(rng() * 10);
      sentencesLeft--;
      if (sentencesLeft <= 0) {
        paragraphStart = true;
        sentencesLeft = 2 + Math.floor(rng() * 3);
      }
    } else if (rng() < 0.08) {
      suffix = ',';
    }
    out.push(sep + word + suffix);
  }
  return out;
}

/**
 * A script of awkward Unicode: CJK, emoji with ZWJ and variation selectors, flags, combining
 * marks, RTL text, astral-plane letters, NBSP, curly quotes. All valid UTF-16 (no lone surrogates).
 */
export const UNICODE_PIECES: readonly string[] = [
  ' 雪が', '静かに', '降る。', ' 🌧️', ' 👩‍👩‍👧‍👦', ' café', ' e\u0301te\u0301', ' Z\u0351\u0327a\u0300l\u0316g\u0301o',
  ' 한국어', ' 中文字', ' 🏳️‍🌈', ' 𝔘𝔫𝔦𝔠𝔬𝔡𝔢', ' مرحبا', ' שלום', ' 😀😀', '…', ' “quoted”', ' \u00a0nbsp', ' 🇯🇵', ' ok.',
];
