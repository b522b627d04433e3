/**
 * The SSE byte encoding of a planned stream, per flavor (line endings, spacing, the [DONE] trailer),
 * its variations, and the split into network writes. Pure: the server writes exactly these strings.
 */
import type { Flavor } from './flavor';

/** One thing the server writes on a stream. `step` is the token step it belongs to (see planStream). */
export type StreamItem =
  | { kind: 'data'; value: unknown; step: number; token: boolean }
  | { kind: 'comment'; text: string; step: number }
  | { kind: 'field'; name: string; value: unknown; step: number }
  | { kind: 'done'; step: number };

export interface SseEncoding {
  /** Line ending. Default '\n' ('\r\n' for koboldcpp). */
  eol?: '\n' | '\r\n' | '\r';
  /** "data: x" (true, default) or "data:x" (false). */
  space?: boolean;
  /** What follows "data: [DONE]". Default eol+eol; koboldcpp: '' (no newline at all). */
  doneTrailer?: string;
  /** Pretty-print JSON across several `data:` lines of one event (valid SSE: lines are joined with \n). */
  multiline?: boolean;
  /** Prefix the stream with a UTF-8 BOM. */
  bom?: boolean;
  /** Leave out the blank line after the last event (the stream ends right after its last line's eol). */
  omitFinalBlankLine?: boolean;
}

export function flavorEncoding(flavor: Flavor): Required<Omit<SseEncoding, 'bom' | 'multiline' | 'omitFinalBlankLine'>> {
  if (flavor === 'koboldcpp') return { eol: '\r\n', space: true, doneTrailer: '' };
  return { eol: '\n', space: true, doneTrailer: '\n\n' };
}

/** Encode items to the exact text of the stream. */
export function encodeItems(items: readonly StreamItem[], flavor: Flavor, enc: SseEncoding = {}): string[] {
  const base = flavorEncoding(flavor);
  const eol = enc.eol ?? base.eol;
  const sp = (enc.space ?? base.space) ? ' ' : '';
  const doneTrailer = enc.doneTrailer ?? (flavor === 'koboldcpp' ? base.doneTrailer : eol + eol);
  const out: string[] = [];
  for (const it of items) {
    switch (it.kind) {
      case 'data': {
        const lines = enc.multiline ? JSON.stringify(it.value, null, 1).split('\n') : [JSON.stringify(it.value)];
        out.push(lines.map((l) => `data:${sp}${l}${eol}`).join('') + eol);
        break;
      }
      case 'comment':
        out.push(`:${sp}${it.text}${eol}${eol}`);
        break;
      case 'field':
        out.push(`${it.name}:${sp}${JSON.stringify(it.value)}${eol}${eol}`);
        break;
      case 'done':
        out.push(`data:${sp}[DONE]${doneTrailer}`);
        break;
    }
  }
  if (enc.omitFinalBlankLine && out.length > 0) {
    const last = out[out.length - 1] ?? '';
    if (last.endsWith(eol + eol)) out[out.length - 1] = last.slice(0, -eol.length);
  }
  if (enc.bom && out.length > 0) out[0] = '\uFEFF' + out[0];
  return out;
}

/** Keep-alive comment text per flavor (`: OPENROUTER PROCESSING` for OpenRouter). */
export function keepAliveText(flavor: Flavor): string {
  return flavor === 'openrouter' ? 'OPENROUTER PROCESSING' : 'keep-alive';
}

export interface ChunkingOptions {
  /** Split into pieces of N bytes; an array cycles through sizes (e.g. [1, 7, 3]). 1 = byte at a time. */
  bytes?: number | readonly number[];
  /** Also split right after the first byte of every multi-byte UTF-8 character. */
  splitInsideMultibyte?: boolean;
}

/** Split bytes into network-sized pieces (the server applies this to each event it writes). */
export function splitBytes(buf: Uint8Array, o: ChunkingOptions): Uint8Array[] {
  const cuts = new Set<number>();
  const sizes = o.bytes === undefined ? [] : typeof o.bytes === 'number' ? [o.bytes] : [...o.bytes];
  const valid = sizes.filter((n) => Number.isFinite(n) && n >= 1).map((n) => Math.floor(n));
  if (valid.length > 0) {
    let pos = 0;
    let k = 0;
    while (pos < buf.length) {
      pos += valid[k % valid.length] ?? 1;
      k++;
      if (pos < buf.length) cuts.add(pos);
    }
  }
  if (o.splitInsideMultibyte) {
    for (let i = 0; i < buf.length; i++) {
      const b = buf[i] ?? 0;
      if (b >= 0xc0 && i + 1 < buf.length) cuts.add(i + 1);
    }
  }
  const sorted = [...cuts].sort((a, b) => a - b);
  const parts: Uint8Array[] = [];
  let start = 0;
  for (const c of sorted) {
    parts.push(buf.subarray(start, c));
    start = c;
  }
  parts.push(buf.subarray(start));
  return parts.filter((p) => p.length > 0);
}
