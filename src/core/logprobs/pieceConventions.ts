// How one server spells its tokens, tried three ways at once. A legacy `tokens` list says nothing of
// whether `Ġthe` is raw byte-level BPE or text, and `é` means a different byte under each convention,
// so every convention decodes the stream and the generated text decides (see choiceLogprobs.ts).

import { escapedBytes, byteLevelPieceBytes, isTokenIdPlaceholder, sentencePieceBytes } from './rawPieces';
import { Utf8Assembler, decodeLenient } from './utf8Assembler';
import type { WireAlternative, WireEntry } from './wireEntries';

/** In order of preference when the text cannot tell them apart. */
export const PIECE_CONVENTIONS = ['decoded', 'byteLevel', 'sentencePiece'] as const;
export type PieceConvention = (typeof PIECE_CONVENTIONS)[number];

const PLAIN = /^[^\\:]*$/;

/** A token spelled: its bytes, or only its text, or nothing (vLLM's `token_id:N`). */
export type Spelling = { bytes: number[] } | { text: string } | undefined;

export function spell(token: WireAlternative, convention: PieceConvention): Spelling {
  if (token.bytes) return { bytes: token.bytes };
  // Most tokens are plain words: no escape, placeholder or raw-piece mark to look for.
  if (convention === 'decoded' && PLAIN.test(token.token)) return { text: token.token };
  const escaped = escapedBytes(token.token);
  if (escaped) return { bytes: escaped };
  if (isTokenIdPlaceholder(token.token)) return undefined;
  if (token.token === '') return { text: '' };
  switch (convention) {
    case 'decoded':
      return { text: token.token };
    case 'byteLevel': {
      const bytes = byteLevelPieceBytes(token.token);
      return bytes ? { bytes } : { text: token.token };
    }
    case 'sentencePiece':
      return { bytes: sentencePieceBytes(token.token) };
  }
}

/**
 * Which raw convention a token string can only be, if any: a byte-level piece spelling a byte that
 * text would not show (`Ġ`, `Ċ`: U+0100–U+0143, and nothing outside the byte alphabet), or a
 * SentencePiece piece (`▁…` with no real space, or `<0xNN>`). Used only when the text cannot tell
 * (every token so far reads the same under each convention, as `,` or `ok` do).
 */
export function rawEvidence(token: string): Exclude<PieceConvention, 'decoded'> | undefined {
  if (/^[\x20-\x3b\x3d-\x7e]*$/.test(token)) return undefined; // printable ASCII without '<': the usual word
  if (/^<0x[0-9A-Fa-f]{2}>$/.test(token) || (token.startsWith('\u2581') && !token.includes(' '))) return 'sentencePiece';
  if (/[\u0100-\u0143]/.test(token) && byteLevelPieceBytes(token)) return 'byteLevel';
  return undefined;
}

/** The token on its own, as a writer should read it (a lone byte of a character shows as U+FFFD). */
export function shownText(spelling: Spelling, raw: string): string {
  if (!spelling) return raw;
  return 'bytes' in spelling ? decodeLenient(spelling.bytes) : spelling.text;
}

export interface DecodedEntry {
  /** What the token adds to the generated text: '' for a byte of an unfinished character, null when unknown. */
  adds: string | null;
  /** The token on its own. */
  shown: string;
  bytes?: number[];
  /** Bytes of an unfinished character the tokens before it left open. */
  carriedIn: number[];
}

/** One convention's reading of a choice's tokens, in order. */
export class ConventionDecoder {
  private readonly assembler = new Utf8Assembler();
  readonly entries: DecodedEntry[] = [];

  constructor(readonly convention: PieceConvention) {}

  push(entry: WireEntry): void {
    const spelling = spell(entry, this.convention);
    const shown = shownText(spelling, entry.token);
    if (!spelling) {
      const { carriedIn } = this.assembler.pushText('');
      this.entries.push({ adds: null, shown, carriedIn });
    } else if ('bytes' in spelling) {
      const { text, carriedIn } = this.assembler.pushBytes(spelling.bytes);
      this.entries.push({ adds: text, shown, bytes: spelling.bytes, carriedIn });
    } else {
      const { text, carriedIn } = this.assembler.pushText(spelling.text);
      this.entries.push({ adds: text, shown, carriedIn });
    }
  }
}
