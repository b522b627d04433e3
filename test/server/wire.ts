/**
 * Wire shapes of the providers Inkwell talks to (see docs/providers.md), as pure functions:
 * error bodies, stream chunks, the SSE byte encoding and the deterministic text generator.
 *
 * Nothing here does I/O. The test server (providerTestServer.ts) sends exactly what
 * `planStream` + `encodeItems` produce, so `buildStream` / `buildStreamBytes` give unit tests the
 * exact bytes the server would send for the same inputs (same id and `created`). The shapes live in
 * the modules re-exported below; this file is the one place tests import them from.
 */
import type { Flavor, Mode } from './flavor';
import { encodeItems, keepAliveText, type SseEncoding, type StreamItem } from './sseEncoding';
import { type ExpectedStream, planStream, type StreamPlanInput } from './streamPlan';

export * from './flavor';
export * from './tokenText';
export * from './errorBodies';
export * from './sseEncoding';
// Only what tests use: the chunk builders stay internal to the plan.
export type { FinishReason } from './choiceRun';
export { buildNonStreamBody, makeId } from './responseShapes';
export * from './streamPlan';

export interface BuildStreamOptions extends Omit<StreamPlanInput, 'flavor' | 'mode' | 'pieces'> {
  encoding?: SseEncoding;
  /** Keep-alive comments to insert before the first token (in addition to OpenRouter's leading one). */
  keepAlivesBeforeFirstToken?: number;
}

export interface BuiltStream {
  /** The exact bytes. */
  bytes: Uint8Array;
  /** The same as a string. */
  text: string;
  /** One string per SSE write the server makes (an event, a comment, [DONE]). */
  events: string[];
  items: StreamItem[];
  expected: ExpectedStream;
}

/**
 * The exact stream the server sends for this flavor/mode/pieces (given the same id and created),
 * and the outcome a correct reader must derive from it, in any chunking.
 */
export function buildStream(flavor: Flavor, mode: Mode, pieces: readonly string[] | readonly (readonly string[])[], opts: BuildStreamOptions = {}): BuiltStream {
  const { items, expected } = planStream({ ...opts, flavor, mode, pieces });
  const ka = opts.keepAlivesBeforeFirstToken ?? 0;
  if (ka > 0) {
    const firstToken = items.findIndex((it) => it.step >= 0);
    const at = firstToken < 0 ? items.length : firstToken;
    const comments: StreamItem[] = Array.from({ length: ka }, () => ({ kind: 'comment' as const, text: keepAliveText(flavor), step: -1 }));
    items.splice(at, 0, ...comments);
  }
  const events = encodeItems(items, flavor, opts.encoding);
  const text = events.join('');
  return { bytes: new TextEncoder().encode(text), text, events, items, expected };
}

/** Just the bytes of `buildStream`. */
export function buildStreamBytes(flavor: Flavor, mode: Mode, pieces: readonly string[] | readonly (readonly string[])[], opts: BuildStreamOptions = {}): Uint8Array {
  return buildStream(flavor, mode, pieces, opts).bytes;
}
