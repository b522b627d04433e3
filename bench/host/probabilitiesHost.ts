// The token-probability benchmark, loaded into the extension host by bench/probabilities.ts. Inkwell
// runs from its bundle with its real commands; the provider test server (its own process) sends the
// probabilities. Three figures, each against its goal:
//   tint   — a 2,000-token generation written by Continue Writing with top-5 probabilities, tint on:
//            the tint set on the editor (ProbabilityTint.apply: the bands worked out and three
//            setDecorations calls), alone and until the workbench has them; and the refresh a keystroke
//            before the generation sets off (the records' edit handler, then the tint after its pause)
//   hover  — the hover provider's function on every token of that generation, alone (probabilityHover.ts
//            as compiled with the bench, over the extension's own records), and vscode.executeHoverProvider
//            end to end (the workbench asks every provider), against the same on the writer's own text
//   lag    — event-loop delay while Continue Writing streams 5,000 tokens at 5,000 tokens/s with top-5
//            probabilities, against the same stream without them, in turns in the same run (the host's
//            noise swamps absolute figures: the ratio is the figure); also both after an earlier
//            2,000-token generation tinted on the page, which every streamed edit sends through the
//            records' edit handler and the tint
// Writes JSON to INKWELL_BENCH_RESULT_FILE.
import * as dc from 'diagnostics_channel';
import * as fs from 'fs';
import * as http from 'http';
import type { Socket } from 'net';
import { monitorEventLoopDelay, performance } from 'perf_hooks';
import * as vscode from 'vscode';
import type { InkwellTestApi } from '../../src/extension';
import { profiled } from './cpuProfile';
import { tokenHover } from '../../src/probabilities/probabilityHover';
import type { LagFigures } from './results';
import { KEY, MANUSCRIPT, SERVER, instrument, lagFigures, restore, setScenario, sleep, timedContinueWriting } from './timedRun';

/** Node publishes each HTTP response of this process here when its headers are parsed (as timedRun.ts reads it). */
const RESPONSE_CHANNEL = 'http.client.response.finish';

const RUNS = Math.max(1, Number(process.env.INKWELL_BENCH_RUNS) || 5);
const MODEL = 'Sao10K-L3.3-70B-Euryale-v2.3-FP8-Dynamic';
const TOP_K = 5;
const GENERATION_TOKENS = 2000;
const TINT_REPS = 300;
const KEYSTROKES = 40;
/** Tokens hovered through the workbench (evenly spread over the generation), and on the writer's text. */
const HOVERS = 300;
const PLAIN_HOVERS = 60;
/** 5,000 tokens/s: the server cannot time 0.2 ms, so 50 tokens every 10 ms (as bench/host/index.ts). */
const LAG = { tokens: 5000, tokensPerSecond: 5000, scenario: { tokenDelayMs: 10, tokensPerDelay: 50 } };

const log = (line: string) => console.log(`bench: ${line}`);

/** Without or with top-5 probabilities; on a fresh page, or after an earlier 2,000-token generation whose tint stays on. */
export type LagVariant = 'without' | 'with' | 'withoutEarlier' | 'withEarlier';
export const LAG_VARIANTS: readonly LagVariant[] = ['without', 'with', 'withoutEarlier', 'withEarlier'];

export interface LagRun {
  variant: LagVariant;
  outcome: string;
  tokens: number;
  /** The stream's bytes (probabilities make it several times larger). */
  bytes: number;
  /** The command → the stream's first byte (the test server plans the whole answer first). */
  firstByteMs: number;
  measuredTokensPerSecond: number;
  /** monitorEventLoopDelay from the stream's first byte until the command returned. */
  lag: LagFigures;
  /** The same until 150 ms after it returned: the tint's refresh after the text is in. */
  lagAfter: LagFigures;
  /** CPU time of the extension host's thread from the first byte until the command returned (Linux schedstat). */
  cpuMs?: number;
  /** The most CPU the thread spent between two turns of its event loop (1 ms timer), until 150 ms after. */
  longestCpuBlockMs?: number;
  /** Time inside Inkwell's onLogprobs callback, summed over the stream. */
  onLogprobsMs: number;
  onLogprobsCalls: number;
  /** Probabilities.finish: the tokens aligned with the text, placed in the document, recorded. */
  finishMs?: number;
  /** ProbabilityTint.apply calls in the window, and their time. */
  tintApplies: number[];
  /** The records' document-change handler (moving an earlier generation's tokens), summed and longest. */
  editHandlerMs: number;
  editHandlerLongestMs: number;
  editHandlerCalls: number;
  /** Tokens recorded with probabilities for the new text. */
  recorded: number;
}

export interface ProbabilitiesFigures {
  vscodeVersion: string;
  node: string;
  generation: {
    tokens: number; recorded: number; placed: number; bands: Record<string, number>; bytes: number; outcome: string;
    /** The command → the stream's first byte (the server plans the whole answer before it), → its last byte, → the last character in the document. */
    firstByteMs: number; streamMs: number; tailMs: number;
    /** The command → Probabilities.finish, and its own time. */
    finishMs?: number;
    /** The same generation without probabilities, just before. */
    without: { bytes: number; firstByteMs: number; streamMs: number; tailMs: number };
  };
  tint: {
    /** ProbabilityTint.bandRanges alone (ms). */
    bandRangesMs: number[];
    /** ProbabilityTint.apply, its synchronous part in the extension host (ms). */
    applyMs: number[];
    /** apply, then a setContext round trip: the workbench has processed the decorations when it returns. */
    applyToWorkbenchMs: number[];
    /** A bare setContext round trip, taken in turns with the above. */
    roundTripMs: number[];
    /** A keystroke before the generation: the records' edit handler (every token moved). */
    keystrokeHandlerMs: number[];
    /** The tint's own apply that the keystroke set off (after its 40 ms pause). */
    keystrokeApplyMs: number[];
    /** The keystroke's edit sent → that apply done (the pause included). */
    keystrokeToTintMs: number[];
  };
  hover: {
    /** tokenHover (the provider's function) on each placed token, second and third passes (ms). */
    providerMs: number[];
    /** vscode.executeHoverProvider on tokens of the generation (ms). */
    endToEndMs: number[];
    /** The same on the writer's own text, where Inkwell has nothing to show (ms). */
    plainEndToEndMs: number[];
    /** A hover's Markdown, for the record: its length in characters. */
    markdownChars: number;
  };
  lag: { idle: LagFigures; runs: LagRun[]; tokens: number; tokensPerSecond: number };
}

// ---------------------------------------------------------------------------------------------

/** This thread's CPU time so far (ns), from Linux's schedstat; undefined elsewhere. */
function threadCpuNs(): number | undefined {
  try {
    return Number(fs.readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]);
  } catch {
    return undefined;
  }
}

/** The thread's CPU over a window, and the most of it spent between two turns of the loop (a 1 ms timer). */
function cpuWatch() {
  const first = threadCpuNs();
  let last = first;
  let longest = 0;
  const tick = setInterval(() => {
    const cpu = threadCpuNs();
    if (cpu !== undefined && last !== undefined) longest = Math.max(longest, (cpu - last) / 1e6);
    last = cpu;
  }, 1);
  const read = (): { cpuMs?: number; longestCpuBlockMs?: number } => {
    const now = threadCpuNs();
    return first === undefined || now === undefined ? {} : { cpuMs: (now - first) / 1e6, longestCpuBlockMs: longest };
  };
  return {
    read,
    stop: () => {
      clearInterval(tick);
      return read();
    },
  };
}

/**
 * Timers around Inkwell's own steps, on the objects its test API exposes: each wrapped method is looked
 * up on the instance where Inkwell calls it (the tint's schedule, the records' listener), so the real
 * path runs through them.
 */
interface Probes {
  applies: { at: number; ms: number }[];
  handler: { ms: number[] };
  finishMs?: number;
  onLogprobs: { ms: number; calls: number };
}

function probe(api: InkwellTestApi): Probes {
  const probes: Probes = { applies: [], handler: { ms: [] }, onLogprobs: { ms: 0, calls: 0 } };
  const tint = api.tint;
  const apply = tint.apply.bind(tint);
  tint.apply = (editor) => {
    const t = performance.now();
    apply(editor);
    const end = performance.now();
    probes.applies.push({ at: end, ms: end - t });
  };
  const records = api.probabilities.records as unknown as { edited(e: vscode.TextDocumentChangeEvent): void };
  const edited = records.edited.bind(records);
  records.edited = (e) => {
    const t = performance.now();
    edited(e);
    probes.handler.ms.push(performance.now() - t);
  };
  const probabilities = api.probabilities;
  const finish = probabilities.finish.bind(probabilities);
  probabilities.finish = (...args) => {
    const t = performance.now();
    const recorded = finish(...args);
    probes.finishMs = performance.now() - t;
    return recorded;
  };
  // Over timedRun's instrument(): the time Inkwell spends taking each logprobs piece.
  const generator = api.services.generator;
  const generate = generator.generate.bind(generator);
  generator.generate = (request) =>
    generate({
      ...request,
      ...(request.onLogprobs
        ? {
            onLogprobs: (index, logprobs) => {
              const t = performance.now();
              request.onLogprobs!(index, logprobs);
              probes.onLogprobs.ms += performance.now() - t;
              probes.onLogprobs.calls++;
            },
          }
        : {}),
    });
  return probes;
}

const config = () => vscode.workspace.getConfiguration();
const setTopK = (k: number) => config().update('inkwell.probabilities.topK', k, vscode.ConfigurationTarget.Global);
const setMaxTokens = (n: number | undefined) => config().update('inkwell.sampling.maxTokens', n, vscode.ConfigurationTarget.Global);
const roundTrip = (i: number) => vscode.commands.executeCommand('setContext', 'inkwellBench.probe', i);

function endOf(editor: vscode.TextEditor): void {
  const end = editor.document.positionAt(editor.document.getText().length);
  editor.selection = new vscode.Selection(end, end);
}

async function until<T>(what: string, check: () => T | undefined, timeoutMs: number): Promise<T> {
  const started = performance.now();
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (performance.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(5);
  }
}

// ---------------------------------------------------------------------------------------------
// 1. The tint of a 2,000-token generation

async function tintFigures(api: InkwellTestApi, editor: vscode.TextEditor, probes: Probes): Promise<ProbabilitiesFigures['tint']> {
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

// ---------------------------------------------------------------------------------------------
// 2. The hover

async function hoverFigures(api: InkwellTestApi, document: vscode.TextDocument): Promise<ProbabilitiesFigures['hover']> {
  const generation = api.probabilities.records.generations(document.uri).at(-1);
  if (!generation) throw new Error('no recorded generation to hover');
  const positions = generation.placed.map((p) => document.positionAt(p.start));
  const providerMs: number[] = [];
  let markdownChars = 0;
  for (let pass = 0; pass < 3; pass++) {
    for (const position of positions) {
      const t = performance.now();
      const hover = tokenHover(api.probabilities.records, document, position);
      const ms = performance.now() - t;
      if (!hover) throw new Error(`no hover at ${position.line}:${position.character}`);
      if (pass > 0) providerMs.push(ms);
      markdownChars = Math.max(markdownChars, (hover.contents[0] as vscode.MarkdownString).value.length);
    }
  }
  const hoverText = async (position: vscode.Position) => {
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, position);
    return hovers.flatMap((h) => h.contents).map((c) => (typeof c === 'string' ? c : c.value)).join('\n');
  };
  const endToEndMs: number[] = [];
  const plainEndToEndMs: number[] = [];
  const plainAt = (i: number) => document.positionAt(5 + ((i * 37) % (MANUSCRIPT.length - 10)));
  const step = Math.max(1, Math.floor(positions.length / HOVERS));
  for (let i = 0; i < 20; i++) await hoverText(positions[i]); // warm-up
  for (let i = 0, k = 0; i < positions.length && endToEndMs.length < HOVERS; i += step, k++) {
    const t = performance.now();
    const text = await hoverText(positions[i]);
    endToEndMs.push(performance.now() - t);
    if (!text.includes('probability')) throw new Error(`the hover at token ${i} shows no probabilities: ${text.slice(0, 200)}`);
    if (k % Math.ceil(HOVERS / PLAIN_HOVERS) === 0) {
      const p = performance.now();
      const plain = await hoverText(plainAt(k));
      plainEndToEndMs.push(performance.now() - p);
      if (plain.includes('probability')) throw new Error('a hover on the writer’s own text shows probabilities');
    }
  }
  return { providerMs, endToEndMs, plainEndToEndMs, markdownChars };
}

// ---------------------------------------------------------------------------------------------
// 3. Event-loop lag while 5,000 tokens/s stream with top-5 probabilities

/**
 * One Continue Writing, measured from its stream's first byte: the test server plans its whole answer
 * before it sends a byte (with probabilities, seconds for 5,000 tokens), and that idle wait inside the
 * window would dilute the delay percentiles and the CPU figures of one side only.
 */
async function streamedContinueWriting(editor: vscode.TextEditor) {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  let cpu: ReturnType<typeof cpuWatch> | undefined;
  let firstByte = NaN;
  let lastArrival = NaN;
  let bytes = 0;
  let socket: Socket | undefined;
  /** First byte, command done, 150 ms after, in µs on the monotonic clock (a CPU profile's timestamps). */
  const window: bigint[] = [];
  const onData = (chunk: Buffer) => {
    bytes += chunk.length;
    lastArrival = performance.now();
  };
  const onResponse = (message: unknown) => {
    const { request, response } = message as { request: http.ClientRequest; response: http.IncomingMessage };
    if (request.method !== 'POST' || !/\/completions$/.test(request.path)) return;
    firstByte = performance.now();
    window[0] = process.hrtime.bigint() / 1000n;
    histogram.enable();
    cpu = cpuWatch();
    socket = response.socket ?? undefined;
    socket?.on('data', onData);
  };
  dc.subscribe(RESPONSE_CHANNEL, onResponse);
  endOf(editor);
  const started = performance.now();
  let result: { outcome: string; tokens: number } | undefined;
  try {
    result = await vscode.commands.executeCommand<{ outcome: string; tokens: number }>('inkwell.continueWriting');
  } finally {
    dc.unsubscribe(RESPONSE_CHANNEL, onResponse);
  }
  const lag = lagFigures(histogram);
  const cpuAtDone = cpu?.read();
  window[1] = process.hrtime.bigint() / 1000n;
  // The tint follows the recorded text after its pause: in the second window.
  await sleep(150);
  histogram.disable();
  window[2] = process.hrtime.bigint() / 1000n;
  socket?.off('data', onData);
  return {
    outcome: result?.outcome ?? 'none',
    tokens: result?.tokens ?? 0,
    firstByteMs: firstByte - started,
    streamMs: lastArrival - firstByte,
    bytes,
    lag,
    lagAfter: lagFigures(histogram),
    cpuMs: cpuAtDone?.cpuMs,
    longestCpuBlockMs: cpu?.stop().longestCpuBlockMs,
    window: window.map(String).join(' '),
  };
}

async function lagRun(api: InkwellTestApi, document: vscode.TextDocument, variant: LagVariant, probes: Probes, profileFile?: string): Promise<LagRun> {
  // Shown anew each run (an editor that was hidden is closed to its extension).
  const editor = await vscode.window.showTextDocument(document, { preview: false });
  const original = editor.document.getText();
  await setTopK(variant.startsWith('without') ? 0 : TOP_K);
  const before = api.probabilities.records.generations(editor.document.uri).length;
  probes.applies.length = 0;
  probes.handler.ms.length = 0;
  probes.finishMs = undefined;
  probes.onLogprobs.ms = 0;
  probes.onLogprobs.calls = 0;
  const timing = await profiled(profileFile, () => streamedContinueWriting(editor), log);
  if (profileFile) log(`${profileFile}: first byte, command done, 150 ms after at ${timing.window} µs (monotonic)`);
  const generations = api.probabilities.records.generations(editor.document.uri);
  const recorded = generations.length > before ? (generations.at(-1)?.placed.length ?? 0) : 0;
  const run: LagRun = {
    variant,
    outcome: timing.outcome,
    tokens: timing.tokens,
    bytes: timing.bytes,
    firstByteMs: timing.firstByteMs,
    measuredTokensPerSecond: timing.tokens / (timing.streamMs / 1000),
    lag: timing.lag,
    lagAfter: timing.lagAfter,
    ...(timing.cpuMs !== undefined ? { cpuMs: timing.cpuMs } : {}),
    ...(timing.longestCpuBlockMs !== undefined ? { longestCpuBlockMs: timing.longestCpuBlockMs } : {}),
    onLogprobsMs: probes.onLogprobs.ms,
    onLogprobsCalls: probes.onLogprobs.calls,
    ...(probes.finishMs !== undefined ? { finishMs: probes.finishMs } : {}),
    tintApplies: probes.applies.map((a) => a.ms),
    editHandlerMs: probes.handler.ms.reduce((a, b) => a + b, 0),
    editHandlerLongestMs: Math.max(0, ...probes.handler.ms),
    editHandlerCalls: probes.handler.ms.length,
    recorded,
  };
  await restore(editor, original);
  return run;
}

async function lagFiguresOf(api: InkwellTestApi, fresh: vscode.TextDocument, earlier: vscode.TextDocument, probes: Probes): Promise<ProbabilitiesFigures['lag']> {
  await setMaxTokens(LAG.tokens);
  await setScenario(LAG.scenario);
  const idleHistogram = monitorEventLoopDelay({ resolution: 1 });
  idleHistogram.enable();
  await sleep(1000);
  idleHistogram.disable();
  const documentOf = (v: LagVariant) => (v.endsWith('Earlier') ? earlier : fresh);
  // Warm-up: one of each, not counted (the first 5,000-token stream through this host, JIT).
  for (const v of ['without', 'with'] as const) await lagRun(api, documentOf(v), v, probes);
  const runs: LagRun[] = [];
  const profile = process.env.INKWELL_BENCH_PROFILE;
  for (let i = 0; i < RUNS; i++) {
    const order = i % 2 === 0 ? LAG_VARIANTS : [...LAG_VARIANTS].reverse();
    for (const variant of order) {
      await sleep(300);
      const file = profile && i === 0 ? profile.replace(/(\.cpuprofile)?$/, `-${variant}.cpuprofile`) : undefined;
      const run = await lagRun(api, documentOf(variant), variant, probes, file);
      runs.push(run);
      log(
        `lag ${variant}, run ${i + 1}: p99 ${run.lag.p99.toFixed(1)} ms, max ${run.lag.max.toFixed(1)} (with the 150 ms after: p99 ${run.lagAfter.p99.toFixed(1)}, max ${run.lagAfter.max.toFixed(1)}); ` +
          `CPU ${run.cpuMs?.toFixed(0)} ms, longest CPU block ${run.longestCpuBlockMs?.toFixed(1)} ms; ${run.tokens} tokens at ${run.measuredTokensPerSecond.toFixed(0)}/s, ${run.bytes} bytes, ${run.outcome}; ` +
          `onLogprobs ${run.onLogprobsMs.toFixed(1)} ms in ${run.onLogprobsCalls} calls; finish ${run.finishMs?.toFixed(1) ?? '-'} ms; ` +
          `tint ${run.tintApplies.map((v) => v.toFixed(1)).join(' ')} ms; edit handler ${run.editHandlerMs.toFixed(1)} ms in ${run.editHandlerCalls} (longest ${run.editHandlerLongestMs.toFixed(2)}); recorded ${run.recorded}`,
      );
    }
  }
  await setScenario(null);
  return { idle: lagFigures(idleHistogram), runs, tokens: LAG.tokens, tokensPerSecond: LAG.tokensPerSecond };
}

// ---------------------------------------------------------------------------------------------

export async function run(): Promise<void> {
  if (!SERVER) throw new Error('INKWELL_BENCH_SERVER is not set: run this through bench/probabilities.ts');
  const api = await vscode.extensions.getExtension<InkwellTestApi | undefined>('inkwell.inkwell')!.activate();
  if (!api) throw new Error('Inkwell gives its test API only in test mode');
  instrument(api);
  const probes = probe(api);
  await config().update('inkwell.infermatic.baseUrl', SERVER, vscode.ConfigurationTarget.Global);
  await config().update('inkwell.provider', 'infermatic', vscode.ConfigurationTarget.Global);
  await config().update('inkwell.model', MODEL, vscode.ConfigurationTarget.Global);
  await config().update('inkwell.contextSize', 16384, vscode.ConfigurationTarget.Global);
  await config().update('inkwell.probabilities.tint', true, vscode.ConfigurationTarget.Global);
  await api.services.keys.set(api.services.targets.profile('infermatic')!, KEY);
  await api.probabilities.support.forget();

  // The page: a 2,000-token continuation with its probabilities, written the writer's way (flat out).
  // First the same without probabilities, taken back: the first stream through this host, and what
  // the probabilities add to a flat-out generation.
  await setMaxTokens(GENERATION_TOKENS);
  await setScenario(null);
  const withGeneration = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ language: 'markdown', content: MANUSCRIPT }), { preview: false });
  await setTopK(0);
  endOf(withGeneration);
  const plain = await timedContinueWriting(withGeneration);
  await restore(withGeneration, MANUSCRIPT);
  await setTopK(TOP_K);
  endOf(withGeneration);
  probes.applies.length = 0;
  const timing = await timedContinueWriting(withGeneration);
  const generation = api.probabilities.records.generations(withGeneration.document.uri).at(-1);
  if (timing.outcome !== 'done' || !generation) throw new Error(`the 2,000-token generation: ${timing.outcome}, ${generation ? 'recorded' : 'no probabilities recorded'}`);
  await until('the tint of the generation', () => (probes.applies.some((a) => a.at > timing.generated) ? true : undefined), 5000);
  const bands = api.tint.bandRanges(withGeneration.document);
  const figuresGeneration = {
    tokens: timing.tokens,
    recorded: generation.tokens.length,
    placed: generation.placed.length,
    bands: Object.fromEntries(Object.entries(bands).map(([band, ranges]) => [band, ranges.length])),
    bytes: timing.bytes,
    outcome: timing.outcome,
    firstByteMs: timing.firstByte - timing.startedAt,
    streamMs: timing.lastArrival - timing.firstByte,
    tailMs: timing.lastChange - timing.lastArrival,
    ...(probes.finishMs !== undefined ? { finishMs: probes.finishMs } : {}),
    without: { bytes: plain.bytes, firstByteMs: plain.firstByte - plain.startedAt, streamMs: plain.lastArrival - plain.firstByte, tailMs: plain.lastChange - plain.lastArrival },
  };
  log(`generation: ${JSON.stringify(figuresGeneration)}`);

  const tint = await tintFigures(api, withGeneration, probes);
  const hover = await hoverFigures(api, withGeneration.document);
  const fresh = await vscode.workspace.openTextDocument({ language: 'markdown', content: MANUSCRIPT });
  const lag = await lagFiguresOf(api, fresh, withGeneration.document, probes);

  const figures: ProbabilitiesFigures = { vscodeVersion: vscode.version, node: process.version, generation: figuresGeneration, tint, hover, lag };
  if (process.env.INKWELL_BENCH_RESULT_FILE) fs.writeFileSync(process.env.INKWELL_BENCH_RESULT_FILE, JSON.stringify(figures, null, 2));
  await setTopK(0);
  await setMaxTokens(undefined);
  for (let i = 0; i < 2; i++) await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
}
