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
// The overhead scenario is in overheadBench.ts; editRoundTrip, rates and lag are in editAndLagBench.ts.
import * as fs from 'fs';
import * as vscode from 'vscode';
import type { InkwellTestApi } from '../../src/extension';
import type { BenchResults } from './results';
import { alternativesFigures, swapLatency } from './alternativesBench';
import { editRoundTrips, lag, rates } from './editAndLagBench';
import { overhead } from './overheadBench';
import { KEY, MANUSCRIPT, SERVER, instrument } from './timedRun';

const RUNS = Math.max(1, Number(process.env.INKWELL_BENCH_RUNS) || 5);
const MODEL = 'Sao10K-L3.3-70B-Euryale-v2.3-FP8-Dynamic';
const EXTENSION_ID = 'inkwell.inkwell';

const log = (line: string) => console.log(`bench: ${line}`);

// ---------------------------------------------------------------------------------------------
// The benchmarks: activation here, the rest in their modules

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
    editRoundTrip: await editRoundTrips(editor, log),
    overhead: await overhead(editor, RUNS, 'flat out', null, log),
    overheadPaced: await overhead(editor, 3, 'at 1,000 tok/s', { tokenDelayMs: 10, tokensPerDelay: 10 }, log),
    rates: await rates(editor, log),
    lag: await lag(editor, 3, log),
    swaps: await swapLatency(api, editor, log),
    alternatives: await alternativesFigures(api, editor, RUNS, log),
  };
  if (resultFile) fs.writeFileSync(resultFile, JSON.stringify(results, null, 2));
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
}
