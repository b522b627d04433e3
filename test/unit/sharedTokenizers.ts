// One loaded tokenizer per family for the whole test process: each load parses megabytes of
// vocabulary, and many tests use the same four.
import { loadLocalTokenizer, type LocalTokenizer } from '../../src/core/tokens/localTokenizers';
import type { LocalFamily } from '../../src/core/tokens/types';

const shared = new Map<LocalFamily, LocalTokenizer>();

export function sharedLocalTokenizer(family: LocalFamily): LocalTokenizer {
  let t = shared.get(family);
  if (!t) {
    t = loadLocalTokenizer(family);
    shared.set(family, t);
  }
  return t;
}
