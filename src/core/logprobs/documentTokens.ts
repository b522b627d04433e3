// Generated-text offsets → document ranges, and keeping those ranges true while the writer edits.
//
// What reaches the document is not the generated text itself: the seam joiner (continuation/
// seamJoiner.ts) replaces the generation's leading whitespace with what the seam needs, and the
// insertion writes every line break as the document's EOL (CRLF documents: one more code unit per
// line break). A token's range is where its own text landed; a token whose text the seam removed,
// or that never reached the document (the stream was stopped), gets no range.

import type { OffsetChange } from '../continuation/shiftOffset';
import type { GeneratedToken } from './choiceLogprobs';

export interface PlacedToken {
  /** Index in the choice's token list. */
  index: number;
  /** Document offsets (UTF-16), end exclusive. */
  start: number;
  end: number;
}

export interface InsertedGeneration {
  /** The generated text, as the stream gave it. */
  generated: string;
  /** What the seam joiner gave out for it (its pushes, concatenated), before line breaks were normalized. */
  inserted: string;
  /** Document offset where the insertion began. */
  documentOffset: number;
  /** The document's line break. */
  eol: '\n' | '\r\n';
}

const LEADING_WS = /^\s*/;

export function placeTokens(tokens: readonly GeneratedToken[], at: InsertedGeneration): PlacedToken[] {
  const lead = LEADING_WS.exec(at.generated)![0].length;
  const seam = LEADING_WS.exec(at.inserted)![0];
  const body = at.inserted.slice(seam.length);
  const rest = at.generated.slice(lead);
  // How much of the generation after its leading whitespace is in the document, unchanged.
  let common = 0;
  const limit = Math.min(body.length, rest.length);
  while (common < limit && body.charCodeAt(common) === rest.charCodeAt(common)) common++;
  const toDocument = documentPositions(rest.slice(0, common), at.documentOffset + eolLength(seam, at.eol), at.eol);
  const placed: PlacedToken[] = [];
  tokens.forEach((token, index) => {
    const from = Math.max(token.offset, lead) - lead;
    const to = Math.min(token.offset + token.text.length, lead + common) - lead;
    if (to <= from) return;
    const start = toDocument[from];
    const end = toDocument[to];
    if (end > start) placed.push({ index, start, end });
  });
  return placed;
}

/**
 * positions[i]: the document offset of code unit i of `text` once written with `eol` (length + 1
 * entries). A CRLF, lone CR or lone LF is one `eol`; a point between the CR and LF of a pair counts
 * as after the line break, so the token holding the CR holds it.
 */
function documentPositions(text: string, start: number, eol: string): number[] {
  const positions = new Array<number>(text.length + 1);
  let doc = start;
  for (let i = 0; i < text.length; i++) {
    positions[i] = doc;
    const c = text.charCodeAt(i);
    if (c === 13 /* \r */ && text.charCodeAt(i + 1) === 10) {
      doc += eol.length;
      positions[++i] = doc;
    } else if (c === 13 || c === 10) doc += eol.length;
    else doc += 1;
  }
  positions[text.length] = doc;
  return positions;
}

function eolLength(text: string, eol: string): number {
  return text.replace(/\r\n|\r|\n/g, eol).length;
}

/**
 * The placed tokens after one document change event (its changes in the order given, each against
 * the text the ones before left, as VS Code lists them). A token an edit touches loses its place and
 * with it its probabilities: a replacement overlapping it, or an insertion strictly inside it. Text
 * typed at a token's edge leaves it whole. The rest shift and stay on their text.
 */
export function invalidate(placed: readonly PlacedToken[], changes: OffsetChange | readonly OffsetChange[]): PlacedToken[] {
  let out = placed.map((p) => ({ ...p }));
  for (const change of Array.isArray(changes) ? changes : [changes as OffsetChange]) {
    const from = change.rangeOffset;
    const to = from + change.rangeLength;
    const delta = change.text.length - change.rangeLength;
    out = out.filter((p) => !touches(p, from, to));
    for (const p of out) {
      if (p.start >= to) {
        p.start += delta;
        p.end += delta;
      }
    }
  }
  return out;
}

function touches(p: PlacedToken, from: number, to: number): boolean {
  if (from === to) return p.start < from && from < p.end;
  return p.start < to && from < p.end;
}
