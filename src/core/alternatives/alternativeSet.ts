// The alternatives generated at one spot of a manuscript (SillyTavern's swipes, NovelAI's Retry), apart
// from the editor: their texts as they stream in (pieces of an `n > 1` stream interleave by choice index),
// each one's state, which one is shown, and what cycling, keeping and discarding mean.

export type AlternativeState = 'streaming' | 'done' | 'cut' | 'error';

export interface Alternative {
  text: string;
  state: AlternativeState;
  /** For 'cut' and 'error': the message to show, already redacted. */
  error?: string;
}

/** What a move asks the editor to do. */
export type CycleResult =
  | { kind: 'show'; index: number; text: string }
  /** Past the last alternative: generate a new one at the same spot (SillyTavern's rule). */
  | { kind: 'generate' }
  | { kind: 'none' };

export class AlternativeSet {
  readonly items: Alternative[] = [];
  private shownIndex = 0;

  /** `original`: the text the generation replaced (empty for a continuation at the cursor). */
  constructor(
    readonly original: string,
    count: number,
  ) {
    for (let i = 0; i < count; i++) this.items.push({ text: '', state: 'streaming' });
  }

  get shown(): number {
    return this.shownIndex;
  }

  get shownText(): string {
    return this.items[this.shownIndex]?.text ?? '';
  }

  /** A piece of choice `index` arrived. Pieces for indexes past the set (a server sending more) are dropped. */
  append(index: number, text: string): void {
    const item = this.items[index];
    if (item && item.state === 'streaming') item.text += text;
  }

  finish(index: number, state: Exclude<AlternativeState, 'streaming'>, error?: string): void {
    const item = this.items[index];
    if (!item || item.state !== 'streaming') return;
    item.state = state;
    if (error !== undefined) item.error = error;
  }

  /** A new alternative (Retry, or cycling past the end); it is shown once it has text. */
  add(): number {
    this.items.push({ text: '', state: 'streaming' });
    return this.items.length - 1;
  }

  /** Alternatives that can be shown: those with text (one that failed before any text is skipped; its error is listed). */
  private viewable(index: number): boolean {
    return (this.items[index]?.text.length ?? 0) > 0;
  }

  /** The errors of alternatives that failed before any text, for the writer to see why there are fewer. */
  failures(): string[] {
    return this.items.filter((a) => a.state === 'error' && !a.text).map((a) => a.error ?? 'failed');
  }

  next(): CycleResult {
    for (let i = this.shownIndex + 1; i < this.items.length; i++) {
      if (this.viewable(i)) return this.show(i);
    }
    // While any is still streaming, wait for it rather than start another request.
    if (this.items.some((item) => item.state === 'streaming')) return { kind: 'none' };
    return { kind: 'generate' };
  }

  previous(): CycleResult {
    for (let i = this.shownIndex - 1; i >= 0; i--) {
      if (this.viewable(i)) return this.show(i);
    }
    return { kind: 'none' };
  }

  /** Shows `index` (Undo brought its text back); false if there is no such alternative. */
  select(index: number): boolean {
    if (index < 0 || index >= this.items.length) return false;
    this.shownIndex = index;
    return true;
  }

  /** `◀ 2/4 ▶` as the CodeLens shows it. */
  label(): string {
    return `${this.shownIndex + 1}/${this.items.length}`;
  }

  private show(index: number): CycleResult {
    this.shownIndex = index;
    return { kind: 'show', index, text: this.items[index].text };
  }
}
