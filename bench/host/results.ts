// What the extension-host benchmark (bench/host/index.ts) hands to its runner (bench/runBench.ts).
// Times are performance.now() milliseconds in the extension host.
import type { AlternativesFigures, SwapFigures } from './alternativesBench';

export interface LagFigures {
  p50: number;
  p99: number;
  max: number;
}

export interface GenerationTiming {
  outcome: string;
  tokens: number;
  startedAt: number;
  /** Response headers of the generation request parsed (Node's http.client.response.finish). */
  firstByte: number;
  /** The generation request's body ended (its reader has taken every byte). */
  lastByte: number;
  /** The last bytes of the generation response came off its socket. */
  lastArrival: number;
  /** The last token handed to Continue Writing by the generator. */
  lastText: number;
  /** The generator returned: the stream is closed and its outcome known. */
  generated: number;
  firstChange: number;
  /** The last change event on the target document: the last character applied. */
  lastChange: number;
  /** The command's promise settled. */
  commandDone: number;
  /** onDidChangeTextDocument events on the target document. */
  edits: number;
  chars: number;
  bytes: number;
  lag?: LagFigures;
}

export interface OverheadPair {
  generation: GenerationTiming;
  /** The bare client: first byte → last byte of the same request. */
  rawMs: number;
  rawBytes: number;
  /** Continue Writing: first byte → last character in the document. */
  generationMs: number;
  ratio: number;
  undoStops: number;
  /** A one-character editor.edit round trip, taken right after the pair: the floor under the last edit. */
  editMs: number;
  /** The same, carrying the text the generation wrote. */
  sizedEditMs: number;
}

export interface RateFigures {
  nominalTokensPerSecond: number;
  measuredTokensPerSecond: number;
  editsPerSecond: number;
  undoStops: number;
  generation: GenerationTiming;
}

export type ActivationFigures =
  | { available: true; codeLoadingMs: number; activateCallMs: number; totalMs: number; activatedBy?: string }
  | { available: false; marks: string[]; activatedBy?: string };

export interface BenchResults {
  vscodeVersion: string;
  node: string;
  activation: ActivationFigures;
  /** editor.edit round trips (a 5-character insertion, a 12,000-character one), and setContext's. */
  editRoundTrip: { smallMs: number[]; largeMs: number[]; commandMs: number[] };
  /** 2,000 tokens as fast as the server sends them. */
  overhead: OverheadPair[];
  /** 2,000 tokens at 1,000 tokens/s: a fast model's pace. */
  overheadPaced: OverheadPair[];
  rates: RateFigures[];
  lag: { idle: LagFigures; paced: LagFigures[]; flatOut: LagFigures[] };
  /** Alternatives: swap times and one-character edit round trips taken between them. */
  swaps: SwapFigures;
  /** Alternatives: four in one request against one, and the event-loop lag while four stream. */
  alternatives: AlternativesFigures;
}
