// The token-probability benchmark, scenario 3: event-loop lag while Continue Writing streams 5,000
// tokens at 5,000 tokens/s with top-5 probabilities, against the same stream without them, in turns.
import * as dc from 'diagnostics_channel';
import * as http from 'http';
import type { Socket } from 'net';
import { monitorEventLoopDelay, performance } from 'perf_hooks';
import * as vscode from 'vscode';
import type { InkwellTestApi } from '../../src/extension';
import { profiled } from './cpuProfile';
import { LAG_VARIANTS, type LagRun, type LagVariant, type ProbabilitiesFigures } from './probabilitiesFigures';
import { TOP_K, endOf, log, setMaxTokens, setTopK, type Probes } from './probabilitiesProbes';
import { cpuWatch } from './threadCpu';
import { RESPONSE_CHANNEL, lagFigures, restore, setScenario, sleep } from './timedRun';

const RUNS = Math.max(1, Number(process.env.INKWELL_BENCH_RUNS) || 5);
/** 5,000 tokens/s: the server cannot time 0.2 ms, so 50 tokens every 10 ms (as bench/host/index.ts). */
const LAG = { tokens: 5000, tokensPerSecond: 5000, scenario: { tokenDelayMs: 10, tokensPerDelay: 50 } };

/**
 * One Continue Writing, measured from its stream's first byte: the test server plans its whole answer
 * before it sends a byte (longer with probabilities), and that idle wait inside the
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

export async function lagFiguresOf(api: InkwellTestApi, fresh: vscode.TextDocument, earlier: vscode.TextDocument, probes: Probes): Promise<ProbabilitiesFigures['lag']> {
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
