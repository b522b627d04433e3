// What the token-probability benchmark's host script (probabilitiesHost.ts) hands to its runner
// (bench/probabilities.ts). No vscode import: the runner reads these outside the extension host.
import type { LagFigures } from './results';

/** Without or with top-5 probabilities; on a fresh page, or after an earlier 2,000-token generation whose tint stays on. */
export type LagVariant = 'without' | 'with' | 'withoutEarlier' | 'withEarlier';
export const LAG_VARIANTS: readonly LagVariant[] = ['without', 'with', 'withoutEarlier', 'withEarlier'];

export interface LagRun {
  variant: LagVariant;
  outcome: string;
  tokens: number;
  /** The stream's bytes (probabilities make it several times larger). */
  bytes: number;
  /** The command → the stream's first byte (the test server plans the whole answer first). */
  firstByteMs: number;
  measuredTokensPerSecond: number;
  /** monitorEventLoopDelay from the stream's first byte until the command returned. */
  lag: LagFigures;
  /** The same until 150 ms after it returned: the tint's refresh after the text is in. */
  lagAfter: LagFigures;
  /** CPU time of the extension host's thread from the first byte until the command returned (Linux schedstat). */
  cpuMs?: number;
  /** The most CPU the thread spent between two turns of its event loop (1 ms timer), until 150 ms after. */
  longestCpuBlockMs?: number;
  /** Time inside Inkwell's onLogprobs callback, summed over the stream. */
  onLogprobsMs: number;
  onLogprobsCalls: number;
  /** Probabilities.finish: the tokens aligned with the text, placed in the document, recorded. */
  finishMs?: number;
  /** ProbabilityTint.apply calls in the window, and their time. */
  tintApplies: number[];
  /** The records' document-change handler (moving an earlier generation's tokens), summed and longest. */
  editHandlerMs: number;
  editHandlerLongestMs: number;
  editHandlerCalls: number;
  /** Tokens recorded with probabilities for the new text. */
  recorded: number;
}

export interface ProbabilitiesFigures {
  vscodeVersion: string;
  node: string;
  generation: {
    tokens: number; recorded: number; placed: number; bands: Record<string, number>; bytes: number; outcome: string;
    /** The command → the stream's first byte (the server plans the whole answer before it), → its last byte, → the last character in the document. */
    firstByteMs: number; streamMs: number; tailMs: number;
    /** The command → Probabilities.finish, and its own time. */
    finishMs?: number;
    /** The same generation without probabilities, just before. */
    without: { bytes: number; firstByteMs: number; streamMs: number; tailMs: number };
  };
  tint: {
    /** ProbabilityTint.bandRanges alone (ms). */
    bandRangesMs: number[];
    /** ProbabilityTint.apply, its synchronous part in the extension host (ms). */
    applyMs: number[];
    /** apply, then a setContext round trip: the workbench has processed the decorations when it returns. */
    applyToWorkbenchMs: number[];
    /** A bare setContext round trip, taken in turns with the above. */
    roundTripMs: number[];
    /** A keystroke before the generation: the records' edit handler (every token moved). */
    keystrokeHandlerMs: number[];
    /** The tint's own apply that the keystroke set off (after its 40 ms pause). */
    keystrokeApplyMs: number[];
    /** The keystroke's edit sent → that apply done (the pause included). */
    keystrokeToTintMs: number[];
  };
  hover: {
    /** tokenHover (the provider's function) on each placed token, second and third passes (ms). */
    providerMs: number[];
    /** vscode.executeHoverProvider on tokens of the generation (ms). */
    endToEndMs: number[];
    /** The same on the writer's own text, where Inkwell has nothing to show (ms). */
    plainEndToEndMs: number[];
    /** A hover's Markdown, for the record: its length in characters. */
    markdownChars: number;
  };
  lag: { idle: LagFigures; runs: LagRun[]; tokens: number; tokensPerSecond: number };
}
