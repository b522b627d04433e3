/** What the worker asks of an exact local tokenizer (`localTokenizers.ts` loads them). */
import { ByteLevelBpe, drain } from './byteLevelBpe';
import { FAMILY_LABELS, LocalFamily } from './types';

export interface LocalTokenizer {
  readonly family: LocalFamily;
  readonly name: string;
  /**
   * `atStart`: the text begins the counted document. Only SentencePiece (Llama 2) cares: it prefixes a space to
   * the whole input, so a paragraph counted on its own must get that space only if it comes first.
   */
  encode(text: string, atStart: boolean): number[];
  count(text: string, atStart: boolean): number;
  /** `count`, pausing (yielding) every few thousand characters so a long text can be cancelled midway. */
  countSteps(text: string, atStart: boolean): Generator<void, StepCount>;
}

export interface StepCount {
  tokens: number;
  /** Places the text had to be cut where the tokenizer itself would not have (see MAX_PIECE_CHARS). */
  forcedCuts: number;
}

/** A tokenizer that is our byte-level BPE (Qwen2, Llama 3, Tekken): no leading-space rule, so `atStart` does not matter. */
export function bpeTokenizer(family: LocalFamily, bpe: ByteLevelBpe): LocalTokenizer {
  function* countSteps(text: string): Generator<void, StepCount> {
    let tokens = 0;
    const { forcedCuts } = yield* bpe.steps(text, () => tokens++);
    return { tokens, forcedCuts };
  }
  return {
    family,
    name: FAMILY_LABELS[family],
    encode: (text) => bpe.encode(text),
    count: (text) => drain(countSteps(text)).tokens,
    countSteps,
  };
}
