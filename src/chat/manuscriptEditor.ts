import * as vscode from 'vscode';
import { textForInsertion } from '../core/chat/blockInsertion';
import { eolOf } from '../continueWriting/streamingInsertion';

/** Schemes of editors that show something other than the writer's text (output, logs, git views…). */
const NOT_MANUSCRIPT = new Set(['output', 'debug', 'git', 'vscode-settings', 'comment', 'walkThroughSnippet']);

export type ApplyResult = { ok: true; document: vscode.TextDocument; range: vscode.Range } | { ok: false; reason: string };

/**
 * The editor "Insert at cursor" and "Replace selection" act on. Focus is in the chat when the
 * writer clicks, so the active editor is undefined then: remember the last text editor that
 * showed a document, and its selection as it was.
 */
export class ManuscriptEditor implements vscode.Disposable {
  private last: vscode.TextEditor | undefined;
  private readonly subscription: vscode.Disposable;

  constructor() {
    this.remember(vscode.window.activeTextEditor);
    this.subscription = vscode.window.onDidChangeActiveTextEditor((e) => this.remember(e));
  }

  private remember(editor: vscode.TextEditor | undefined): void {
    if (editor && !NOT_MANUSCRIPT.has(editor.document.uri.scheme) && editor.viewColumn !== undefined) this.last = editor;
  }

  /** The remembered editor, or one showing its document now (the tab may have moved). */
  private editor(): vscode.TextEditor | undefined {
    const last = this.last;
    if (!last || last.document.isClosed) return undefined;
    const visible = vscode.window.visibleTextEditors;
    if (visible.includes(last)) return last;
    return visible.find((e) => e.document === last.document);
  }

  /**
   * One edit, bracketed by undo stops so one Undo reverts exactly it (the same rule Continue
   * Writing follows). 'replace' with an empty selection inserts at the cursor.
   */
  async apply(text: string, how: 'insert' | 'replace'): Promise<ApplyResult> {
    let editor = this.editor();
    if (!editor && this.last && !this.last.document.isClosed) {
      editor = await vscode.window.showTextDocument(this.last.document, { viewColumn: this.last.viewColumn, preserveFocus: true });
      this.last = editor;
    }
    if (!editor) return { ok: false, reason: 'Open the manuscript in an editor and put the cursor where the text should go.' };
    const document = editor.document;
    const selection = editor.selection;
    const start = how === 'replace' ? selection.start : selection.active;
    const eol = eolOf(document);
    const line = document.lineAt(start.line);
    const placed =
      how === 'insert' || selection.isEmpty
        ? textForInsertion(text, {
            lineBefore: line.text.slice(0, start.character),
            lineAfter: line.text.slice(start.character),
            previousLine: start.line > 0 ? document.lineAt(start.line - 1).text : undefined,
            nextLine: start.line + 1 < document.lineCount ? document.lineAt(start.line + 1).text : undefined,
          }, eol)
        : text;
    const normalized = placed.replace(/\r?\n/g, eol);
    const ok = await editor.edit(
      (b) => {
        if (how === 'replace' && !selection.isEmpty) b.replace(selection, normalized);
        else b.insert(start, normalized);
      },
      { undoStopBefore: true, undoStopAfter: true },
    );
    if (!ok) return { ok: false, reason: 'The editor did not take the edit (is the document read-only?).' };
    const startOffset = document.offsetAt(start);
    const range = new vscode.Range(start, document.positionAt(startOffset + normalized.length));
    editor.selection = new vscode.Selection(range.end, range.end);
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    return { ok: true, document, range };
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
