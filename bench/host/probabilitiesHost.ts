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
// The scenarios are in probabilitiesTint.ts, probabilitiesHover.ts and probabilitiesLag.ts; what they
// measure with in probabilitiesProbes.ts; the figures' shape in probabilitiesFigures.ts.
// Writes JSON to INKWELL_BENCH_RESULT_FILE.
import * as fs from 'fs';
import * as vscode from 'vscode';
import type { InkwellTestApi } from '../../src/extension';
import type { ProbabilitiesFigures } from './probabilitiesFigures';
import { hoverFigures } from './probabilitiesHover';
import { lagFiguresOf } from './probabilitiesLag';
import { TOP_K, config, endOf, log, probe, setMaxTokens, setTopK, until } from './probabilitiesProbes';
import { tintFigures } from './probabilitiesTint';
import { KEY, MANUSCRIPT, SERVER, instrument, restore, setScenario, timedContinueWriting } from './timedRun';

const MODEL = 'Sao10K-L3.3-70B-Euryale-v2.3-FP8-Dynamic';
const GENERATION_TOKENS = 2000;

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
