// Story memory's figures (README "Story memory"): on a 150,000-word manuscript with 1,000 lore entries of
// three keys each, the time to decide which entries the text before the cursor activates, and the time to
// assemble the whole prompt with exact token counts (Llama 3, in the tokenizer's worker, as the extension
// counts) after a keystroke. p50 / p99 over many keystrokes at random places in the last chapter.
//
//   npx tsc -p tsconfig.test.json && node out/bench/storyPrompt.js [words=150000] [keystrokes=500]
import { Worker } from 'worker_threads';
import { TokenCounter } from '../src/core/tokens/tokenCounter';
import { TokenizerWorkerClient } from '../src/core/tokens/workerClient';
import { activateLore, compileLore } from '../src/core/story/loreActivation';
import { loreEntry } from '../src/core/story/loreEntry';
import { buildStoryPrompt } from '../src/core/story/storyPrompt';
import { generateProse, rng, wordCount } from './tokenCountProse';
import { buildWorker } from './tokenWorkerBuild';

const WORDS = Number(process.argv[2] ?? 150_000);
const KEYSTROKES = Number(process.argv[3] ?? 500);
/** Keystrokes typed before the figures are kept: the compiler's warm-up, as in a writer's first minute. */
const WARM_UP = 50;
const ENTRIES = 1000;
const OPTIONS = { loreShare: 0.25, scanTokens: 2048, recursionRounds: 3, authorsNoteDepth: 3, partSeparator: '\n\n', storySeparator: '\n***\n' };

const SYLLABLES = ['ar', 'bel', 'cor', 'dun', 'el', 'fen', 'gal', 'har', 'is', 'jor', 'kel', 'lor', 'mar', 'nim', 'or', 'pel', 'quin', 'ros', 'sil', 'tor', 'ul', 'val', 'wen', 'yr', 'zan'];

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** A thousand entries: a name, a two-word title and a regular expression for its plural, each with a paragraph of text. */
function lorebook(r: () => number) {
  const pick = () => SYLLABLES[Math.floor(r() * SYLLABLES.length)];
  const names = new Set<string>();
  while (names.size < ENTRIES) names.add(`${pick()}${pick()}${pick()}`.replace(/^./, (c) => c.toUpperCase()));
  return [...names].map((name, i) =>
    loreEntry(`e${i}`, {
      name,
      keys: [name, `the ${pick()}${pick()} of ${name}`, `/${name}s?'?/`],
      secondaryKeys: i % 5 === 0 ? ['lantern', 'harbor'] : [],
      order: Math.floor(r() * 200),
      content: generateProse(40, i + 7).replace(/\s+/g, ' ').trim(),
    }),
  );
}

async function main(): Promise<void> {
  const r = rng(42);
  const entries = lorebook(r);
  // The manuscript mentions a few dozen of the entries, most of them in its last chapters.
  const paragraphs = generateProse(WORDS, 2024).split('\n\n');
  for (let i = 0; i < 60; i++) {
    const at = Math.floor(paragraphs.length * (0.7 + 0.3 * r()));
    paragraphs[at] = `${paragraphs[at]} ${entries[Math.floor(r() * ENTRIES)].name} looked up.`;
  }
  const manuscript = paragraphs.join('\n\n');
  const memory = generateProse(150, 3).replace(/\s+/g, ' ');
  const note = '[Style: slow, sensory; keep to Wren’s point of view.]';

  const build = buildWorker();
  const client = new TokenizerWorkerClient(() => new Worker(`${build.dir}/tokenizerWorker.js`, { workerData: { dataDir: `${build.dir}/tokenizers` } }), { idleMs: 0 });
  const counter = new TokenCounter({ family: 'llama3', local: client });
  const count = async (text: string) => (await counter.count(text)).count;

  const t0 = performance.now();
  const compiled = compileLore(entries);
  const compileMs = performance.now() - t0;
  // Warm: the tokenizer loaded and the manuscript counted once, as after opening it.
  await count(manuscript);

  const activation: number[] = [];
  const assembly: number[] = [];
  let active = 0;
  let tokens = 0;
  const tail = Math.floor(manuscript.length * 0.9);
  for (let k = -WARM_UP; k < KEYSTROKES; k++) {
    const at = tail + Math.floor(r() * (manuscript.length - tail));
    const text = `${manuscript.slice(0, at)}e${manuscript.slice(at)}`;
    const passage = text.slice(0, tail + Math.floor((text.length - tail) * (0.5 + r() / 2)));
    const a0 = performance.now();
    const verdicts = activateLore(compiled, passage, { scanTokens: OPTIONS.scanTokens, charsPerToken: 4.2, recursionRounds: OPTIONS.recursionRounds });
    if (k >= 0) activation.push(performance.now() - a0);
    active = verdicts.filter((v) => v.active).length;
    const b0 = performance.now();
    const built = await buildStoryPrompt({
      mode: 'completion',
      passage,
      overflow: 'trimStart',
      systemPrompt: '',
      contextSize: 32768,
      maxTokens: 300,
      count,
      story: { memory, authorsNote: note, lore: compiled },
      options: OPTIONS,
    });
    if (k >= 0) assembly.push(performance.now() - b0);
    if (built.fits) tokens = built.tokens;
  }
  await client.dispose();
  activation.sort((x, y) => x - y);
  assembly.sort((x, y) => x - y);
  const f = (v: number) => (v < 10 ? v.toFixed(2) : v.toFixed(1));
  console.log(
    `Manuscript ${wordCount(manuscript).toLocaleString('en-US')} words (${(manuscript.length / 1024).toFixed(0)} KB); ${ENTRIES} lore entries × 3 keys (one a regular expression), ` +
      `compiled once in ${f(compileMs)} ms; ${KEYSTROKES} keystrokes in the last tenth; ${active} entries active at the last one; prompt ${tokens.toLocaleString('en-US')} tokens (Llama 3, exact).`,
  );
  console.log(`| activation over the scanned text (2,048 tokens) | p50 ${f(pct(activation, 50))} ms | p99 ${f(pct(activation, 99))} ms | goal ≤ 2 ms |`);
  console.log(`| whole prompt with exact counts after a keystroke | p50 ${f(pct(assembly, 50))} ms | p99 ${f(pct(assembly, 99))} ms | goal ≤ 30 ms |`);
}

void main().catch((e) => {
  console.error(e);
  process.exit(1);
});
