import * as vscode from 'vscode';

/** Why an insertion stopped taking text. */
export type InsertionStop = 'finished' | 'user-edit' | 'document-closed' | 'revert-defeated' | 'edit-refused';

const FLUSH_INTERVAL_MS = 40; // at most 25 edits a second, whatever the token rate
/** Refused edits in a row (a read-only editor, an extension vetoing them) before the insertion gives up. */
const MAX_REFUSED_EDITS = 20;
/** How long text is held back for a save that has not reported back (a failed save never does). */
const SAVE_HOLD_MS = 5_000;

/**
 * Streams text into one document at an anchor fixed when the generation started.
 *
 * - Edits go through a visible editor of that document with no undo stops in between, so the
 *   model merges them into one undo element: one Undo removes the whole generation. The last
 *   edit closes the element, so the writer's next typing is not swallowed by that undo.
 * - While no editor shows the document (the writer switched tabs), text is held and lands in one
 *   WorkspaceEdit on the document's URI when the stream ends, or through the editor as soon as the
 *   document is visible again.
 * - Typing above the anchor moves it; typing at or inside the streamed text stops the insertion
 *   (the caller aborts the request) and keeps what arrived.
 */
export class StreamingInsertion implements vscode.Disposable {
  /** Offsets of the streamed region in the current document text. */
  private start: number;
  private end: number;
  private pending = '';
  /** A '\r' that ended the last piece: it may be half of a CRLF whose '\n' comes next. */
  private heldCarriageReturn = false;
  private refusedInARow = 0;
  private refused = '';
  /** Between onWillSave and onDidSave: a document turning clean then is a save, not a revert. */
  private saving = false;
  private savingSince = 0;
  /** The dirty state VS Code last announced (a change event with no content changes). */
  private announcedDirty: boolean;
  private inFlight: { offset: number; text: string } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private editsApplied = 0;
  private stoppedBy: InsertionStop | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly stopEmitter = new vscode.EventEmitter<InsertionStop>();
  /** Fires once when the writer's own edit or the document's closing ends the insertion early. */
  readonly onDidStop = this.stopEmitter.event;
  private readonly eol: string;

  constructor(
    readonly document: vscode.TextDocument,
    anchor: vscode.Position,
    /** The caller's own edit just before (a reroll's removal of the old text) begins the undo step: no stop before the first edit. */
    private readonly joinsUndo = false,
  ) {
    this.start = this.end = document.offsetAt(anchor);
    this.eol = eolOf(document);
    this.announcedDirty = document.isDirty;
    this.disposables.push(
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document !== this.document) return;
        if (e.contentChanges.length === 0) this.onDirtyStateAnnounced(e.document.isDirty);
        else this.onChange(e.contentChanges);
      }),
      vscode.workspace.onWillSaveTextDocument((e) => {
        if (e.document !== this.document) return;
        this.saving = true;
        this.savingSince = Date.now();
      }),
      vscode.workspace.onDidSaveTextDocument((d) => {
        if (d === this.document) this.saving = false;
      }),
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (d === this.document) this.stop('document-closed');
      }),
      vscode.window.onDidChangeVisibleTextEditors(() => {
        if (this.pending && this.visibleEditor()) this.schedule();
      }),
      this.stopEmitter,
    );
    // A closed tab may keep its document alive for a while; the writer closing it means stop.
    this.disposables.push(
      vscode.window.tabGroups.onDidChangeTabs((e) => {
        const uri = this.document.uri.toString();
        const closedHere = e.closed.some((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === uri);
        const stillOpen = vscode.window.tabGroups.all.some((g) =>
          g.tabs.some((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === uri),
        );
        if (closedHere && !stillOpen) this.stop('document-closed');
      }),
    );
  }

  get isStopped(): boolean {
    return this.stoppedBy !== undefined;
  }

  get stopReason(): InsertionStop | undefined {
    return this.stoppedBy;
  }

  /** The streamed text's range as it stands now. */
  get range(): vscode.Range {
    return new vscode.Range(this.document.positionAt(this.start), this.document.positionAt(this.end));
  }

  /** What arrived but the document would not take (after an 'edit-refused' stop). */
  get unwritten(): string {
    return this.refused;
  }

  get editCount(): number {
    return this.editsApplied;
  }

  append(text: string): void {
    if (this.stoppedBy || !text) return;
    let piece = (this.heldCarriageReturn ? '\r' : '') + text;
    // A lone '\r' written into the document would be normalised by VS Code to its EOL, and the change
    // would then not match what was sent, so it would look like the writer's typing: hold it back
    // until the next piece says whether it is half of a CRLF.
    this.heldCarriageReturn = piece.endsWith('\r');
    if (this.heldCarriageReturn) piece = piece.slice(0, -1);
    this.pending += normalizeEol(piece, this.eol);
    this.schedule();
  }

  /** Writes what is left and closes the undo element. Resolves when the text is in the document. */
  async finish(): Promise<void> {
    if (this.heldCarriageReturn && !this.stoppedBy) this.pending += this.eol;
    this.heldCarriageReturn = false;
    this.clearTimer();
    await this.flushing;
    if (this.stoppedBy) return;
    await this.flush(true);
  }

  private stop(reason: InsertionStop): void {
    if (this.stoppedBy) return;
    this.stoppedBy = reason;
    // Text the document refused is handed back, never dropped (see `unwritten`).
    if (reason === 'edit-refused') this.refused = this.pending;
    // What is in the document stays; nothing more is written where the writer has taken over: no
    // held text, no flush already scheduled, and (in flush) no refused piece put back.
    this.pending = '';
    this.heldCarriageReturn = false;
    this.clearTimer();
    this.stopEmitter.fire(reason);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    if (this.timer || this.stoppedBy) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flushing = this.flushing.then(() => this.flush(false));
    }, FLUSH_INTERVAL_MS);
  }

  private visibleEditor(): vscode.TextEditor | undefined {
    return vscode.window.visibleTextEditors.find((e) => e.document === this.document);
  }

  private async flush(last: boolean): Promise<void> {
    if (this.stoppedBy || this.document.isClosed) return;
    if (this.saving && this.pending && Date.now() - this.savingSince < SAVE_HOLD_MS) {
      // Text written while a save is under way leaves the document dirty after it, and VS Code keeps
      // a tab open that is still dirty after the "Save" answered on closing it: the close would be
      // defeated and the stream run on. So hold the text until the save is done; a save that was
      // part of a close is followed by the tab's closing, which stops the insertion.
      if (!last) return this.schedule();
      await new Promise((resolve) => setTimeout(resolve, FLUSH_INTERVAL_MS));
      return this.flush(true);
    }
    const editor = this.visibleEditor();
    if (!editor && !last) return; // hidden: hold the text until visible or the end
    // Hold back nothing at the end; mid-stream keep going only if there is text.
    if (!this.pending) {
      if (last && editor && this.editsApplied > 0) await editor.edit(() => undefined, { undoStopBefore: false, undoStopAfter: true });
      return;
    }
    const text = this.pending;
    const offset = this.end;
    this.pending = '';
    this.inFlight = { offset, text };
    let applied: boolean;
    try {
      if (editor) {
        const position = this.document.positionAt(offset);
        applied = await editor.edit((b) => b.insert(position, text), {
          undoStopBefore: this.editsApplied === 0 && !this.joinsUndo,
          undoStopAfter: last,
        });
      } else {
        const edit = new vscode.WorkspaceEdit();
        edit.insert(this.document.uri, this.document.positionAt(offset), text);
        applied = await vscode.workspace.applyEdit(edit);
      }
    } catch {
      applied = false; // the editor closed under us; retry through the next path
    }
    if (this.inFlight) {
      // No change event matched: the edit did not land (the document moved on). Unless the writer
      // has taken over meanwhile, try again at the end as it stands now.
      this.inFlight = undefined;
      if (!applied || this.document.getText().slice(this.end, this.end + text.length) !== text) {
        if (this.stoppedBy) return;
        this.pending = text + this.pending;
        if (++this.refusedInARow >= MAX_REFUSED_EDITS) {
          this.stop('edit-refused');
          return;
        }
        if (last && !this.document.isClosed) {
          // Give the writer's typing a flush interval to settle, so only a document that keeps
          // refusing (about a second in all) counts as refused.
          await new Promise((resolve) => setTimeout(resolve, FLUSH_INTERVAL_MS));
          return this.flush(true);
        }
        this.schedule();
        return;
      }
    }
    this.refusedInARow = 0;
    this.editsApplied++;
    if (this.pending) this.schedule();
  }

  /**
   * "Don't Save" on close, and File: Revert, both revert the document: VS Code marks it clean
   * without telling anyone, reads the file, and announces the new dirty state when the read is
   * done. Two endings:
   * - the read won: the text is the file's again, announced clean (a soft revert, which reads
   *   nothing, looks the same);
   * - a flush landed during the read: VS Code keeps the text rather than lose an edit, and
   *   announces "dirty" again, with no clean between. That is the writer's discard defeated by
   *   our own write; it is answered by stopping, so their next close or revert wins.
   */
  private onDirtyStateAnnounced(isDirty: boolean): void {
    const wasDirty = this.announcedDirty;
    this.announcedDirty = isDirty;
    if (this.editsApplied === 0) return;
    if (!isDirty && !this.saving) this.stop('document-closed');
    else if (isDirty && wasDirty) this.stop('revert-defeated');
  }

  private onChange(changes: readonly vscode.TextDocumentContentChangeEvent[]): void {
    for (const change of changes) {
      const changeStart = change.rangeOffset;
      const changeEnd = change.rangeOffset + change.rangeLength;
      const delta = change.text.length - change.rangeLength;
      const ours = this.inFlight;
      if (ours && change.rangeLength === 0 && changeStart === ours.offset && change.text === ours.text && ours.offset === this.end) {
        this.end += change.text.length;
        this.inFlight = undefined;
        continue;
      }
      if (changeEnd < this.start || (changeEnd === this.start && changeStart < this.start && this.start < this.end)) {
        this.start += delta;
        this.end += delta;
        if (ours) ours.offset += delta;
      } else if (changeStart > this.end) {
        // Below the streamed text: nothing moves.
      } else {
        this.stop('user-edit');
      }
    }
  }

  dispose(): void {
    this.clearTimer();
    for (const d of this.disposables) d.dispose();
  }
}

/** The document's own line break. */
export function eolOf(document: vscode.TextDocument): '\r\n' | '\n' {
  return document.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n';
}

/** Every line break (CRLF, lone LF, lone CR) as the document's own EOL. */
export function normalizeEol(text: string, eol: string): string {
  return text.replace(/\r\n|\r|\n/g, eol);
}
