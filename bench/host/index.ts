// The benchmark module VS Code loads into the extension host (`--extensionTestsPath`), the way the
// integration tests are loaded: Inkwell runs here as it does for a writer, with its real commands,
// its real editor edits and the workbench at the other end of the extension host protocol.
// bench/runBench.ts starts the provider test server in a process of its own (so its work is not
// counted in this event loop) and passes its address in INKWELL_BENCH_SERVER.
//
// Measures, and writes as JSON to INKWELL_BENCH_RESULT_FILE:
//   activation    — VS Code's own marks around loading and activating Inkwell in this fresh host
//   editRoundTrip — editor.edit's round trip to the workbench and back, the floor under every edit
//   overhead      — a 2,000-token stream sent as fast as the server can (and at 1,000 tokens/s): first
//                   byte → last character in the document through Continue Writing, against the same
//                   bytes read by a bare client, with where the time went
//   rates         — edits per second and undo stops at 50, 500 and 5,000 tokens/s
//   lag           — event-loop delay (p99) while a 5,000-token stream is written
//   swaps, alternatives — bench/host/alternativesBench.ts
import * as fs from 'fs';
import * as http from 'http';
import { monitorEventLoopDelay, performance } from 'perf_hooks';
import * as vscode from 'vscode';
import type { InkwellTestApi } from '../../src/extension';
import { profiled } from './cpuProfile';
import type { BenchResults, GenerationTiming, OverheadPair, RateFigures } from './results';
import { alternativesFigures, swapLatency } from './alternativesBench';
import {
  MANUSCRIPT,
  KEY, RecordedGeneration, SERVER, instrument, lagFigures, lastGenerationRequest, oneCharacterEdit, restore, serverDurations, setScenario, sleep, timedContinueWriting, undoStops,
} from './timedRun';

const RUNS = Math.max(1, Number(process.env.INKWELL_BENCH_RUNS) || 5);
const MODEL = 'Sao10K-L3.3-70B-Euryale-v2.3-FP8-Dynamic';
const EXTENSION_ID = 'inkwell.inkwell';

const log = (line: string) => console.log(`bench: ${line}`);


// ---------------------------------------------------------------------------------------------
// The physical limit: the same bytes, read by a bare client in this same process

interface RawRead {
  firstByte: number;
  lastByte: number;
  bytes: number;
}

function rawRead(recorded: RecordedGeneration): Promise<RawRead> {
  return new Promise((resolve, reject) => {
    const payload = Buffer.from(JSON.stringify(recorded.body));
    const req = http.request(
      `${SERVER}${recorded.path}`,
      {
        method: 'POST',
        agent: false,
        headers: {
          accept: 'text/event-stream',
          authorization: `Bearer ${KEY}`,
          'content-type': 'application/json',
          'content-length': payload.length,
        },
      },
      (res) => {
        const firstByte = performance.now();
        let bytes = 0;
        res.on('data', (chunk: Buffer) => (bytes += chunk.length));
        res.on('end', () => resolve({ firstByte, lastByte: performance.now(), bytes }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

// ---------------------------------------------------------------------------------------------
// The benchmarks

function activationFigures(): BenchResults['activation'] {
  const marks: { name: string; startTime: number }[] =
    (globalThis as { MonacoPerformanceMarks?: { getMarks(): { name: string; startTime: number }[] } }).MonacoPerformanceMarks?.getMarks() ?? [];
  const at = (what: string) => marks.find((m) => m.name === `code/extHost/${what}/${EXTENSION_ID}`)?.startTime;
  const willLoad = at('willLoadExtensionCode');
  const didLoad = at('didLoadExtensionCode');
  const willActivate = at('willActivateExtension');
  const didActivate = at('didActivateExtension');
  if (willLoad === undefined || didLoad === undefined || willActivate === undefined || didActivate === undefined) {
    return { available: false, marks: marks.map((m) => m.name).filter((n) => n.includes('extHost')).slice(0, 20) };
  }
  return {
    available: true,
    codeLoadingMs: didLoad - willLoad,
    activateCallMs: didActivate - willActivate,
    totalMs: didActivate - willLoad,
  };
}

/** One editor.edit, from the call to its promise settling: the extension host ↔ workbench round trip. */
async function editRoundTrips(editor: vscode.TextEditor): Promise<BenchResults['editRoundTrip']> {
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

function describe(g: GenerationTiming): string {
  const span = (from: number, to: number) => `${(to - from).toFixed(1)} ms`;
  return (
    `first byte → last byte off the socket ${span(g.firstByte, g.lastArrival)} (${g.bytes} bytes), → last token parsed ${span(g.lastArrival, g.lastText)}, ` +
    `→ stream closed ${span(g.lastText, g.generated)}, → last edit ${span(g.generated, g.lastChange)}; ${g.edits} edits ` +
    // Before the last byte, the first edit was in flight or done; after it, it carried everything.
    `(the first ${g.firstChange < g.lastArrival ? `${span(g.firstChange, g.lastArrival)} before` : `${span(g.lastArrival, g.firstChange)} after`} the last byte), ${g.tokens} tokens, ${g.outcome}`
  );
}

async function overhead(
  editor: vscode.TextEditor,
  runs: number,
  label: string,
  scenario: Record<string, unknown> | null,
): Promise<OverheadPair[]> {
  const original = editor.document.getText();
  await setScenario(scenario);
  await vscode.workspace.getConfiguration().update('inkwell.sampling.maxTokens', 2000, vscode.ConfigurationTarget.Global);
  // Warm-up: JIT, the first connection, the token counter's first look at the document.
  await timedContinueWriting(editor);
  await restore(editor, original);
  const recorded = await lastGenerationRequest();
  await rawRead(recorded);
  const profileFile = process.env.INKWELL_BENCH_PROFILE;
  if (profileFile && !scenario) {
    const timing = await profiled(profileFile, () => timedContinueWriting(editor), log);
    log(`profiled run: ${describe(timing)}`);
    await restore(editor, original);
  }

  const pairs: OverheadPair[] = [];
  for (let i = 0; i < runs; i++) {
    // Alternate which goes first, so a trend in machine load does not favour one side.
    const rawFirst = i % 2 === 1;
    const raw1 = rawFirst ? await rawRead(recorded) : undefined;
    await sleep(200);
    const generation = await timedContinueWriting(editor);
    const written = editor.document.getText().slice(original.length);
    await sleep(200);
    const raw = raw1 ?? (await rawRead(recorded));
    const stops = await restore(editor, original);
    await sleep(20);
    const editMs = await oneCharacterEdit(editor);
    await sleep(20);
    // The same edit carrying the generation's own text: what one edit of that size costs.
    const sizedEditMs = await oneCharacterEdit(editor, written || ' ');
    const [first, second] = await serverDurations(2);
    const [serverRaw, serverGeneration] = rawFirst ? [first, second] : [second, first];
    const pair: OverheadPair = {
      generation,
      rawMs: raw.lastByte - raw.firstByte,
      rawBytes: raw.bytes,
      generationMs: generation.lastChange - generation.firstByte,
      ratio: (generation.lastChange - generation.firstByte) / (raw.lastByte - raw.firstByte),
      undoStops: stops,
      editMs,
      sizedEditMs,
    };
    pairs.push(pair);
    log(
      `overhead ${label}, run ${i + 1}: raw ${pair.rawMs.toFixed(1)} ms (${raw.bytes} bytes), ` +
        `Continue Writing ${pair.generationMs.toFixed(1)} ms → ${pair.ratio.toFixed(3)}x [${describe(generation)}; ` +
        `the server spent ${serverGeneration} ms on Continue Writing's request, ${serverRaw} ms on the raw one; a one-character edit ${editMs.toFixed(1)} ms, one with the generation's ${written.length} characters ${sizedEditMs.toFixed(1)} ms]`,
    );
    await sleep(200);
  }
  return pairs;
}

/** Token rates the server paces: a timer cannot wait 0.2 ms, so fast rates send tokens in batches. */
const RATES = [
  { tokensPerSecond: 50, tokenDelayMs: 20, tokensPerDelay: 1, tokens: 100 },
  { tokensPerSecond: 500, tokenDelayMs: 10, tokensPerDelay: 5, tokens: 1000 },
  { tokensPerSecond: 5000, tokenDelayMs: 10, tokensPerDelay: 50, tokens: 10000 },
];

async function rates(editor: vscode.TextEditor): Promise<RateFigures[]> {
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

async function lag(editor: vscode.TextEditor, runs: number): Promise<BenchResults['lag']> {
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

// ---------------------------------------------------------------------------------------------

export async function run(): Promise<void> {
  const resultFile = process.env.INKWELL_BENCH_RESULT_FILE;
  if (!SERVER) throw new Error('INKWELL_BENCH_SERVER is not set: run the benchmarks through bench/runBench.ts');
  // First, before anything here can cause it: how Inkwell's own activation went in this host.
  const extension = vscode.extensions.getExtension<InkwellTestApi | undefined>(EXTENSION_ID);
  if (!extension) throw new Error('Inkwell is not loaded');
  const wasActive = extension.isActive;
  const api = await extension.activate();
  if (!api) throw new Error('Inkwell gives its test API only in test mode');
  const activation = { ...activationFigures(), activatedBy: wasActive ? 'onStartupFinished' : 'the benchmark' };
  log(`activation: ${JSON.stringify(activation)}`);
  if (process.env.INKWELL_BENCH_ONLY === 'activation') {
    // Another fresh host, for another activation figure: nothing else to do here.
    if (resultFile) fs.writeFileSync(resultFile, JSON.stringify({ activation, vscodeVersion: vscode.version }));
    return;
  }
  instrument(api);

  const config = vscode.workspace.getConfiguration();
  await config.update('inkwell.infermatic.baseUrl', SERVER, vscode.ConfigurationTarget.Global);
  await config.update('inkwell.provider', 'infermatic', vscode.ConfigurationTarget.Global);
  await config.update('inkwell.model', MODEL, vscode.ConfigurationTarget.Global);
  await config.update('inkwell.contextSize', 16384, vscode.ConfigurationTarget.Global);
  const profile = api.services.targets.profile('infermatic');
  if (!profile) throw new Error('no Infermatic profile');
  await api.services.keys.set(profile, KEY);

  const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: MANUSCRIPT });
  const editor = await vscode.window.showTextDocument(document, { preview: false });

  const results: BenchResults = {
    vscodeVersion: vscode.version,
    node: process.version,
    activation,
    editRoundTrip: await editRoundTrips(editor),
    overhead: await overhead(editor, RUNS, 'flat out', null),
    overheadPaced: await overhead(editor, 3, 'at 1,000 tok/s', { tokenDelayMs: 10, tokensPerDelay: 10 }),
    rates: await rates(editor),
    lag: await lag(editor, 3),
    swaps: await swapLatency(api, editor, log),
    alternatives: await alternativesFigures(api, editor, RUNS, log),
  };
  if (resultFile) fs.writeFileSync(resultFile, JSON.stringify(results, null, 2));
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
}
