/**
 * What one choice of a generation sends, step by step: its pieces cut at max tokens and at the first
 * stop string, with text that could start a stop string held back (as servers do). Shared by the
 * streamed and the non-streamed answer so they agree.
 */
import { MAX_STREAM_TOKENS } from './tokenText';

export type FinishReason = 'stop' | 'length';

export interface ChoiceResult {
  /** Per token step: text to emit (may be '') or null (held back / nothing). */
  steps: (string | null)[];
  finish: FinishReason;
  /** Stopped by a stop string at the last step. */
  stoppedByString: boolean;
  /** Stopped because max tokens was hit. */
  hitLength: boolean;
}

export function runChoice(pieces: readonly string[], maxTokens: number, stops: readonly string[]): ChoiceResult {
  const limit = Math.min(Math.max(0, Math.floor(maxTokens)), MAX_STREAM_TOKENS);
  const steps: (string | null)[] = [];
  const activeStops = stops.filter((s) => s.length > 0);
  let pending = '';
  let i = 0;
  for (; i < limit && i < pieces.length; i++) {
    pending += pieces[i] ?? '';
    let cut = -1;
    for (const s of activeStops) {
      const at = pending.indexOf(s);
      if (at >= 0 && (cut < 0 || at < cut)) cut = at;
    }
    if (cut >= 0) {
      steps.push(pending.slice(0, cut));
      return { steps, finish: 'stop', stoppedByString: true, hitLength: false };
    }
    let hold = 0;
    for (const s of activeStops) {
      for (let k = Math.min(s.length - 1, pending.length); k > hold; k--) {
        if (pending.endsWith(s.slice(0, k))) {
          hold = k;
          break;
        }
      }
    }
    const emit = pending.slice(0, pending.length - hold);
    pending = pending.slice(pending.length - hold);
    steps.push(emit === '' ? null : emit);
  }
  // Flush held text at the end.
  if (pending !== '' && steps.length > 0) {
    const last = steps.length - 1;
    steps[last] = (steps[last] ?? '') + pending;
  }
  const hitLength = i >= limit;
  return { steps, finish: hitLength ? 'length' : 'stop', stoppedByString: false, hitLength };
}
