// One generation's probabilities as it streams: the text and `logprobs` objects of the choice that goes
// into the document, and what the seam joiner let through to it, so that when the text is in, each
// token can be given its place in the document. Only the first choice: the others are alternatives
// gathered beside it, not text in the document.
import * as vscode from 'vscode';
import { ChoiceLogprobs, GeneratedToken } from '../core/logprobs/choiceLogprobs';
import { PlacedToken, placeTokens } from '../core/logprobs/documentTokens';
import { eolOf, normalizeEol } from '../continueWriting/streamingInsertion';

/** Tokens are built as they come, this many at a time, so that the end of a long stream is not one long block. */
const BUILD_EVERY = 256;

export class ProbabilityCapture {
  private readonly choice = new ChoiceLogprobs();
  private inserted = '';
  private built = 0;

  constructor(readonly topK: number) {}

  /** A piece of the stream's text, as the generator gave it. */
  text(index: number, text: string): void {
    if (index === 0) this.choice.addText(text);
  }

  logprobs(index: number, raw: Record<string, unknown>): void {
    if (index !== 0) return;
    this.choice.addLogprobs(raw);
    // The list keeps the tokens it made while their spans hold: asking now and then spreads the work.
    if (this.choice.tokenCount - this.built >= BUILD_EVERY) {
      this.built = this.choice.tokenCount;
      this.choice.tokens();
    }
  }

  /** What went to the document for the first choice (the seam joiner's output). */
  wrote(text: string): void {
    this.inserted += text;
  }

  get sawLogprobs(): boolean {
    return this.choice.tokenCount > 0;
  }

  /** The choice's tokens so far. */
  tokens(): readonly GeneratedToken[] {
    return this.choice.tokens();
  }

  /**
   * The tokens and where they are, once the text is in at `range`; undefined when the document does not
   * hold exactly what was written there (the writer typed inside it while it streamed).
   */
  place(document: vscode.TextDocument, range: vscode.Range): { tokens: readonly GeneratedToken[]; placed: PlacedToken[] } | undefined {
    if (!this.sawLogprobs) return undefined;
    const eol = eolOf(document);
    if (document.getText(range) !== normalizeEol(this.inserted, eol)) return undefined;
    const tokens = this.tokens();
    const placed = placeTokens(tokens, { generated: this.choice.generatedText, inserted: this.inserted, documentOffset: document.offsetAt(range.start), eol });
    return placed.length ? { tokens, placed } : undefined;
  }
}
