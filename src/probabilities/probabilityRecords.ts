// The token probabilities of the last generations in each open document, kept on their text: an edit
// drops the tokens it touches and moves the rest (core/logprobs/documentTokens.ts); closing the
// document drops them all. Hover, tint and reroll read them from here.
import * as vscode from 'vscode';
import type { GeneratedToken } from '../core/logprobs/choiceLogprobs';
import { PlacedToken, invalidate } from '../core/logprobs/documentTokens';
import type { SamplingSettings } from '../core/providers/samplingParams';
import type { ActiveTarget } from '../providers/providerTargets';

/** Generations kept per document; older ones lose their probabilities. */
const PER_DOCUMENT = 8;

/** What a reroll needs to ask again: the same target and sampling, and the prompt as sent (completion mode). */
export interface RerollBasis {
  target: ActiveTarget;
  sampling: SamplingSettings;
  prompt: string;
  topLogprobs: number;
}

export interface RecordedGeneration {
  readonly id: number;
  readonly tokens: readonly GeneratedToken[];
  /** In document order; each token's offsets in the document as it is now. */
  placed: PlacedToken[];
  /** Absent when the generation was in chat mode: no text prompt to extend. */
  readonly basis?: RerollBasis;
}

export interface TokenHere {
  generation: RecordedGeneration;
  /** Index in `generation.placed`. */
  at: number;
}

export class ProbabilityRecords implements vscode.Disposable {
  private readonly byDocument = new Map<string, RecordedGeneration[]>();
  private nextId = 1;
  private readonly changeEmitter = new vscode.EventEmitter<vscode.Uri>();
  /** The probabilities of a document changed: a generation recorded, or tokens dropped or moved by an edit. */
  readonly onDidChange = this.changeEmitter.event;
  private readonly disposables: vscode.Disposable[] = [this.changeEmitter];

  constructor() {
    this.disposables.push(
      vscode.workspace.onDidChangeTextDocument((e) => this.edited(e)),
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (this.byDocument.delete(d.uri.toString())) this.changeEmitter.fire(d.uri);
      }),
    );
  }

  add(document: vscode.TextDocument, tokens: readonly GeneratedToken[], placed: PlacedToken[], basis?: RerollBasis): RecordedGeneration {
    const key = document.uri.toString();
    const generation: RecordedGeneration = { id: this.nextId++, tokens, placed, basis };
    const list = [...(this.byDocument.get(key) ?? []), generation].slice(-PER_DOCUMENT);
    this.byDocument.set(key, list);
    this.changeEmitter.fire(document.uri);
    return generation;
  }

  generations(uri: vscode.Uri): readonly RecordedGeneration[] {
    return this.byDocument.get(uri.toString()) ?? [];
  }

  find(uri: vscode.Uri, id: number): RecordedGeneration | undefined {
    return this.generations(uri).find((g) => g.id === id);
  }

  /** The token whose text holds `offset` (the character after it), newest generation first. */
  at(uri: vscode.Uri, offset: number): TokenHere | undefined {
    const list = this.generations(uri);
    for (let g = list.length - 1; g >= 0; g--) {
      const placed = list[g].placed;
      let lo = 0;
      let hi = placed.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (placed[mid].end <= offset) lo = mid + 1;
        else if (placed[mid].start > offset) hi = mid - 1;
        else return { generation: list[g], at: mid };
      }
    }
    return undefined;
  }

  private edited(e: vscode.TextDocumentChangeEvent): void {
    const key = e.document.uri.toString();
    const list = this.byDocument.get(key);
    if (!list || e.contentChanges.length === 0) return;
    // Text written after a generation (a stream going on below it, the writer typing on) moves and drops
    // nothing: no new ranges, and no tint sent again for nothing.
    const touched = list.filter((g) => g.placed.length > 0 && e.contentChanges.some((c) => c.rangeOffset < g.placed[g.placed.length - 1].end));
    if (touched.length === 0) return;
    // The changes in the order the event lists them, each against the text the ones before it left.
    for (const g of touched) g.placed = invalidate(g.placed, e.contentChanges);
    const kept = list.filter((g) => g.placed.length > 0);
    if (kept.length) this.byDocument.set(key, kept);
    else this.byDocument.delete(key);
    this.changeEmitter.fire(e.document.uri);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
