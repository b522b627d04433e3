// The alternatives of one Continue Writing, gathered while the first streams into the document: from the
// same request where the server takes `n` (its other choices arrive interleaved by index), up to the most
// it takes (llama.cpp: its slot count), and the rest from requests of their own, two at a time. One failing
// does not end the others; the caller's signal ends all.
import { AlternativeSet } from '../core/alternatives/alternativeSet';
import { runParallel } from '../core/alternatives/parallelRuns';
import { SeamJoiner } from '../core/continuation/seamJoiner';
import type { GenerationResult } from '../generator';

/** Requests of their own at once, for servers that give one choice per request. */
export const PARALLEL_ALTERNATIVES = 2;

export interface Gathering {
  readonly set: AlternativeSet;
  /** `n` for the first request, when it asks for more than one. */
  readonly n: number | undefined;
  /** Text of the first request's choice `index` (≥ 1). */
  onChoiceText(index: number, text: string): void;
  /** The first request ended: its other choices end with it. */
  firstEnded(result: GenerationResult, describe: (result: GenerationResult) => string | undefined): void;
  /** Ends when the requests of their own have ended (at once with `n`). */
  readonly background: Promise<void>;
  /** What the requests of their own reported using, summed (the first request reports its own). */
  readonly usage: { requests: number; promptTokens: number; completionTokens: number };
}

export function gatherAlternatives(options: {
  count: number;
  /** Choices the first request may ask for: 1 where the server takes no `n`. */
  perRequest: number;
  /** A seam joiner for one alternative's text, as the first one's. */
  joiner: () => SeamJoiner;
  /** One more request for one choice. */
  generate: (signal: AbortSignal, onText: (text: string) => void) => Promise<GenerationResult>;
  signal: AbortSignal;
  describe: (result: GenerationResult) => string | undefined;
}): Gathering {
  const set = new AlternativeSet('', options.count);
  const joiners = new Map<number, SeamJoiner>();
  const joinerFor = (index: number) => {
    let j = joiners.get(index);
    if (!j) joiners.set(index, (j = options.joiner()));
    return j;
  };
  const settle = (index: number, result: GenerationResult) => {
    set.append(index, joinerFor(index).end());
    const message = options.describe(result);
    if (result.outcome === 'done') set.finish(index, 'done');
    else if (set.items[index]?.text) set.finish(index, 'cut', message);
    else set.finish(index, 'error', message ?? 'Stopped before any text arrived.');
  };
  const inFirst = Math.max(1, Math.min(options.count, options.perRequest));
  const usage = { requests: 0, promptTokens: 0, completionTokens: 0 };
  const background = runParallel(
    options.count - inFirst,
    async (i, signal) => {
      const index = inFirst + i;
      const result = await options.generate(signal, (text) => set.append(index, joinerFor(index).push(text)));
      usage.requests++;
      usage.promptTokens += result.usage?.promptTokens ?? 0;
      usage.completionTokens += result.usage?.completionTokens ?? 0;
      settle(index, result);
    },
    { concurrency: PARALLEL_ALTERNATIVES, signal: options.signal },
  ).then((outcomes) => {
    // A run never started (stopped while it waited its turn) or one that threw has no result to
    // settle with: without this its alternative would stay "coming" for good.
    for (const outcome of outcomes) {
      if (outcome.ok) continue;
      const index = inFirst + outcome.index;
      const aborted = outcome.error instanceof Error && outcome.error.name === 'AbortError';
      if (set.items[index]?.text) set.finish(index, 'cut', aborted ? 'Stopped.' : undefined);
      else set.finish(index, 'error', aborted ? 'Stopped before it started.' : 'Failed before any text arrived.');
    }
  });
  return {
    set,
    n: inFirst > 1 ? inFirst : undefined,
    onChoiceText: (index, text) => {
      if (index > 0 && index < inFirst) set.append(index, joinerFor(index).push(text));
    },
    firstEnded: (result) => {
      for (let index = 1; index < inFirst; index++) settle(index, result);
    },
    background,
    usage,
  };
}
