// The context view's benchmark, loaded into the extension host by bench/contextView.ts: a 150,000-word
// manuscript, a story folder of 1,000 lore entries with three keys each, the view open beside it, and
// the writer typing in bursts and moving the cursor. Measures the longest block of the extension host's
// event loop while the view updates (the goal is one frame, 16 ms), with the same figure idle for
// comparison, how long each update takes after the pause, and the synchronous steps on their own.
// Writes JSON to INKWELL_BENCH_RESULT_FILE.
import * as fs from 'fs';
import { monitorEventLoopDelay, performance } from 'perf_hooks';
import * as vscode from 'vscode';
import type { InkwellTestApi } from '../../src/extension';
import { profiled } from './cpuProfile';
import { threadCpuNs } from './threadCpu';
import { isEmptySnapshot } from '../../src/core/story/contextSnapshot';
import { renderContextFragment } from '../../src/core/story/contextViewHtml';

const SERVER = process.env.INKWELL_BENCH_SERVER ?? '';
const KEY = process.env.INKWELL_BENCH_KEY ?? 'bench-key';
const WORDS = 150_000;
const ENTRIES = 1000;
const BURSTS = Math.max(3, Number(process.env.INKWELL_BENCH_BURSTS) || 12);
const MODEL = 'Sao10K-L3.3-70B-Euryale-v2.3-FP8-Dynamic';
const log = (line: string) => console.log(`bench: ${line}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface ContextViewFigures {
  vscodeVersion: string;
  manuscriptChars: number;
  words: number;
  entries: number;
  contextSize: number;
  promptTokens: number;
  loreIn: number;
  /** Longest event-loop block (ms): idle, and while typing with the view updating. */
  idleBlockMs: number;
  typingBlockMs: number;
  /** The most CPU the extension host's thread spent between two turns of its loop (ms): idle, typing. */
  idleCpuBlockMs?: number;
  typingCpuBlockMs?: number;
  /** The same typing with the view and its status item disposed. */
  withoutViewBlockMs: number;
  withoutViewCpuBlockMs?: number;
  typingP99Ms: number;
  languageId: string;
  updates: number;
  /** Last keystroke of a burst → the view's new state, pause included (ms). */
  updateMs: number[];
  /** The synchronous steps, each timed alone (ms): the page content for the current state. */
  fragmentMs: number[];
  fragmentChars: number;
}

/** Deterministic pseudo-random numbers, so every run types the same book. */
function lcg(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

const SYLLABLES = ['ka', 'ren', 'tho', 'mi', 'dra', 'vel', 'os', 'lin', 'ga', 'bre', 'sul', 'an', 'te', 'cor', 'ish', 'fal', 'mor', 'que', 'zan', 'pel'];
const cap = (w: string) => w[0].toUpperCase() + w.slice(1);
/** Three made-up words per entry, unique: a name, a title and a place. */
function keysOf(i: number): string[] {
  const s = (n: number) => SYLLABLES[n % 20] + SYLLABLES[Math.floor(n / 20) % 20] + SYLLABLES[Math.floor(n / 400) % 20];
  return [cap(s(i)), `${cap(s(i + 3001))}wick`, `${cap(s(i + 7003))}moor`];
}

const PROSE = ('the rain had been falling on the street since noon and by the time she reached the shop the gutters were running ' +
  'like small impatient rivers she stood under the awning and counted the lamps along the road there had always been twelve ' +
  'the one outside was dark its glass cracked in a shape like a closed eye you are late he said from the doorway').split(' ');

function manuscript(random: () => number): string {
  const paragraphs: string[] = [];
  let words = 0;
  while (words < WORDS) {
    const sentences: string[] = [];
    for (let s = 0; s < 3 + Math.floor(random() * 4); s++) {
      const sentence: string[] = [];
      for (let w = 0; w < 8 + Math.floor(random() * 14); w++) {
        // About one word in forty names a lore entry.
        sentence.push(random() < 0.025 ? keysOf(Math.floor(random() * ENTRIES))[Math.floor(random() * 3)] : PROSE[Math.floor(random() * PROSE.length)]);
      }
      words += sentence.length;
      sentences.push(`${cap(sentence.join(' '))}.`);
    }
    paragraphs.push(sentences.join(' '));
  }
  return `# The Lamplighters\n\n${paragraphs.join('\n\n')}\n`;
}

async function writeStory(root: vscode.Uri, random: () => number): Promise<void> {
  const write = (path: string, text: string) => vscode.workspace.fs.writeFile(vscode.Uri.joinPath(root, 'story', path), Buffer.from(text));
  await write('memory.md', 'A gaslight mystery in a city of lamplighters, told close on one apprentice. Keep the prose slow and sensory.\n');
  await write('authors-note.md', '[Style: short paragraphs; end scenes on an image.]\n');
  for (let i = 0; i < ENTRIES; i++) {
    const [name, title, place] = keysOf(i);
    // Each entry names two others, so active entries activate more (the recursive scan).
    const others = [0, 1].map(() => keysOf(Math.floor(random() * ENTRIES))[0]);
    const body = `${name}, called ${title}, comes from ${place}. ${PROSE.slice(0, 30 + Math.floor(random() * 30)).join(' ')}. Knows ${others.join(' and ')}.`;
    await write(`lore/${String(i).padStart(4, '0')}.md`, `---\nname: ${name}\nkeys: [${name}, ${title}, ${place}]\n---\n${body}\n`);
  }
}

/**
 * While `body` runs, a 1 ms timer measures the gaps between turns of the event loop: the longest gap by
 * the clock, and the most CPU this thread spent within one gap. On a loaded machine the clock also
 * counts the time the thread waited for a CPU; the CPU figure is the work that held the loop.
 */
async function blocked<T>(body: () => Promise<T>): Promise<{ value: T; longestMs: number; longestCpuMs?: number; p99Ms: number }> {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  let last = performance.now();
  let lastCpu = threadCpuNs();
  let longest = 0;
  let longestCpu = 0;
  let lastClock = process.hrtime.bigint();
  const tick = setInterval(() => {
    const now = performance.now();
    const cpu = threadCpuNs();
    const clock = process.hrtime.bigint();
    longest = Math.max(longest, now - last - 1);
    if (cpu !== undefined && lastCpu !== undefined && (cpu - lastCpu) / 1e6 > longestCpu) {
      longestCpu = (cpu - lastCpu) / 1e6;
      // Where it was, on the monotonic clock in µs (a CPU profile's timestamps), to find it in one.
      if (process.env.INKWELL_BENCH_PROFILE) log(`longest so far: ${longestCpu.toFixed(1)} ms CPU between ${lastClock / 1000n} and ${clock / 1000n} µs`);
    }
    last = now;
    lastCpu = cpu;
    lastClock = clock;
  }, 1);
  histogram.enable();
  try {
    const value = await body();
    return { value, longestMs: Math.max(longest, 0), ...(lastCpu === undefined ? {} : { longestCpuMs: longestCpu }), p99Ms: histogram.percentile(99) / 1e6 };
  } finally {
    histogram.disable();
    clearInterval(tick);
  }
}

export async function run(): Promise<void> {
  if (!SERVER) throw new Error('INKWELL_BENCH_SERVER is not set: run this through bench/contextView.ts');
  const api = await vscode.extensions.getExtension<InkwellTestApi | undefined>('inkwell.inkwell')!.activate();
  if (!api) throw new Error('Inkwell gives its test API only in test mode');
  const root = vscode.workspace.workspaceFolders?.[0]?.uri;
  if (!root) throw new Error('the benchmark needs a workspace folder');
  const config = vscode.workspace.getConfiguration();
  await config.update('inkwell.infermatic.baseUrl', SERVER, vscode.ConfigurationTarget.Global);
  await config.update('inkwell.provider', 'infermatic', vscode.ConfigurationTarget.Global);
  await config.update('inkwell.model', MODEL, vscode.ConfigurationTarget.Global);
  await api.services.keys.set(api.services.targets.profile('infermatic')!, KEY);

  const random = lcg(20261207);
  const text = manuscript(random);
  await writeStory(root, random);
  // Plain text unless asked: VS Code's Markdown extension would parse all of a .md file on each keystroke here.
  const chapter = vscode.Uri.joinPath(root, process.env.INKWELL_BENCH_MARKDOWN ? 'manuscript.md' : 'manuscript.txt');
  await vscode.workspace.fs.writeFile(chapter, Buffer.from(text));
  const editor = await vscode.window.showTextDocument(chapter, { preview: false });
  const end = () => editor.document.positionAt(editor.document.getText().length);
  editor.selection = new vscode.Selection(end(), end());
  log(`manuscript: ${text.length.toLocaleString('en-US')} characters; ${ENTRIES} lore entries`);

  // The view open, its first plan done (the tokenizer warmed, the story folder read).
  await vscode.commands.executeCommand('inkwell.showContext');
  const first = performance.now();
  const ready = await waitForState(api, 120_000);
  log(`first plan: ${(performance.now() - first).toFixed(0)} ms; ${ready.lore.filter((r) => r.active).length} entries in; prompt ${ready.outcome.fits ? ready.outcome.tokens : 'over'} tokens`);

  const idle = await blocked(() => sleep(3000));
  const updateMs: number[] = [];
  let updates = 0;
  let lastKey = 0;
  let waiting: (() => void) | undefined;
  const subscription = api.contextView.watch.onDidUpdate(() => {
    updates++;
    updateMs.push(performance.now() - lastKey);
    waiting?.();
  });
  /** Bursts of typing at the end, a pause after each (long enough for an update), now and then a cursor move. */
  const typeBursts = async (untilUpdated: boolean) => {
    for (let burst = 0; burst < BURSTS; burst++) {
      const updated = new Promise<void>((resolve) => (waiting = resolve));
      for (const ch of `${keysOf(burst * 37)[0]} lit the lamp. `) {
        await editor.edit((b) => b.insert(end(), ch), { undoStopBefore: false, undoStopAfter: false });
        lastKey = performance.now();
        await sleep(40);
      }
      if (burst % 3 === 2) {
        // A cursor move up a paragraph and back: the view follows the cursor too.
        const at = end();
        editor.selection = new vscode.Selection(at.translate(-2, 0), at.translate(-2, 0));
        await sleep(50);
        editor.selection = new vscode.Selection(end(), end());
        lastKey = performance.now();
      }
      await Promise.race([untilUpdated ? updated : sleep(500), sleep(20_000)]);
    }
  };
  const typing = await profiled(process.env.INKWELL_BENCH_PROFILE, () => blocked(() => typeBursts(true)), log);
  subscription.dispose();

  const fragmentMs: number[] = [];
  let fragmentChars = 0;
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    fragmentChars = renderContextFragment(api.contextView.watch.state, { secrets: api.services.secrets.known() }).length;
    fragmentMs.push(performance.now() - t);
  }
  const final = await waitForState(api, 30_000);
  // The same typing with the view and its status item gone: what the rest of the host costs.
  api.contextView.dispose();
  api.contextView.watch.dispose();
  const without = await blocked(() => typeBursts(false));
  const figures: ContextViewFigures = {
    vscodeVersion: vscode.version,
    manuscriptChars: text.length,
    words: WORDS,
    entries: ENTRIES,
    contextSize: final.contextSize,
    promptTokens: final.outcome.fits ? final.outcome.tokens : -1,
    loreIn: final.lore.filter((r) => r.active).length,
    idleBlockMs: idle.longestMs,
    typingBlockMs: typing.longestMs,
    idleCpuBlockMs: idle.longestCpuMs,
    typingCpuBlockMs: typing.longestCpuMs,
    withoutViewBlockMs: without.longestMs,
    withoutViewCpuBlockMs: without.longestCpuMs,
    typingP99Ms: typing.p99Ms,
    languageId: editor.document.languageId,
    updates,
    updateMs,
    fragmentMs,
    fragmentChars,
  };
  log(JSON.stringify(figures));
  if (process.env.INKWELL_BENCH_RESULT_FILE) fs.writeFileSync(process.env.INKWELL_BENCH_RESULT_FILE, JSON.stringify(figures, null, 2));
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
}

async function waitForState(api: InkwellTestApi, timeoutMs: number) {
  const started = performance.now();
  for (;;) {
    const { next } = await api.contextView.watch.settled();
    if (!isEmptySnapshot(next) && next.lore.length > 0) return next;
    if (performance.now() - started > timeoutMs) throw new Error(`no plan within ${timeoutMs} ms: ${JSON.stringify(next)}`);
    await sleep(100);
  }
}
