/**
 * Token counting benchmark on a generated 150k-word manuscript.
 *
 *   npx tsc -p tsconfig.test.json && node out/bench/tokenCount.js [words] [edits]
 *
 * Builds the tokenizer worker the way the extension ships it (esbuild bundle + data files in a temp folder),
 * then for each tokenizer, in a fresh process and worker: load time, first full count, recount after one
 * keystroke (p50/p99 over random single-character edits), the longest main-thread slice between yields (our
 * own blocking) and the event-loop delay (which also includes the machine's noise), memory.
 * Prints README-ready lines.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { monitorEventLoopDelay } from 'perf_hooks';
import { Worker } from 'worker_threads';
import { execFileSync } from 'child_process';
import { TokenCounter } from '../src/core/tokens/tokenCounter';
import { TokenizerWorkerClient } from '../src/core/tokens/workerClient';
import { FAMILY_LABELS, LOCAL_FAMILIES, TokenizerFamily } from '../src/core/tokens/types';
import { generateProse, rng, wordCount } from './tokenCountProse';
import { buildWorker } from './tokenWorkerBuild';

const CHILD = process.argv[2] === '--child';
const ARGS = CHILD ? process.argv.slice(5) : process.argv.slice(2);
const WORDS = Number(ARGS[0] ?? 150_000);
const EDITS = Number(ARGS[1] ?? 200);

function mb(n: number): string {
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** One keystroke: insert a letter at a random place. */
function edit(text: string, r: () => number): string {
  const at = Math.floor(r() * text.length);
  return text.slice(0, at) + 'e' + text.slice(at);
}

async function benchFamily(family: TokenizerFamily, text: string, workerPath: string | undefined, dataDir: string | undefined) {
  const client = workerPath
    ? new TokenizerWorkerClient(() => new Worker(workerPath, { workerData: { dataDir } }), { idleMs: 0 })
    : undefined;
  const counter = new TokenCounter({ family, local: client });
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  const rssBefore = process.memoryUsage().rss;

  let loadMs = 0;
  let rssLoaded = rssBefore;
  if (client && family !== 'unknown') {
    const t0 = performance.now();
    await client.load(family);
    loadMs = performance.now() - t0;
    rssLoaded = process.memoryUsage().rss;
  }
  const t1 = performance.now();
  const first = await counter.count(text);
  const firstMs = performance.now() - t1;
  const firstLongestSlice = counter.lastStats.longestSliceMs;

  const r = rng(7);
  const times: number[] = [];
  const slices: number[] = [firstLongestSlice];
  let current = text;
  for (let i = 0; i < EDITS; i++) {
    current = edit(current, r);
    const t = performance.now();
    await counter.count(current);
    times.push(performance.now() - t);
    slices.push(counter.lastStats.longestSliceMs);
  }
  h.disable();
  times.sort((a, b) => a - b);
  slices.sort((a, b) => a - b);
  const noise = await idleLoopNoise(1000);
  global.gc?.();
  const stats = client ? await client.stats() : undefined;
  const rssAfter = process.memoryUsage().rss;
  await client?.dispose();
  return {
    family,
    count: first.count,
    exact: first.exact,
    loadMs,
    firstMs,
    p50: pct(times, 50),
    p99: pct(times, 99),
    loopMaxMs: h.max / 1e6,
    firstLongestSlice,
    sliceP50: pct(slices, 50),
    sliceP99: pct(slices, 99),
    longestSlice: slices[slices.length - 1],
    idleNoiseMs: noise,
    workerHeap: stats?.heapUsed ?? 0,
    rssLoadDelta: rssLoaded - rssBefore,
    rssDelta: rssAfter - rssBefore,
    mainHeap: process.memoryUsage().heapUsed,
  };
}

/** Timer lateness of an idle event loop on this machine, for scale. */
async function idleLoopNoise(ms: number): Promise<number> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  await new Promise((r) => setTimeout(r, ms));
  h.disable();
  return h.max / 1e6;
}

type Row = Awaited<ReturnType<typeof benchFamily>>;

async function child(): Promise<void> {
  const family = process.argv[3] as TokenizerFamily;
  const dir = process.argv[4];
  const text = generateProse(WORDS, 2024);
  const workerPath = family === 'unknown' ? undefined : path.join(dir, 'tokenizerWorker.js');
  const row = await benchFamily(family, text, workerPath, path.join(dir, 'tokenizers'));
  process.stdout.write(JSON.stringify(row));
}

async function main(): Promise<void> {
  const text = generateProse(WORDS, 2024);
  const words = wordCount(text);
  const build = buildWorker();
  console.log(`Manuscript: ${words.toLocaleString('en-US')} words, ${(text.length / 1024).toFixed(0)} KB, ${text.split(/\n\n/).length} paragraphs.`);
  console.log(
    `Worker bundle ${mb(build.bundleBytes)} (minified; Llama 3 + Llama 2 vocabularies baked in) + data files ${mb(build.dataBytes)} ` +
      `(Qwen2.5 tokenizer.json, Tekken table); about ${mb(build.zippedBytes)} compressed in a .vsix.`,
  );
  const noise = await idleLoopNoise(2000);
  console.log(
    `Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}; ${EDITS} one-character edits per tokenizer; ` +
      `each tokenizer in its own process. An idle event loop here sees timers up to ${noise.toFixed(0)} ms late.\n`,
  );

  const rows: Row[] = [];
  for (const family of [...LOCAL_FAMILIES, 'unknown' as const]) {
    const out = execFileSync(process.execPath, ['--expose-gc', __filename, '--child', family, build.dir, String(WORDS), String(EDITS)], {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    });
    rows.push(JSON.parse(out) as Row);
  }

  console.log(
    '| tokenizer | tokens | tokens/word | load (in worker) | first full count | recount after one keystroke p50 / p99 | ' +
      'longest main-thread slice per count p50 / p99 / max | event-loop delay max (idle noise) | memory with tokenizer loaded |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const name = r.family === 'unknown' ? 'estimate (≈)' : FAMILY_LABELS[r.family];
    console.log(
      `| ${name} | ${r.exact ? '' : '≈'}${r.count.toLocaleString('en-US')} | ${(r.count / words).toFixed(2)} | ${r.loadMs ? `${r.loadMs.toFixed(0)} ms` : '—'} | ` +
        `${r.firstMs.toFixed(0)} ms | ${r.p50.toFixed(1)} ms / ${r.p99.toFixed(1)} ms | ` +
        `${r.sliceP50.toFixed(1)} / ${r.sliceP99.toFixed(1)} / ${r.longestSlice.toFixed(1)} ms | ${r.loopMaxMs.toFixed(0)} ms (${r.idleNoiseMs.toFixed(0)} ms) | ` +
        `${r.workerHeap ? `worker heap ${mb(r.workerHeap)}, process rss +${mb(r.rssLoadDelta)}` : `main heap ${mb(r.mainHeap)}`} |`,
    );
  }
  console.log('');
  for (const r of rows) {
    const name = r.family === 'unknown' ? 'estimate' : FAMILY_LABELS[r.family];
    console.log(
      `${name}: recount after one keystroke: p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms; first full count ${r.firstMs.toFixed(0)} ms; ` +
        `main-thread slices p99 ${r.sliceP99.toFixed(1)} ms, max ${r.longestSlice.toFixed(1)} ms.`,
    );
  }
  fs.rmSync(build.dir, { recursive: true, force: true });
}

(CHILD ? child() : main()).catch((e) => {
  console.error(e);
  process.exit(1);
});
