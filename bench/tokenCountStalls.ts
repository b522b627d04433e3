/**
 * Token counting on the document shapes that used to stall it (bench/tokenCountShapes.ts), with the tokenizer
 * worker as the extension ships it.
 *
 *   npx tsc -p tsconfig.test.json && node --expose-gc out/bench/tokenCountStalls.js [edits]
 *
 * Per shape (blank-line paragraphs first, as the baseline), Llama 3 through the worker: the longest main-thread
 * stretch between yields (the counter's own clock) over the first count and `edits` one-character recounts, the
 * event loop's worst delay meanwhile, and the worker's time for the first count. Then Llama 2 (SentencePiece, the slowest) on the 5 MB line: time and
 * worker memory. Then five counts of a 1 MB document sent back to back, each superseding the one before, against
 * one count alone in the same run: a ratio near 1 means the superseded work was dropped.
 */
import * as path from 'path';
import { monitorEventLoopDelay } from 'perf_hooks';
import { Worker } from 'worker_threads';
import { TokenCounter } from '../src/core/tokens/tokenCounter';
import { TokenizerWorkerClient } from '../src/core/tokens/workerClient';
import { median } from './median';
import { blankLineParagraphs, flat, stallShapes } from './tokenCountShapes';
import { generateProse, rng } from './tokenCountProse';
import { buildWorker } from './tokenWorkerBuild';

const EDITS = Number(process.argv[2] ?? 20);

function mb(n: number): string {
  return `${(n / 1024 / 1024).toFixed(0)} MB`;
}

async function main(): Promise<void> {
  const build = buildWorker();
  const client = new TokenizerWorkerClient(
    () => new Worker(path.join(build.dir, 'tokenizerWorker.js'), { workerData: { dataDir: path.join(build.dir, 'tokenizers') } }),
    { idleMs: 0, requestTimeoutMs: 0 },
  );
  console.log(`Node ${process.version}; ${EDITS} one-character edits per shape; Llama 3 in the worker.\n`);
  console.log('| document | longest main-thread stretch, first count / recounts max | event-loop delay max | worker, first count |');
  console.log('|---|---|---|---|');
  const r = rng(5);
  // The shape that never stalled first, so the others have their baseline beside them.
  const baseline = { name: 'blank-line paragraphs, 1 MB', text: flat(blankLineParagraphs(1024 * 1024)) };
  for (const shape of [baseline, ...stallShapes(1)]) {
    global.gc?.();
    const counter = new TokenCounter({ family: 'llama3', local: client, supersede: 'bench' });
    const h = monitorEventLoopDelay({ resolution: 1 });
    h.enable();
    const t0 = performance.now();
    const first = await counter.count(shape.text);
    const firstMs = performance.now() - t0;
    const firstSlice = counter.lastStats.longestSliceMs;
    let worst = 0;
    let text = shape.text;
    for (let i = 0; i < EDITS; i++) {
      const at = Math.floor(r() * text.length);
      text = flat(text.slice(0, at) + 'e' + text.slice(at));
      await counter.count(text);
      worst = Math.max(worst, counter.lastStats.longestSliceMs);
    }
    h.disable();
    console.log(
      `| ${shape.name} | ${firstSlice.toFixed(1)} / ${worst.toFixed(1)} ms | ${(h.max / 1e6).toFixed(0)} ms | ` +
        `${(firstMs / 1000).toFixed(1)} s (${first.exact ? '' : '≈'}${first.count.toLocaleString('en-US')} tokens) |`,
    );
  }

  const line = stallShapes(1)[1];
  const t1 = performance.now();
  const llama2 = await client.count('llama2', [line.text], { atStart: [true] });
  const llama2Ms = performance.now() - t1;
  const stats = await client.stats();
  console.log(
    `\nLlama 2 on ${line.name}: ${(llama2Ms / 1000).toFixed(1)} s, ${llama2.counts[0].toLocaleString('en-US')} tokens ` +
      `(${llama2.forcedCuts[0]} forced cuts); worker heap ${mb(stats.heapUsed)}, worker process rss ${mb(stats.rss)}.`,
  );

  // Supersede: the status bar recounts on every keystroke; a count made moot by the next must not be finished.
  const doc = generateProse(180_000, 77);
  const alone: number[] = [];
  const queued: number[] = [];
  for (let round = 0; round < 3; round++) {
    const t = performance.now();
    await client.count('llama2', [doc + String(round)], { supersede: 'alone' });
    alone.push(performance.now() - t);
    const t2 = performance.now();
    const five = [0, 1, 2, 3, 4].map((k) => client.count('llama2', [`${doc}${round}${k}`], { supersede: 'status' }).catch(() => undefined));
    await Promise.all(five);
    queued.push(performance.now() - t2);
  }
  const a = median(alone);
  const q = median(queued);
  console.log(
    `Five back-to-back Llama 2 counts of a ${(doc.length / 1024 / 1024).toFixed(1)} MB document, each superseding the last: ` +
      `${(q / 1000).toFixed(1)} s until the last answers, against ${(a / 1000).toFixed(1)} s for one count alone (× ${(q / a).toFixed(2)}; median of 3).`,
  );
  await client.dispose();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
