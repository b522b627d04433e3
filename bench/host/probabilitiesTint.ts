// The token-probability benchmark, scenario 1: the tint of a 2,000-token generation set on the editor,
// alone and until the workbench has it, and the refresh a keystroke before the generation sets off.
import { performance } from 'perf_hooks';
import * as vscode from 'vscode';
import type { InkwellTestApi } from '../../src/extension';
import type { ProbabilitiesFigures } from './probabilitiesFigures';
import { until, type Probes } from './probabilitiesProbes';

const TINT_REPS = 300;
const KEYSTROKES = 40;

const roundTrip = (i: number) => vscode.commands.executeCommand('setContext', 'inkwellBench.probe', i);

export async function tintFigures(api: InkwellTestApi, editor: vscode.TextEditor, probes: Probes): Promise<ProbabilitiesFigures['tint']> {
  const document = editor.document;
  const figures: ProbabilitiesFigures['tint'] = {
    bandRangesMs: [], applyMs: [], applyToWorkbenchMs: [], roundTripMs: [], keystrokeHandlerMs: [], keystrokeApplyMs: [], keystrokeToTintMs: [],
  };
  // Warm-up (JIT), not counted.
  for (let i = 0; i < 30; i++) {
    api.tint.bandRanges(document);
    api.tint.apply(editor);
    await roundTrip(i);
  }
  for (let i = 0; i < TINT_REPS; i++) {
    const t = performance.now();
    api.tint.bandRanges(document);
    figures.bandRangesMs.push(performance.now() - t);
  }
  for (let i = 0; i < TINT_REPS; i++) {
    // Take turns at going first, so a trend in the machine's load favours neither.
    const bare = async () => {
      const t = performance.now();
      await roundTrip(i);
      figures.roundTripMs.push(performance.now() - t);
    };
    if (i % 2 === 1) await bare();
    const t = performance.now();
    api.tint.apply(editor);
    figures.applyMs.push(performance.now() - t);
    await roundTrip(i);
    figures.applyToWorkbenchMs.push(performance.now() - t);
    if (i % 2 === 0) await bare();
  }
  // A keystroke in the writer's text before the generation, and taken back: each moves every token.
  // The records' handler runs on the change event; the tint follows after its pause.
  const at = new vscode.Position(0, 0);
  for (let i = 0; i < KEYSTROKES * 2; i++) {
    const typing = i % 2 === 0;
    probes.handler.ms.length = 0;
    const applied = probes.applies.length;
    const t = performance.now();
    const ok = await editor.edit((b) => (typing ? b.insert(at, 'x') : b.delete(new vscode.Range(at, at.translate(0, 1)))), { undoStopBefore: false, undoStopAfter: false });
    if (!ok) throw new Error('the keystroke was not applied');
    await until('the tint after a keystroke', () => probes.applies[applied] ?? undefined, 5000);
    const tinted = probes.applies[applied];
    if (i >= 4) {
      figures.keystrokeHandlerMs.push(...probes.handler.ms);
      figures.keystrokeApplyMs.push(tinted.ms);
      figures.keystrokeToTintMs.push(tinted.at - t);
    }
  }
  return figures;
}
