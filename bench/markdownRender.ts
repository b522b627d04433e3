/**
 * Chat formatting in a real browser (Debian's Chromium through playwright-core): the page's own ReplyBody and
 * markdown renderer, bundled from src/webview as the page ships them (minified).
 *
 *   npx tsc -p tsconfig.test.json && node out/bench/markdownRender.js
 *
 * Figures (median of 5 unless said): the largest reply that is formatted (MARKDOWN_LIMITS.maxReplyChars), its
 * total time and the longest the page is busy at a stretch (a setTimeout heartbeat's longest gap); the worst blocks within the bounds; a streaming reply's work per frame, block by block against
 * formatting the whole reply each frame as the page used to (same run, same text: a ratio); 200 finished
 * messages formatted and laid out.
 */
import * as esbuild from 'esbuild';
import * as path from 'path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../test/host/codeServerHost';
import { MARKDOWN_LIMITS } from '../src/core/chat/markdownBlocks';
import { ONE_PASS_CHARS } from '../src/webview/replyBody';
import { generateProse } from './tokenCountProse';

const ROOT = path.resolve(__dirname, '..', '..');

/** Prose dressed as a model's markdown reply: emphasis, a list, a quote, code, headings. */
function markdownReply(chars: number, seed: number): string {
  const prose = generateProse(Math.ceil(chars / 5), seed).split('\n\n');
  const out: string[] = [];
  let n = 0;
  for (let i = 0; n < chars && i < prose.length; i++) {
    const p = prose[i].replace(/\b(\w{7,})\b/, '**$1**').replace(/\b(\w{5})\b/, '*$1*');
    const block = i % 9 === 3 ? `- ${p}\n- ${prose[i + 1] ?? ''}` : i % 9 === 5 ? `> ${p}` : i % 9 === 7 ? '```\n' + p.slice(0, 200) + '\n```' : i % 17 === 0 ? `## ${p.slice(0, 40)}` : p;
    out.push(block);
    n += block.length + 2;
  }
  return out.join('\n\n').slice(0, chars);
}

async function pageBundle(): Promise<string> {
  const result = await esbuild.build({
    stdin: {
      contents: `
        import { ReplyBody } from './replyBody';
        import { createMarkdownRenderer } from '../core/chat/renderMarkdown';
        import { provideMarkdownRenderer } from './markdownSlot';
        provideMarkdownRenderer(createMarkdownRenderer(window));
        (window as any).ReplyBody = ReplyBody;`,
      resolveDir: path.join(ROOT, 'src', 'webview'),
      loader: 'ts',
    },
    bundle: true,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

interface Figures {
  largest: { totalMs: number; longestMs: number; firstMs: number };
  layoutOnlyMs: number;
  typicalMs: number;
  onePassMs: number;
  worst: Record<string, number>;
  streaming: { length: number; blocksMs: number; wholeMs: number }[];
  streamingMaxFrameMs: number;
  twoHundredMs: number;
}

async function main(): Promise<void> {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
  const page = await browser.newPage();
  await page.setContent('<!DOCTYPE html><body><div id="out" class="markdown"></div></body>');
  await page.addScriptTag({ content: await pageBundle() });
  const largest = markdownReply(MARKDOWN_LIMITS.maxReplyChars, 3);
  const typical = markdownReply(4_000, 4);
  const onePass = markdownReply(ONE_PASS_CHARS, 6);
  const stream = markdownReply(100_000, 5);
  const messages = Array.from({ length: 200 }, (_, i) => markdownReply(1_500, 100 + i));
  const worst = {
    [`${MARKDOWN_LIMITS.maxDelimiters} delimiters ("*a" × ${MARKDOWN_LIMITS.maxDelimiters / 2})`]: '*a'.repeat(MARKDOWN_LIMITS.maxDelimiters / 2),
    [`quotes ${MARKDOWN_LIMITS.maxDepth} deep`]: '> '.repeat(MARKDOWN_LIMITS.maxDepth) + 'deep',
    [`lists ${MARKDOWN_LIMITS.maxDepth} deep`]: Array.from({ length: MARKDOWN_LIMITS.maxDepth }, (_, i) => '  '.repeat(i) + '- level').join('\n'),
    'past the bounds: "*a" × 40k (shown as text)': '*a'.repeat(40_000),
    'past the bounds: ">" × 1,900 (shown as text)': '>'.repeat(1_900) + ' deep',
  };
  const figures = await page.evaluate(
    async ({ largest, typical, onePass, stream, messages, worst }) => {
      const w = window as unknown as {
        ReplyBody: new (el: HTMLElement) => { showFinished(t: string): void; showStreaming(t: string): void; readonly formatting: boolean };
      };
      const out = document.getElementById('out')!;
      const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
      /** Time until the reply is formatted and laid out, and the longest the page was busy meanwhile. */
      const finishedOnce = async (text: string) => {
        const el = document.createElement('div');
        out.replaceChildren(el);
        let longest = 0;
        let last = performance.now();
        let ticking = true;
        const tick = () => {
          const now = performance.now();
          longest = Math.max(longest, now - last);
          last = now;
          if (ticking) setTimeout(tick, 0);
        };
        setTimeout(tick, 0);
        const t = performance.now();
        const body = new w.ReplyBody(el);
        body.showFinished(text);
        void el.offsetHeight; // layout, as the frame would
        const firstMs = performance.now() - t;
        while (body.formatting) await new Promise((r) => setTimeout(r, 1));
        void el.offsetHeight;
        const totalMs = performance.now() - t;
        ticking = false;
        return { totalMs, longestMs: Math.max(longest, firstMs), firstMs };
      };
      const finishedFigures = async (text: string) => {
        const runs = [];
        for (let k = 0; k < 5; k++) runs.push(await finishedOnce(text));
        return { totalMs: median(runs.map((r) => r.totalMs)), longestMs: median(runs.map((r) => r.longestMs)), firstMs: median(runs.map((r) => r.firstMs)) };
      };
      const finished = async (text: string) => (await finishedFigures(text)).totalMs;
      const largestFigures = await finishedFigures(largest);
      const layoutOnly: number[] = [];
      for (let k = 0; k < 5; k++) {
        const el = document.createElement('div');
        el.style.whiteSpace = 'pre-wrap';
        out.replaceChildren(el);
        const t = performance.now();
        el.textContent = largest;
        void el.offsetHeight;
        layoutOnly.push(performance.now() - t);
      }
      const typicalMs = await finished(typical);
      const onePassMs = await finished(onePass);
      const worstMs: Record<string, number> = {};
      for (const [name, text] of Object.entries(worst)) worstMs[name] = await finished(text);
      // Streaming: 60-character pieces; at a few lengths, the work of one frame both ways.
      const el = document.createElement('div');
      out.replaceChildren(el);
      const body = new w.ReplyBody(el);
      const renderer = (window as unknown as Record<symbol, { fragment(t: string): DocumentFragment }>)[Symbol.for('inkwell.markdownRenderer')];
      const streaming: { length: number; blocksMs: number; wholeMs: number }[] = [];
      let maxFrame = 0;
      const marks = [25_000, 50_000, 95_000];
      for (let n = 60; n <= stream.length; n += 60) {
        const t = performance.now();
        body.showStreaming(stream.slice(0, n));
        const ms = performance.now() - t;
        maxFrame = Math.max(maxFrame, ms);
        if (marks.length && n >= marks[0]) {
          marks.shift();
          const blocks: number[] = [];
          const whole: number[] = [];
          for (let k = 0; k < 5; k++) {
            const t1 = performance.now();
            body.showStreaming(stream.slice(0, n + 1 + k));
            blocks.push(performance.now() - t1);
            // What the page did before: the whole reply formatted again, every frame.
            const other = document.createElement('div');
            const t2 = performance.now();
            other.replaceChildren(renderer.fragment(stream.slice(0, n + 1 + k)));
            whole.push(performance.now() - t2);
          }
          streaming.push({ length: n, blocksMs: median(blocks), wholeMs: median(whole) });
        }
      }
      const all: number[] = [];
      for (let k = 0; k < 3; k++) {
        const list = document.createElement('div');
        out.replaceChildren(list);
        const t = performance.now();
        for (const m of messages) {
          const e = document.createElement('div');
          list.append(e);
          new w.ReplyBody(e).showFinished(m);
        }
        void list.offsetHeight;
        all.push(performance.now() - t);
      }
      return { largest: largestFigures, layoutOnlyMs: median(layoutOnly), typicalMs, onePassMs, worst: worstMs, streaming, streamingMaxFrameMs: maxFrame, twoHundredMs: median(all) };
    },
    { largest, typical, onePass, stream, messages, worst },
  );
  await browser.close();
  report(figures, largest.length, stream.length);
}

function report(f: Figures, largestChars: number, streamChars: number): void {
  console.log(`Largest reply formatted in one pass (${(ONE_PASS_CHARS / 1000).toFixed(0)}k chars), with layout: ${f.onePassMs.toFixed(1)} ms.`);
  console.log(
    `Largest formatted reply (${(largestChars / 1000).toFixed(0)}k chars): formatted and laid out in ${f.largest.totalMs.toFixed(0)} ms, ` +
      `the page never busy for more than ${f.largest.longestMs.toFixed(1)} ms at a time (the first step, with layout: ${f.largest.firstMs.toFixed(1)} ms; laying out the same text unformatted takes ${f.layoutOnlyMs.toFixed(1)} ms); a 4k-char reply in one pass: ${f.typicalMs.toFixed(1)} ms.`,
  );
  for (const [name, ms] of Object.entries(f.worst)) console.log(`  ${name}: ${ms.toFixed(1)} ms`);
  console.log(`Streaming a ${(streamChars / 1000).toFixed(0)}k-char reply in 60-char pieces: longest frame ${f.streamingMaxFrameMs.toFixed(1)} ms.`);
  for (const s of f.streaming) {
    console.log(`  at ${(s.length / 1000).toFixed(0)}k chars: ${s.blocksMs.toFixed(2)} ms a frame block by block, ${s.wholeMs.toFixed(1)} ms formatting it whole (× ${(s.wholeMs / s.blocksMs).toFixed(0)})`);
  }
  console.log(`200 finished messages of 1.5k chars, formatted and laid out: ${f.twoHundredMs.toFixed(0)} ms (median of 3).`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
