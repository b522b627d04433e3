// Alternatives cycled where the text stands (issue #14): after a Continue Writing that made several, the
// generated range is tracked through the writer's edits; Alt+] / Alt+[ (or the CodeLens above it) swap
// in the next or previous one as one undo step each; Undo brings the previous one back and the cycle
// follows; Discard restores what was there; Keep, or typing inside the text, ends it.
import * as vscode from 'vscode';
import { AlternativeSet } from '../core/alternatives/alternativeSet';
import { KeptSpot, keepSpots, readKeptSpots } from '../core/alternatives/keptAlternatives';
import { eolOf, normalizeEol } from './streamingInsertion';
import { alternativeLenses } from './alternativeLenses';

/** Makes one more alternative at the spot; `onText` gets its text as it arrives, joined at the seam. */
export type MoreAlternatives = (signal: AbortSignal, onText: (text: string) => void) => Promise<{ ok: boolean; error?: string }>;

export const ALTERNATIVES_CONTEXT = 'inkwell.alternativesHere';
const KEPT_KEY = 'inkwell.alternatives';
/** Offsets move with every keystroke above a spot: storage is written once typing pauses. */
const SAVE_DELAY_MS = 1000;

interface Spot {
  document: vscode.TextDocument;
  start: number;
  end: number;
  set: AlternativeSet;
  /** Absent for a spot restored from storage: its prompt is not kept. */
  more: MoreAlternatives | undefined;
  eol: string;
  /** While Inkwell's own swap is applied: its change event is not the writer's edit. */
  swapping: boolean;
  /** The gathering of the first alternatives: Stop ends it early, the spot's end ends it too. */
  gathering: AbortController;
  /** Aborted when the spot ends: every generation for it (Retry, past the last) ends with it. */
  lifetime: AbortController;
}

export class AlternativesInPlace implements vscode.Disposable, vscode.CodeLensProvider {
  private readonly spots = new Map<string, Spot>();
  private readonly lensEmitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.lensEmitter.event;
  private readonly disposables: vscode.Disposable[] = [this.lensEmitter];

  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;
  private contextHere: boolean | undefined;
  /** Spots of documents that are closed, as storage has them, until their document opens again. */
  private closed: KeptSpot[];

  constructor(private readonly storage: vscode.Memento) {
    this.closed = readKeptSpots(storage.get(KEPT_KEY));
    this.disposables.push(
      vscode.workspace.onDidChangeTextDocument((e) => this.onChange(e)),
      vscode.workspace.onDidCloseTextDocument((d) => this.close(d)),
      vscode.workspace.onDidOpenTextDocument((d) => this.restore(d)),
      vscode.window.onDidChangeTextEditorSelection(() => this.updateContext()),
      vscode.window.onDidChangeActiveTextEditor(() => this.updateContext()),
      vscode.languages.registerCodeLensProvider({ pattern: '**' }, this),
    );
    for (const document of vscode.workspace.textDocuments) this.restore(document);
  }

  /**
   * Starts cycling at `range` of `document`, whose text is the set's first alternative; `gathering`
   * stops the alternatives still being written when the spot ends.
   */
  open(document: vscode.TextDocument, range: vscode.Range, set: AlternativeSet, more: MoreAlternatives, gathering: AbortController): void {
    this.end(document.uri);
    const eol = eolOf(document);
    this.spots.set(document.uri.toString(), {
      document,
      start: document.offsetAt(range.start),
      end: document.offsetAt(range.end),
      set,
      more,
      eol,
      swapping: false,
      gathering,
      lifetime: new AbortController(),
    });
    this.changed();
  }

  /** The spot's set, for tests: what is gathered and which one is shown. */
  setFor(uri: vscode.Uri): AlternativeSet | undefined {
    return this.spots.get(uri.toString())?.set;
  }

  async next(uri?: vscode.Uri): Promise<void> {
    const spot = this.spotFor(uri);
    if (!spot) return;
    const move = spot.set.next();
    if (move.kind === 'show') await this.swap(spot, move.text);
    else if (move.kind === 'generate' && spot.more) await this.generateMore(spot);
    else if (move.kind === 'generate') void vscode.window.setStatusBarMessage('Inkwell: these alternatives were kept from an earlier session; run Continue Writing for new ones', 4000);
    else void vscode.window.setStatusBarMessage('Inkwell: the next alternative is still being written', 3000);
    this.changed();
  }

  async previous(uri?: vscode.Uri): Promise<void> {
    const spot = this.spotFor(uri);
    if (!spot) return;
    const move = spot.set.previous();
    if (move.kind === 'show') await this.swap(spot, move.text);
    this.changed();
  }

  /** Retry: one more alternative at the spot, from anywhere in its text (NovelAI's Retry). */
  async retry(uri?: vscode.Uri): Promise<void> {
    const spot = this.spotFor(uri);
    if (!spot) {
      void vscode.window.showInformationMessage('Inkwell: Retry works on text Continue Writing made with several alternatives (inkwell.alternatives.count).');
      return;
    }
    if (!spot.more) {
      void vscode.window.setStatusBarMessage('Inkwell: these alternatives were kept from an earlier session; run Continue Writing for new ones', 4000);
      return;
    }
    await this.generateMore(spot);
    this.changed();
  }

  keep(uri?: vscode.Uri): void {
    const spot = this.spotFor(uri);
    if (spot) this.end(spot.document.uri);
  }

  /** Puts back what was there before Continue Writing, byte for byte, as one undo step. */
  async discard(uri?: vscode.Uri): Promise<void> {
    const spot = this.spotFor(uri);
    if (!spot) return;
    await this.swap(spot, spot.set.original);
    this.end(spot.document.uri);
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const spot = this.spots.get(document.uri.toString());
    return spot && spot.document === document ? alternativeLenses(document, spot.start, spot.set) : [];
  }

  /** The gathering made progress (more text, an alternative ended): the CodeLens count changes. */
  changed(): void {
    this.lensEmitter.fire();
    this.updateContext();
    this.scheduleSave();
  }

  /** A document with a spot closes: the spot waits in storage for it to open again. */
  private close(document: vscode.TextDocument): void {
    const spot = this.spots.get(document.uri.toString());
    if (!spot || spot.document !== document) return;
    const kept = this.toKept(spot);
    this.end(document.uri);
    if (kept) this.closed = keepSpots([kept, ...this.closed.filter((k) => k.uri !== kept.uri)]);
    this.scheduleSave();
  }

  /** A document opens with a kept spot: it comes back if the text there is still the one shown. */
  private restore(document: vscode.TextDocument): void {
    const uri = document.uri.toString();
    const kept = this.closed.find((k) => k.uri === uri);
    if (!kept || this.spots.has(uri)) return;
    this.closed = this.closed.filter((k) => k !== kept);
    const eol = eolOf(document);
    const text = document.getText();
    if (kept.end > text.length || text.slice(kept.start, kept.end) !== normalizeEol(kept.texts[kept.shown], eol)) return this.scheduleSave();
    const set = new AlternativeSet(kept.original, kept.texts.length);
    kept.texts.forEach((t, i) => {
      set.append(i, t);
      set.finish(i, 'done');
    });
    set.select(kept.shown);
    this.spots.set(uri, { document, start: kept.start, end: kept.end, set, more: undefined, eol, swapping: false, gathering: new AbortController(), lifetime: new AbortController() });
    this.changed();
  }

  private toKept(spot: Spot): KeptSpot | undefined {
    const texts = spot.set.items.filter((a) => a.text.length > 0 && a.state !== 'streaming').map((a) => a.text);
    const shownText = spot.set.shownText;
    const shown = texts.indexOf(shownText);
    if (shown < 0) return undefined;
    return { uri: spot.document.uri.toString(), start: spot.start, end: spot.end, original: spot.set.original, texts, shown };
  }

  private scheduleSave(): void {
    if (this.saveTimer || this.disposed) return;
    this.saveTimer = setTimeout(() => void this.save(), SAVE_DELAY_MS);
  }

  /** Writes the live spots and the closed ones (bounded); for tests, resolves when written. */
  async save(): Promise<void> {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    const live = [...this.spots.values()].map((s) => this.toKept(s)).filter((k): k is KeptSpot => k !== undefined);
    const uris = new Set(live.map((k) => k.uri));
    await this.storage.update(KEPT_KEY, keepSpots([...live, ...this.closed.filter((k) => !uris.has(k.uri))]));
  }

  private spotFor(uri: vscode.Uri | undefined): Spot | undefined {
    const key = (uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri)?.toString();
    return key ? this.spots.get(key) : undefined;
  }

  private async swap(spot: Spot, text: string): Promise<void> {
    const editor = vscode.window.visibleTextEditors.find((e) => e.document === spot.document);
    if (!editor) return;
    const normalized = normalizeEol(text, spot.eol);
    const range = new vscode.Range(spot.document.positionAt(spot.start), spot.document.positionAt(spot.end));
    spot.swapping = true;
    try {
      const ok = await editor.edit((b) => b.replace(range, normalized), { undoStopBefore: true, undoStopAfter: true });
      if (ok) spot.end = spot.start + normalized.length;
    } finally {
      spot.swapping = false;
    }
  }

  private async generateMore(spot: Spot): Promise<void> {
    const index = spot.set.add();
    this.changed();
    const run = spot.more!(spot.lifetime.signal, (text) => {
      spot.set.append(index, text);
      this.changed();
    });
    const outcome = await run;
    const text = spot.set.items[index].text;
    spot.set.finish(index, outcome.ok ? 'done' : text ? 'cut' : 'error', outcome.error ?? (outcome.ok || text ? undefined : 'Stopped before any text arrived.'));
    if (this.spots.get(spot.document.uri.toString()) !== spot) return;
    // One that stopped or failed before any text is not swapped in: that would blank the shown one.
    if (text && spot.set.select(index)) await this.swap(spot, text);
    if (!outcome.ok && outcome.error) void vscode.window.showWarningMessage(`Inkwell: another alternative could not be written. ${outcome.error}`);
  }

  private onChange(e: vscode.TextDocumentChangeEvent): void {
    const spot = this.spots.get(e.document.uri.toString());
    if (!spot || spot.document !== e.document || spot.swapping || e.contentChanges.length === 0) return;
    for (const change of e.contentChanges) {
      const from = change.rangeOffset;
      const to = change.rangeOffset + change.rangeLength;
      const delta = change.text.length - change.rangeLength;
      if (to <= spot.start && !(to === spot.start && from === spot.start && spot.start === spot.end)) {
        spot.start += delta;
        spot.end += delta;
      } else if (from >= spot.end) {
        // Below, or typed right after the text: the spot stays.
      } else if (e.reason !== undefined && from === spot.start && to === spot.end && this.undoneTo(spot, change.text)) {
        // Undo or Redo of a swap: the cycle follows the text that came back.
      } else {
        this.end(spot.document.uri);
        return;
      }
    }
    this.changed();
  }

  /** Undo brought back `text`: show it as the current alternative. */
  private undoneTo(spot: Spot, text: string): boolean {
    const index = spot.set.items.findIndex((a) => normalizeEol(a.text, spot.eol) === text);
    if (index < 0 && text !== normalizeEol(spot.set.original, spot.eol)) return false;
    if (index >= 0) spot.set.select(index);
    spot.end = spot.start + text.length;
    return true;
  }

  private end(uri: vscode.Uri): void {
    const spot = this.spots.get(uri.toString());
    if (!spot) return;
    this.spots.delete(uri.toString());
    spot.gathering.abort();
    spot.lifetime.abort();
    this.changed();
  }

  private updateContext(): void {
    const editor = vscode.window.activeTextEditor;
    const spot = editor && this.spots.get(editor.document.uri.toString());
    const offset = spot && editor ? editor.document.offsetAt(editor.selection.active) : -1;
    const here = spot !== undefined && offset >= spot.start && offset <= spot.end;
    // Every cursor move comes here: tell the workbench only when the answer changes.
    if (here === this.contextHere) return;
    this.contextHere = here;
    void vscode.commands.executeCommand('setContext', ALTERNATIVES_CONTEXT, here);
  }

  dispose(): void {
    // What is open now is what the next session should find: written before the spots end.
    void this.save();
    this.disposed = true;
    for (const uri of [...this.spots.keys()]) this.end(vscode.Uri.parse(uri));
    for (const d of this.disposables) d.dispose();
  }
}
