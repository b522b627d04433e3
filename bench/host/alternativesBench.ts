// Alternatives in the benchmark host: how long a swap takes (the command until its text is in the
// document), against the floor under every edit — one editor.edit round trip — measured in the same run.
import { performance } from 'perf_hooks';
import * as vscode from 'vscode';
import type { InkwellTestApi } from '../../src/extension';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface SwapFigures {
  swapMs: number[];
  /** One-character editor.edit round trips taken between the swaps. */
  editMs: number[];
}

export async function swapLatency(api: InkwellTestApi, editor: vscode.TextEditor, log: (line: string) => void): Promise<SwapFigures> {
  const config = vscode.workspace.getConfiguration();
  const original = editor.document.getText();
  await config.update('inkwell.alternatives.count', 2, vscode.ConfigurationTarget.Global);
  await config.update('inkwell.sampling.maxTokens', 200, vscode.ConfigurationTarget.Global);
  const figures: SwapFigures = { swapMs: [], editMs: [] };
  try {
    const end = editor.document.positionAt(editor.document.getText().length);
    editor.selection = new vscode.Selection(end, end);
    await vscode.commands.executeCommand('inkwell.continueWriting');
    const set = api.alternatives.setFor(editor.document.uri);
    if (!set) throw new Error('no alternatives after Continue Writing');
    for (let i = 0; i < 100 && set.items.some((a) => a.state === 'streaming'); i++) await sleep(50);
    for (let i = 0; i < 15; i++) {
      const before = editor.document.version;
      const started = performance.now();
      await vscode.commands.executeCommand(i % 2 === 0 ? 'inkwell.nextAlternative' : 'inkwell.previousAlternative');
      if (editor.document.version === before) throw new Error('the swap changed nothing');
      figures.swapMs.push(performance.now() - started);
      await sleep(20);
      // The floor: one editor.edit (a character typed far below the spot and taken away again).
      const at = editor.document.positionAt(0);
      const t = performance.now();
      await editor.edit((b) => b.insert(at, ' '), { undoStopBefore: false, undoStopAfter: false });
      figures.editMs.push(performance.now() - t);
      await editor.edit((b) => b.delete(new vscode.Range(at, at.translate(0, 1))), { undoStopBefore: false, undoStopAfter: false });
      await sleep(20);
    }
  } finally {
    await config.update('inkwell.alternatives.count', undefined, vscode.ConfigurationTarget.Global);
    await config.update('inkwell.sampling.maxTokens', undefined, vscode.ConfigurationTarget.Global);
    const whole = new vscode.Range(editor.document.positionAt(0), editor.document.positionAt(editor.document.getText().length));
    await editor.edit((b) => b.replace(whole, original));
  }
  log(`alternatives: swaps (ms) ${figures.swapMs.map((v) => v.toFixed(0)).join(' ')}; edits ${figures.editMs.map((v) => v.toFixed(0)).join(' ')}`);
  return figures;
}
