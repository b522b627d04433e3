import * as vscode from 'vscode';

/** Why an insertion stopped taking text. */
export type InsertionStop = 'finished' | 'user-edit' | 'document-closed';

const FLUSH_INTERVAL_MS = 40; // at most 25 edits a second, whatever the token rate

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
  ) {
    this.start = this.end = document.offsetAt(anchor);
    this.eol = document.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n';
    this.disposables.push(
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document === this.document) this.onChange(e.contentChanges);
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

  get editCount(): number {
    return this.editsApplied;
  }

  append(text: string): void {
    if (this.stoppedBy || !text) return;
    this.pending += text.replace(/\r?\n/g, this.eol);
    this.schedule();
  }

  /** Writes what is left and closes the undo element. Resolves when the text is in the document. */
  async finish(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.flushing;
    if (this.stoppedBy) return;
    await this.flush(true);
  }

  private stop(reason: InsertionStop): void {
    if (this.stoppedBy) return;
    this.stoppedBy = reason;
    // What is in the document stays; nothing more is written where the writer has taken over.
    this.pending = '';
    this.stopEmitter.fire(reason);
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
    if (this.stoppedBy === 'document-closed' || this.document.isClosed) return;
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
          undoStopBefore: this.editsApplied === 0,
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
      // No change event matched: the edit did not land (the document moved on). Try again.
      this.inFlight = undefined;
      if (!applied || this.document.getText().slice(this.end, this.end + text.length) !== text) {
        this.pending = text + this.pending;
        if (last && !this.document.isClosed && !this.isStopped) return this.flush(true);
        this.schedule();
        return;
      }
    }
    this.editsApplied++;
    if (this.pending) this.schedule();
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
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}
