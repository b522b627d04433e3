// `npm run bench`: Inkwell's figures for the README, measured in a real extension host.
//
//   npm run compile-tests && node out/bench/runBench.js
//
// 1. Sizes: the production bundle (`node esbuild.js --production`) and the .vsix (`npm run package`).
// 2. The provider test server in a process of its own (out/test/server/cli.js), so its work is not in
//    the extension host's event loop.
// 3. bench/host/index.ts in the extension host, through @vscode/test-electron's runTests, the same way
//    test/integration/runTests.ts runs the integration tests (code-server + headless Chromium here,
//    a desktop VS Code when INKWELL_VSCODE_EXECUTABLE names one). Inkwell runs from the production
//    bundle, as writers get it. Two more fresh hosts only for activation (once per host).
// 4. README-ready lines at the end.
//
// `-- --activation`: only activation and the bundle's size, in five fresh hosts (INKWELL_BENCH_HOSTS).
// Environment: INKWELL_BENCH_RUNS (flat-out overhead pairs and one-against-four alternatives pairs, default 5); INKWELL_BENCH_SKIP_PACKAGE=1;
// INKWELL_BENCH_PROFILE=/abs/file.cpuprofile writes CPU profiles of the extension host over one flat-out
// 2,000-token Continue Writing and one 5,000-token one (…-lag.cpuprofile), for Chrome DevTools.
// The machine's load changes these figures a lot: run it when nothing else is running.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { ActivationFigures, BenchResults, LagFigures } from './host/results';
import { median } from './median';
import { repoRoot, runInHost, runMain, startBenchServer, stopBenchServer } from './benchSetup';

const KEY = 'bench-key';
const ACTIVATION_HOSTS = 3;

const kb = (bytes: number) => `${(bytes / 1024).toLocaleString('en-US', { maximumFractionDigits: 0 })} KB`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MB`;
const ms = (value: number) => `${value < 10 ? value.toFixed(1) : value.toFixed(0)} ms`;

// ---------------------------------------------------------------------------------------------
// Sizes

interface Sizes {
  extensionJs?: number;
  vsix?: number;
  /** How the .vsix was made, when `npm run package` itself did not make it. */
  vsixNote?: string;
}

function run(command: string, args: string[], timeoutMs = 240_000) {
  const result = spawnSync(command, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', timeout: timeoutMs });
  return { ok: result.status === 0, output: `${result.stdout ?? ''}${result.stderr ?? ''}`.trim() };
}

function firstError(output: string): string {
  const line = output.split('\n').find((l) => /ERROR|Error:/.test(l)) ?? output.split('\n').pop() ?? '';
  return line.replace(/\s+/g, ' ').trim();
}

function measureSizes(): Sizes {
  const sizes: Sizes = {};
  const vsix = path.join(repoRoot, 'inkwell.vsix');
  if (!process.env.INKWELL_BENCH_SKIP_PACKAGE) {
    fs.rmSync(vsix, { force: true });
    console.log('bench: npm run package …');
    const packaged = run('npm', ['run', 'package']);
    if (packaged.ok && fs.existsSync(vsix)) {
      sizes.vsix = fs.statSync(vsix).size;
    } else {
      // Measure anyway, with what vsce asked for filled in by a placeholder, and say so.
      const problem = firstError(packaged.output);
      console.log(`bench: npm run package failed: ${problem}`);
      const placeholder = path.join(os.tmpdir(), `inkwell-bench-${process.pid}.vsix`);
      const vsce = path.join(repoRoot, 'node_modules', '.bin', 'vsce');
      const retry = run(vsce, [
        'package', '--no-dependencies', '--allow-missing-repository',
        '--baseContentUrl', 'https://example.invalid/inkwell', '--baseImagesUrl', 'https://example.invalid/inkwell',
        '--out', placeholder,
      ]);
      if (retry.ok && fs.existsSync(placeholder)) {
        sizes.vsix = fs.statSync(placeholder).size;
        fs.rmSync(placeholder, { force: true });
      }
      sizes.vsixNote = 'npm run package fails here, see above; packed with placeholder --baseContentUrl/--baseImagesUrl';
    }
  }
  // The production bundle (again: the package step may have been skipped or failed before building).
  const built = run(process.execPath, ['esbuild.js', '--production']);
  if (!built.ok) throw new Error(`node esbuild.js --production failed:\n${built.output}`);
  sizes.extensionJs = fs.statSync(path.join(repoRoot, 'dist', 'extension.js')).size;
  return sizes;
}

// ---------------------------------------------------------------------------------------------
// The extension host part

function runHostBench(serverUrl: string, only?: 'activation'): Promise<BenchResults> {
  return runInHost<BenchResults>('index.js', { url: serverUrl, key: KEY }, { INKWELL_BENCH_ONLY: only, INKWELL_BENCH_RUNS: process.env.INKWELL_BENCH_RUNS || undefined });
}

// ---------------------------------------------------------------------------------------------
// The figures

function activationLine(activations: ActivationFigures[], vscodeVersion: string): string {
  const measured = activations
    .filter((a): a is Extract<ActivationFigures, { available: true }> => a.available)
    .sort((a, b) => a.codeLoadingMs + a.activateCallMs - (b.codeLoadingMs + b.activateCallMs));
  const typical = measured[Math.floor((measured.length - 1) / 2)];
  return typical
    ? `Activation: ${ms(typical.codeLoadingMs + typical.activateCallMs)} ` +
        `(loading dist/extension.js ${ms(typical.codeLoadingMs)} + activate() ${ms(typical.activateCallMs)}; the median of ${measured.length} fresh extension hosts, ` +
        `all: ${measured.map((a) => `${(a.codeLoadingMs + a.activateCallMs).toFixed(0)} (${a.codeLoadingMs.toFixed(0)} + ${a.activateCallMs.toFixed(0)})`).join(', ')} ms; VS Code's own marks, VS Code ${vscodeVersion})`
    : `Activation: not measured (no VS Code marks for Inkwell in this host)`;
}

function readmeLines(results: BenchResults, activations: ActivationFigures[], sizes: Sizes): string[] {
  const lines: string[] = [];
  const pairs = results.overhead;
  // The headline: what Inkwell adds after the stream's end, against the one round trip it cannot avoid.
  const flatTail = median(pairs.map((p) => p.generation.lastChange - p.generation.lastArrival));
  const flatEdit = median(pairs.map((p) => p.editMs));
  lines.push(
    `Continue Writing flat out (2,000 tokens as fast as the server sends them): the last byte off the socket → the last character in the document ` +
      `${ms(flatTail)}, ${(flatTail / flatEdit).toFixed(2)}x a one-character edit's round trip in the same run (${ms(flatEdit)}; medians of ${pairs.length}; ` +
      `runs: ${pairs.map((p) => (p.generation.lastChange - p.generation.lastArrival).toFixed(0)).join(', ')} ms against ${pairs.map((p) => p.editMs.toFixed(0)).join(', ')} ms); ` +
      `one edit of the generation's size: ${ms(median(pairs.map((p) => p.sizedEditMs)))} (${(flatTail / median(pairs.map((p) => p.sizedEditMs))).toFixed(2)}x)`,
  );
  lines.push(
    `For reference, flat out against a bare Node client: ${median(pairs.map((p) => p.ratio)).toFixed(2)}x ` +
      `(first byte → last character in the document ${ms(median(pairs.map((p) => p.generationMs)))} against ${ms(median(pairs.map((p) => p.rawMs)))})`,
  );
  lines.push(
    `One editor edit, extension host → workbench → back: ${ms(median(results.editRoundTrip.smallMs))} ` +
      `(${ms(median(results.editRoundTrip.largeMs))} for 12,000 characters; a setContext command: ${ms(median(results.editRoundTrip.commandMs))})`,
  );
  const swap = median(results.swaps.swapMs);
  const edit = median(results.swaps.editMs);
  lines.push(
    `Alternatives: a swap (command → its text in the document) takes ${ms(swap)}, ${(swap / edit).toFixed(2)}x a one-character edit's round trip ` +
      `in the same run (${ms(edit)}; medians of ${results.swaps.swapMs.length})`,
  );
  const alt = results.alternatives;
  const lastToken = (runs: { lastTokenMs: number }[]) => median(runs.map((r) => r.lastTokenMs));
  const complete = (runs: { allCompleteMs: number }[]) => median(runs.map((r) => r.allCompleteMs));
  lines.push(
    `Alternatives: four of ${alt.tokens} tokens with n: 4 at ${alt.tokensPerSecond} tokens/s: the last token ${(lastToken(alt.four) / lastToken(alt.one)).toFixed(3)}x one alternative's ` +
      `(${ms(lastToken(alt.four))} against ${ms(lastToken(alt.one))} from the command; every alternative complete ${(complete(alt.four) / complete(alt.one)).toFixed(3)}x, ` +
      `${ms(complete(alt.four))} against ${ms(complete(alt.one))}; medians of ${alt.four.length} runs each, taken in turns)`,
  );
  const oneAt500 = results.rates.find((r) => r.nominalTokensPerSecond === 500)?.generation.lag?.p99;
  lines.push(
    `Alternatives: event-loop lag p99 while four stream at 500 tokens/s each (n: 4, 1,000 tokens): ${ms(median(alt.lag.map((l) => l.p99)))} ` +
      `(runs: ${alt.lag.map((l) => l.p99.toFixed(1)).join(', ')} ms; max ${ms(Math.max(...alt.lag.map((l) => l.max)))}` +
      `${oneAt500 !== undefined ? `; one stream at 500 tokens/s in the same run: ${ms(oneAt500)}` : ''})`,
  );
  const paced = results.overheadPaced;
  lines.push(
    `Streaming overhead at 1,000 tokens/s: ${median(paced.map((p) => p.ratio)).toFixed(2)}x ` +
      `(2,000 tokens: ${ms(median(paced.map((p) => p.generationMs)))} against ${ms(median(paced.map((p) => p.rawMs)))}; median of ${paced.length})`,
  );
  const own = (p: { generation: { firstByte: number; lastArrival: number; lastChange: number } }) =>
    (p.generation.lastChange - p.generation.firstByte) / (p.generation.lastArrival - p.generation.firstByte);
  lines.push(
    `Against its own stream's arrival (first byte → last byte off the socket, same request): ` +
      `${median(pairs.map(own)).toFixed(2)}x flat out, ${median(paced.map(own)).toFixed(3)}x at 1,000 tokens/s`,
  );
  const tail = median([...pairs, ...paced].map((p) => p.generation.lastChange - p.generation.lastArrival));
  lines.push(`From the last byte off the socket to the last character in the document: ${ms(tail)} (median of all overhead runs)`);
  const rates = results.rates;
  lines.push(
    `Editor edits per second at ${rates.map((r) => r.nominalTokensPerSecond.toLocaleString('en-US')).join(' / ')} tokens/s: ` +
      `${rates.map((r) => r.editsPerSecond.toFixed(0)).join(' / ')} ` +
      `(measured token rates ${rates.map((r) => r.measuredTokensPerSecond.toFixed(0)).join(' / ')})`,
  );
  const stops = [...new Set(rates.map((r) => r.undoStops))];
  lines.push(
    stops.length === 1
      ? `Undo stops per generation: ${stops[0]} at every rate (one Undo restores the text)`
      : `Undo stops per generation at ${rates.map((r) => r.nominalTokensPerSecond.toLocaleString('en-US')).join(' / ')} tokens/s: ${rates.map((r) => r.undoStops).join(' / ')}`,
  );
  const p99 = (figures: LagFigures[]) => median(figures.map((f) => f.p99));
  lines.push(
    `Extension-host event-loop lag during a 5,000-token stream, p99: ${ms(p99(results.lag.paced))} at 5,000 tokens/s, ` +
      `${ms(p99(results.lag.flatOut))} flat out (idle: ${ms(results.lag.idle.p99)})`,
  );
  lines.push(activationLine(activations, results.vscodeVersion));
  if (sizes.extensionJs !== undefined) lines.push(`dist/extension.js (production): ${kb(sizes.extensionJs)}`);
  if (sizes.vsix !== undefined) lines.push(`inkwell.vsix: ${mb(sizes.vsix)}${sizes.vsixNote ? ` (${sizes.vsixNote})` : ''}`);
  return lines;
}

/** `--activation`: only the production bundle's size and activation, in INKWELL_BENCH_HOSTS fresh hosts (default 5). */
async function activationOnly(): Promise<number> {
  const built = run(process.execPath, ['esbuild.js', '--production']);
  if (!built.ok) throw new Error(`node esbuild.js --production failed:\n${built.output}`);
  const server = await startBenchServer(KEY);
  const activations: ActivationFigures[] = [];
  let version = '';
  try {
    for (let i = 0; i < Number(process.env.INKWELL_BENCH_HOSTS || 5); i++) {
      const result = await runHostBench(server.url, 'activation');
      activations.push(result.activation);
      version = result.vscodeVersion;
    }
  } finally {
    stopBenchServer(server.server);
  }
  console.log(`\nbench: load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(activationLine(activations, version));
  console.log(`dist/extension.js (production): ${kb(fs.statSync(path.join(repoRoot, 'dist', 'extension.js')).size)}`);
  return 0;
}

async function main(): Promise<number> {
  if (process.argv.includes('--activation')) return activationOnly();
  const started = Date.now();
  const sizes = measureSizes();
  const server = await startBenchServer(KEY);
  let results: BenchResults;
  const activations: ActivationFigures[] = [];
  try {
    results = await runHostBench(server.url);
    activations.push(results.activation);
    // Activation happens once per host: two more fresh hosts for two more figures.
    for (let i = 0; i < ACTIVATION_HOSTS - 1; i++) activations.push((await runHostBench(server.url, 'activation')).activation);
  } finally {
    stopBenchServer(server.server);
  }
  console.log(`\nbench: ${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}, ` +
    `VS Code ${results.vscodeVersion}, extension host Node ${results.node}, ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  for (const line of readmeLines(results, activations, sizes)) console.log(line);
  return 0;
}

runMain(main);
