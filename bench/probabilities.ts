// Token probabilities in the editor: the three figures their goals name, measured in a real extension host.
//
//   npx tsc -p tsconfig.test.json && flock /tmp/inkwell-host.lock node out/bench/probabilities.js
//
// 1. Tint: a 2,000-token Continue Writing with top-5 probabilities, tint on; the tint of it set on the
//    editor (ProbabilityTint.apply), 300 times: p50/p99 ≤ 16 ms; also until the workbench has it, and the
//    refresh a keystroke before the generation sets off.
// 2. Hover: the hover provider on every token of that generation, and vscode.executeHoverProvider end to
//    end on 300 of them: p50/p99 ≤ 5 ms.
// 3. Lag: extension-host event-loop delay p99 ≤ 20 ms while Continue Writing streams 5,000 tokens at
//    5,000 tokens/s with top-5 probabilities, against the same stream without them, taken in turns in the
//    same run (the machine's load moves absolute figures; the ratio is the comparison that holds).
//
// It builds the production bundle first (writers' code); with INKWELL_BENCH_PROFILE=/abs/file.cpuprofile,
// the development bundle instead (its source map copied to <file>.map) and writes CPU profiles of the
// extension host over the first lag run of each kind (<file>-without/-with/-withoutEarlier/-withEarlier.cpuprofile).
// The provider test server runs in a process of its own (out/test/server/cli.js); bench/host/
// probabilitiesHost.ts runs in the extension host (code-server + headless Chromium, or a desktop VS Code
// named by INKWELL_VSCODE_EXECUTABLE), with the scenarios and probes beside it (bench/host/probabilities*.ts).
// INKWELL_BENCH_RUNS: lag runs of each kind (default 5).
import * as os from 'os';
import { LAG_VARIANTS, type LagRun, type LagVariant, type ProbabilitiesFigures } from './host/probabilitiesFigures';
import { median } from './median';
import { buildForBench, runInHost, runMain, startBenchServer, stopBenchServer } from './benchSetup';

const KEY = 'bench-key';
const ms = (value: number | undefined) => (value === undefined ? '-' : `${value < 10 ? value.toFixed(2) : value.toFixed(1)} ms`);

/** Nearest-rank percentile. */
function pct(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((q / 100) * sorted.length) - 1))];
}

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r: string[]) => `| ${r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join(' | ')} |`;
  return [line(rows[0]), `|${widths.map((w, c) => (c === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`, ...rows.slice(1).map(line)];
}

function report(f: ProbabilitiesFigures): void {
  const verdict = (value: number, goal: number) => (value <= goal ? 'met' : 'MISSED');
  const row = (what: string, goal: string, values: readonly number[], goalMs?: number) => [
    what, goal, ms(pct(values, 50)), ms(pct(values, 99)), ms(Math.max(...values)), String(values.length), goalMs === undefined ? '' : verdict(pct(values, 99), goalMs),
  ];
  const runs = (v: LagVariant) => f.lag.runs.filter((r) => r.variant === v);
  const lagP99 = (v: LagVariant) => runs(v).map((r) => r.lag.p99);
  const without = median(lagP99('without'));
  const withP = median(lagP99('with'));
  const withEarlier = median(lagP99('withEarlier'));
  const withoutEarlier = median(lagP99('withoutEarlier'));
  const cpu = (v: LagVariant) => median(runs(v).map((r) => r.cpuMs ?? NaN));
  const t = f.tint;
  const h = f.hover;
  const rows = [
    ['figure', 'goal', 'p50', 'p99', 'max', 'n', 'p99 vs goal'],
    row('1. tint.apply, 2,000 tokens (host, sync)', '≤ 16 ms', t.applyMs, 16),
    row('   bandRanges alone', '', t.bandRangesMs),
    row('   apply → workbench has them', '', t.applyToWorkbenchMs),
    row('   (a bare round trip, same turns)', '', t.roundTripMs),
    row('   keystroke: records edit handler', '', t.keystrokeHandlerMs),
    row('   keystroke: the apply it sets off', '≤ 16 ms', t.keystrokeApplyMs, 16),
    row('   keystroke → tint done (40 ms pause incl.)', '', t.keystrokeToTintMs),
    row('2. hover provider alone, every token', '≤ 5 ms', h.providerMs, 5),
    row('   executeHoverProvider, end to end', '≤ 5 ms', h.endToEndMs, 5),
    row('   (the same on the writer’s own text)', '', h.plainEndToEndMs),
    [...row('3. lag p99 at 5,000 tok/s, no probabilities', '', lagP99('without')).slice(0, 6), ''],
    [...row('   lag p99, top-5 probabilities', '≤ 20 ms', lagP99('with'), 20).slice(0, 7)],
    [...row('   no probabilities, earlier 2,000 tinted', '', lagP99('withoutEarlier')).slice(0, 6), ''],
    [...row('   top-5, earlier 2,000 tokens tinted', '≤ 20 ms', lagP99('withEarlier'), 20).slice(0, 7)],
  ];
  // The lag rows: p50 and p99 columns are across runs' p99s (median and worst run), as is "n".
  console.log(`\nbench: ${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}, VS Code ${f.vscodeVersion}, extension host Node ${f.node}\n`);
  console.log(
    `Generation: ${f.generation.tokens} tokens by Continue Writing (${f.generation.outcome}), ${f.generation.recorded} with probabilities, ${f.generation.placed} placed in the document ` +
      `(the command → first byte ${ms(f.generation.firstByteMs)}, → last byte ${ms(f.generation.streamMs)}, → last character in the document ${ms(f.generation.tailMs)}; Probabilities.finish ${ms(f.generation.finishMs)}; ` +
      `without probabilities just before: ${ms(f.generation.without.firstByteMs)}, ${ms(f.generation.without.streamMs)}, ${ms(f.generation.without.tailMs)}, ${f.generation.without.bytes.toLocaleString('en-US')} bytes); ` +
      `tinted: ${Object.entries(f.generation.bands).map(([b, n]) => `${n} ${b}`).join(', ')}; ${f.generation.bytes.toLocaleString('en-US')} bytes of stream\n`,
  );
  for (const line of table(rows)) console.log(line);
  console.log('(lag rows: p50 = the median run’s p99, p99 and max = the worst run’s p99, n = runs; each run’s p99 is over its own stream)\n');
  const describe = (v: LagVariant) => {
    const r = runs(v);
    const sum = (pick: (x: LagRun) => number) => median(r.map(pick));
    return (
      `${v}: p99 ${r.map((x) => x.lag.p99.toFixed(1)).join(', ')} ms; max ${r.map((x) => x.lag.max.toFixed(0)).join(', ')} ms; ` +
      `p99 with the 150 ms after ${r.map((x) => x.lagAfter.p99.toFixed(1)).join(', ')}, max ${r.map((x) => x.lagAfter.max.toFixed(0)).join(', ')}; ` +
      `CPU ${r.map((x) => x.cpuMs?.toFixed(0) ?? '-').join(', ')} ms; longest CPU block ${r.map((x) => x.longestCpuBlockMs?.toFixed(1) ?? '-').join(', ')} ms; ` +
      `${sum((x) => x.measuredTokensPerSecond).toFixed(0)} tok/s measured, ${sum((x) => x.bytes).toLocaleString('en-US')} bytes, the server's first byte after ${ms(sum((x) => x.firstByteMs))}` +
      (v === 'without' ? '' : `; onLogprobs ${sum((x) => x.onLogprobsMs).toFixed(0)} ms in ${sum((x) => x.onLogprobsCalls)} calls; finish ${r.map((x) => x.finishMs?.toFixed(1) ?? '-').join(', ')} ms; ` +
        `tint applies ${r.map((x) => x.tintApplies.length).join(', ')} (longest ${Math.max(0, ...r.flatMap((x) => x.tintApplies)).toFixed(1)} ms); ` +
        `edit handler ${sum((x) => x.editHandlerMs).toFixed(0)} ms in ${sum((x) => x.editHandlerCalls)} calls (longest ${Math.max(...r.map((x) => x.editHandlerLongestMs)).toFixed(2)} ms); ` +
        `${sum((x) => x.recorded)} tokens recorded`)
    );
  };
  for (const v of LAG_VARIANTS) console.log(`Lag runs, ${describe(v)}`);
  console.log(
    `\nLag p99 with top-5 probabilities / without, medians of ${runs('with').length} runs in turns: ${(withP / without).toFixed(2)}x (${ms(withP)} / ${ms(without)}); ` +
      `after an earlier 2,000-token generation tinted on the page: ${(withEarlier / withoutEarlier).toFixed(2)}x (${ms(withEarlier)} / ${ms(withoutEarlier)}; ` +
      `that page without probabilities against the fresh one ${(withoutEarlier / without).toFixed(2)}x); idle p99 ${ms(f.lag.idle.p99)}.\n` +
      `The host thread's CPU from the first byte to the command's end: ${(cpu('with') / cpu('without')).toFixed(2)}x (${cpu('with').toFixed(0)} / ${cpu('without').toFixed(0)} ms); ` +
      `after the earlier generation ${(cpu('withEarlier') / cpu('withoutEarlier')).toFixed(2)}x (${cpu('withEarlier').toFixed(0)} / ${cpu('withoutEarlier').toFixed(0)} ms)`,
  );
  console.log(`Hover Markdown: up to ${f.hover.markdownChars} characters`);
}

async function main(): Promise<void> {
  buildForBench();
  const { url, server } = await startBenchServer(KEY);
  const loadBefore = os.loadavg();
  try {
    const f = await runInHost<ProbabilitiesFigures>('probabilitiesHost.js', { url, key: KEY }, {
      // The launcher's default of 5 minutes holds the default runs (about a minute and a half on two loaded
      // cores) but not many more INKWELL_BENCH_RUNS: each is four 5,000-token streams and the pauses between.
      INKWELL_HOST_TIMEOUT_MS: process.env.INKWELL_HOST_TIMEOUT_MS ?? String(40 * 60_000),
      INKWELL_BENCH_RUNS: process.env.INKWELL_BENCH_RUNS,
      INKWELL_BENCH_PROFILE: process.env.INKWELL_BENCH_PROFILE,
    });
    console.log(`\nbench: load average before the run ${loadBefore.map((l) => l.toFixed(2)).join(' ')}`);
    report(f);
  } finally {
    stopBenchServer(server);
  }
}

runMain(main);
