// Alternatives in the benchmark host:
//   swaps  — how long a swap takes (the command until its text is in the document), against the floor
//            under every edit, one editor.edit round trip, measured in the same run
//   four   — four alternatives of 300 tokens in one request (`n: 4`) against one, at the same token rate:
//            the command until the last token of any alternative, and until every one is complete
//   lag    — event-loop delay (p99) while four stream at 500 tokens/s each
import { performance } from 'perf_hooks';
import * as vscode from 'vscode';
import type { InkwellTestApi } from '../../src/extension';
import type { GenerationTiming, LagFigures } from './results';
import { oneCharacterEdit, restore, setScenario, sleep, timedContinueWriting } from './timedRun';

export interface SwapFigures {
  swapMs: number[];
  /** One-character editor.edit round trips taken between the swaps. */
  editMs: number[];
}

/** One Continue Writing with `count` alternatives: its timing, and when the last alternative was complete. */
export interface AlternativesRun {
  count: number;
  timing: GenerationTiming;
  /** The command → the last token of any alternative. */
  lastTokenMs: number;
  /** The command → every alternative complete (the first's last character in the document included). */
  allCompleteMs: number;
}

export interface AlternativesFigures {
  tokens: number;
  tokensPerSecond: number;
  /** Runs with one alternative and with four, taken in turns. */
  one: AlternativesRun[];
  four: AlternativesRun[];
  /** Four at 500 tokens/s each. */
  lag: LagFigures[];
}

/** 300 tokens at 100 tokens/s: a timer step of 10 ms per token, the same for one choice or four. */
const PACED = { tokens: 300, tokensPerSecond: 100, scenario: { tokenDelayMs: 10, tokensPerDelay: 1 } };
/** 500 tokens/s each, in steps of five tokens every 10 ms; 1,000 tokens, two seconds of streaming. */
const LAG = { tokens: 1000, scenario: { tokenDelayMs: 10, tokensPerDelay: 5 } };

async function alternativesRun(api: InkwellTestApi, editor: vscode.TextEditor, count: number, lag = false): Promise<AlternativesRun> {
  const config = vscode.workspace.getConfiguration();
  await config.update('inkwell.alternatives.count', count, vscode.ConfigurationTarget.Global);
  const timing = await timedContinueWriting(editor, { lag });
  if (count > 1) {
    const set = api.alternatives.setFor(editor.document.uri);
    if (!set || set.items.length !== count) throw new Error(`expected ${count} alternatives, found ${set?.items.length ?? 'none'}`);
    // With n, every alternative ends with the one request, before the command returns: say so if not.
    if (set.items.some((a) => a.state !== 'done' || !a.text)) throw new Error(`not every alternative is complete: ${set.items.map((a) => a.state).join(', ')}`);
  }
  // Complete: every alternative's text has arrived (the stream is closed) and the first's is in the document.
  const complete = Math.max(timing.lastChange, timing.generated);
  return { count, timing, lastTokenMs: timing.lastText - timing.startedAt, allCompleteMs: complete - timing.startedAt };
}

export async function alternativesFigures(api: InkwellTestApi, editor: vscode.TextEditor, runs: number, log: (line: string) => void): Promise<AlternativesFigures> {
  const config = vscode.workspace.getConfiguration();
  const original = editor.document.getText();
  const figures: AlternativesFigures = { tokens: PACED.tokens, tokensPerSecond: PACED.tokensPerSecond, one: [], four: [], lag: [] };
  try {
    await config.update('inkwell.sampling.maxTokens', PACED.tokens, vscode.ConfigurationTarget.Global);
    await setScenario(PACED.scenario);
    // Warm-up: the first n > 1 stream through this host.
    await alternativesRun(api, editor, 4);
    await restore(editor, original);
    for (let i = 0; i < runs; i++) {
      // Take turns at going first, so a trend in the machine's load favours neither.
      for (const count of i % 2 === 0 ? [1, 4] : [4, 1]) {
        const run = await alternativesRun(api, editor, count);
        await restore(editor, original);
        (count === 1 ? figures.one : figures.four).push(run);
        log(
          `alternatives: ${count} × ${PACED.tokens} tokens at ${PACED.tokensPerSecond} tok/s, run ${i + 1}: last token at ${run.lastTokenMs.toFixed(0)} ms, ` +
            `all complete at ${run.allCompleteMs.toFixed(0)} ms (${run.timing.tokens} tokens in the first, ${run.timing.edits} edits, ${run.timing.outcome})`,
        );
        await sleep(200);
      }
    }
    await config.update('inkwell.sampling.maxTokens', LAG.tokens, vscode.ConfigurationTarget.Global);
    await setScenario(LAG.scenario);
    for (let i = 0; i < 3; i++) {
      const run = await alternativesRun(api, editor, 4, true);
      await restore(editor, original);
      if (run.timing.lag) figures.lag.push(run.timing.lag);
      log(`alternatives: lag while 4 stream at 500 tok/s each, run ${i + 1}: p99 ${run.timing.lag?.p99.toFixed(1)} ms, max ${run.timing.lag?.max.toFixed(1)} ms (${run.timing.tokens} tokens each, ${run.timing.outcome})`);
      await sleep(300);
    }
  } finally {
    await vscode.commands.executeCommand('inkwell.keepAlternative');
    await setScenario(null);
    await config.update('inkwell.alternatives.count', undefined, vscode.ConfigurationTarget.Global);
    await config.update('inkwell.sampling.maxTokens', undefined, vscode.ConfigurationTarget.Global);
  }
  return figures;
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
      figures.editMs.push(await oneCharacterEdit(editor));
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
