// The main benchmark's scenarios on the editor and the event loop: one editor.edit's round trip to the workbench
// (the floor under every edit), edits per second and undo stops at paced token rates, and the event-loop delay
// while a 5,000-token stream is written.
import { monitorEventLoopDelay, performance } from 'perf_hooks';
import * as vscode from 'vscode';
import { profiled } from './cpuProfile';
import type { BenchResults, RateFigures } from './results';
import { lagFigures, restore, setScenario, sleep, timedContinueWriting, undoStops } from './timedRun';

/** One editor.edit, from the call to its promise settling: the extension host ↔ workbench round trip. */
export async function editRoundTrips(editor: vscode.TextEditor, log: (line: string) => void): Promise<BenchResults['editRoundTrip']> {
  const original = editor.document.getText();
  const timeEdit = async (text: string) => {
    const end = editor.document.positionAt(editor.document.getText().length);
    const started = performance.now();
    await editor.edit((b) => b.insert(end, text), { undoStopBefore: false, undoStopAfter: false });
    return performance.now() - started;
  };
  const small: number[] = [];
  const large: number[] = [];
  for (let i = 0; i < 15; i++) {
    small.push(await timeEdit(' word'));
    await sleep(20);
  }
  for (let i = 0; i < 5; i++) {
    large.push(await timeEdit(' lorem ipsum'.repeat(1000)));
    await sleep(20);
  }
  await restore(editor, original);
  // The same trip with no editor in it: a context key set in the workbench.
  const command: number[] = [];
  for (let i = 0; i < 15; i++) {
    const started = performance.now();
    await vscode.commands.executeCommand('setContext', 'inkwellBench.probe', i);
    command.push(performance.now() - started);
    await sleep(20);
  }
  const list = (values: number[]) => values.map((v) => v.toFixed(0)).join(' ');
  log(`edit round trips (ms): small ${list(small)}; large ${list(large)}; setContext ${list(command)}`);
  return { smallMs: small, largeMs: large, commandMs: command };
}

/** Token rates the server paces: a timer cannot wait 0.2 ms, so fast rates send tokens in batches. */
const RATES = [
  { tokensPerSecond: 50, tokenDelayMs: 20, tokensPerDelay: 1, tokens: 100 },
  { tokensPerSecond: 500, tokenDelayMs: 10, tokensPerDelay: 5, tokens: 1000 },
  { tokensPerSecond: 5000, tokenDelayMs: 10, tokensPerDelay: 50, tokens: 10000 },
];

export async function rates(editor: vscode.TextEditor, log: (line: string) => void): Promise<RateFigures[]> {
  const original = editor.document.getText();
  const figures: RateFigures[] = [];
  for (const rate of RATES) {
    await vscode.workspace.getConfiguration().update('inkwell.sampling.maxTokens', rate.tokens, vscode.ConfigurationTarget.Global);
    await setScenario({ tokenDelayMs: rate.tokenDelayMs, tokensPerDelay: rate.tokensPerDelay });
    const generation = await timedContinueWriting(editor, { lag: true });
    const stops = await undoStops(editor, original);
    if (stops < 0) await restore(editor, original);
    const seconds = (generation.lastChange - generation.firstByte) / 1000;
    const figure: RateFigures = {
      nominalTokensPerSecond: rate.tokensPerSecond,
      measuredTokensPerSecond: generation.tokens / ((generation.lastByte - generation.firstByte) / 1000),
      editsPerSecond: generation.edits / seconds,
      undoStops: stops,
      generation,
    };
    figures.push(figure);
    log(
      `${rate.tokensPerSecond} tok/s (measured ${figure.measuredTokensPerSecond.toFixed(0)}): ${generation.tokens} tokens, ` +
        `${generation.edits} edits in ${seconds.toFixed(2)} s = ${figure.editsPerSecond.toFixed(1)} edits/s, ${stops} undo(s) to restore, ` +
        `lag p99 ${generation.lag?.p99.toFixed(1)} ms`,
    );
  }
  return figures;
}

export async function lag(editor: vscode.TextEditor, runs: number, log: (line: string) => void): Promise<BenchResults['lag']> {
  const original = editor.document.getText();
  await vscode.workspace.getConfiguration().update('inkwell.sampling.maxTokens', 5000, vscode.ConfigurationTarget.Global);
  const idle = monitorEventLoopDelay({ resolution: 1 });
  idle.enable();
  await sleep(1000);
  idle.disable();
  const result: BenchResults['lag'] = {
    idle: lagFigures(idle),
    paced: [],
    flatOut: [],
  };
  for (const [label, scenario, into] of [
    ['5,000 tok/s', { tokenDelayMs: 10, tokensPerDelay: 50 }, result.paced],
    ['as fast as possible', null, result.flatOut],
  ] as const) {
    for (let i = 0; i < runs; i++) {
      await setScenario(scenario);
      const profileFile = process.env.INKWELL_BENCH_PROFILE;
      const generation =
        profileFile && !scenario && i === 0
          ? await profiled(profileFile.replace(/(\.cpuprofile)?$/, '-lag.cpuprofile'), () => timedContinueWriting(editor, { lag: true }), log)
          : await timedContinueWriting(editor, { lag: true });
      await restore(editor, original);
      if (generation.lag) into.push(generation.lag);
      log(`lag, 5,000 tokens ${label}, run ${i + 1}: p99 ${generation.lag?.p99.toFixed(1)} ms, max ${generation.lag?.max.toFixed(1)} ms (${generation.tokens} tokens, ${generation.outcome})`);
      await sleep(300);
    }
  }
  return result;
}
