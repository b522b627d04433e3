import { GenerationMode } from '../requests/buildRequest';

const LEADING_WS = /^\s*/;
const TRAILING_WS = /\s*$/;
const newlines = (s: string) => (s.match(/\n/g) ?? []).length;

/**
 * Makes the continuation meet the manuscript without a doubled or missing space or newline.
 *
 * The seam is decided once, when the first non-whitespace character arrives, so leading
 * whitespace is held back until then; after that every piece passes straight through.
 * - Completion mode: the model continued `prompt` (the text before the cursor with trailing
 *   spaces stripped, which tokenizes better), so its leading whitespace is what it meant;
 *   only what the document already has after the prompt is subtracted.
 * - Chat mode: replies start bare; a space is added between two words, never inside a word the
 *   passage left unfinished with a hyphen, and never before closing punctuation.
 */
export class SeamJoiner {
  private held = '';
  private decided = false;

  /**
   * @param documentTail the text just before the insertion point (a few hundred characters is plenty)
   * @param promptTail the end of what the model was sent (completion mode), to know what whitespace it saw
   */
  constructor(
    private readonly mode: GenerationMode,
    private readonly documentTail: string,
    private readonly promptTail: string = documentTail,
  ) {}

  /** Text to insert now for this streamed piece (may be empty while the seam is undecided). */
  push(piece: string): string {
    if (this.decided) return piece;
    this.held += piece;
    const lead = LEADING_WS.exec(this.held)![0];
    if (lead.length === this.held.length) return '';
    this.decided = true;
    const rest = this.held.slice(lead.length);
    this.held = '';
    return this.seam(lead, rest) + rest;
  }

  /** At the end of the stream: whitespace-only output is dropped rather than left dangling. */
  end(): string {
    this.held = '';
    this.decided = true;
    return '';
  }

  private seam(lead: string, rest: string): string {
    const docWs = TRAILING_WS.exec(this.documentTail)![0];
    if (this.mode === 'completion') {
      const promptWs = TRAILING_WS.exec(this.promptTail)![0];
      const intended = promptWs + lead;
      if (intended.startsWith(docWs)) return intended.slice(docWs.length);
      const extraNewlines = newlines(intended) - newlines(docWs);
      if (extraNewlines > 0) return '\n'.repeat(extraNewlines);
      return docWs.length > 0 || this.documentTail.length === 0 ? '' : lead;
    }
    // Chat mode.
    if (this.documentTail.length === 0) return '';
    if (docWs.length > 0) {
      const extraNewlines = newlines(lead) - newlines(docWs);
      return extraNewlines > 0 ? '\n'.repeat(extraNewlines) : '';
    }
    if (lead.length > 0) return lead;
    const tail = this.documentTail;
    const last = tail[tail.length - 1];
    const opensSomething = /[-—([“‘]/.test(last) || (last === '"' && /^\s?$/.test(tail[tail.length - 2] ?? ''));
    if (opensSomething) return '';
    if (/[.,!?;:…)\]}”’'"]/.test(rest[0])) return '';
    return ' ';
  }
}
