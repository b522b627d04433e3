// Generated tokens tinted by how sure the model was of them (off until the writer turns it on): one
// decoration type per band, in theme colours that the manifest defines for light, dark and both
// high-contrast themes (there a border, as backgrounds are not used for meaning).
import * as vscode from 'vscode';
import { BANDS, Band, TINT_UNDERLINE_WIDTH, bandOf } from '../core/logprobs/probabilityBands';
import { Settings } from '../settings';
import type { ProbabilityRecords } from './probabilityRecords';

type Tinted = Exclude<Band, 'sure'>;
const BORDER_STYLE: Record<Tinted, string> = { low: 'solid', middle: 'dashed', high: 'dotted' };
/** Edits arrive a keystroke at a time: the tint follows once they pause this long. */
const SETTLE_MS = 40;

export class ProbabilityTint implements vscode.Disposable {
  private readonly types: Record<Tinted, vscode.TextEditorDecorationType>;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly pending = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private enabled = new Settings().probabilityTint;

  constructor(private readonly records: ProbabilityRecords) {
    const type = (band: Tinted) =>
      vscode.window.createTextEditorDecorationType({
        backgroundColor: new vscode.ThemeColor(`inkwell.probability.${band}`),
        borderColor: new vscode.ThemeColor(`inkwell.probability.${band}Border`),
        borderStyle: BORDER_STYLE[band],
        borderWidth: `0 0 ${TINT_UNDERLINE_WIDTH} 0`,
      });
    this.types = { low: type('low'), middle: type('middle'), high: type('high') };
    this.disposables.push(
      ...Object.values(this.types),
      records.onDidChange((uri) => this.schedule(uri.toString())),
      vscode.window.onDidChangeVisibleTextEditors((editors) => editors.forEach((e) => this.apply(e))),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!Settings.affects(e, 'inkwell.probabilities.tint')) return;
        this.enabled = new Settings().probabilityTint;
        vscode.window.visibleTextEditors.forEach((editor) => this.apply(editor));
      }),
    );
  }

  private schedule(uri: string): void {
    this.pending.add(uri);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      const uris = new Set(this.pending);
      this.pending.clear();
      for (const editor of vscode.window.visibleTextEditors) if (uris.has(editor.document.uri.toString())) this.apply(editor);
    }, SETTLE_MS);
  }

  /** The tinted tokens of a document, by band; none while the tint is off. */
  bandRanges(document: vscode.TextDocument): Record<Tinted, vscode.Range[]> {
    const ranges: Record<Tinted, vscode.Range[]> = { low: [], middle: [], high: [] };
    if (!this.enabled) return ranges;
    for (const generation of this.records.generations(document.uri)) {
      for (const p of generation.placed) {
        const band = bandOf(generation.tokens[p.index].logprob);
        if (band !== 'sure') ranges[band].push(new vscode.Range(document.positionAt(p.start), document.positionAt(p.end)));
      }
    }
    return ranges;
  }

  /** Sets the editor's tint from the records: every band, so a band with no tokens left is cleared. */
  apply(editor: vscode.TextEditor): void {
    const ranges = this.bandRanges(editor.document);
    for (const band of BANDS) editor.setDecorations(this.types[band], ranges[band]);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}
