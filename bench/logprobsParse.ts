// What reading token probabilities costs, for each wire shape, against reading the same stream's text
// alone: the same bytes (a 5,000-token answer with the top 5 of each token, built by the provider test
// server) through the real SSE and stream decoders, once keeping only the text and once also
// collecting the probabilities as Continue Writing does (tokens built every 256, then all at the end).
// A ratio in the same run, so the machine's load cancels out; taken in turns, medians of RUNS.
//
//   npx tsc -p tsconfig.test.json && node out/bench/logprobsParse.js
import * as os from 'os';
import { performance } from 'perf_hooks';
import { CompletionStreamDecoder } from '../src/core/stream/completionStream';
import { SseDecoder } from '../src/core/stream/sseReader';
import { ChoiceLogprobs } from '../src/core/logprobs/choiceLogprobs';
import { buildStream, logprobsSpecFor, planLogprobs, type Flavor, type LogprobsServerOptions, type Mode } from '../test/server/providerTestServer';
import { generateProse } from './tokenCountProse';
import { median } from './median';

const TOKENS = 5_000;
const TOP = 5;
const RUNS = Number(process.env.INKWELL_BENCH_RUNS || 15);
/** As ProbabilityCapture asks (src/probabilities/probabilityCapture.ts). */
const BUILD_EVERY = 256;
const CHUNK = 16 * 1024;

const SHAPES: { name: string; flavor: Flavor; mode: Mode; options: LogprobsServerOptions }[] = [
  { name: 'vLLM / Infermatic legacy (completions)', flavor: 'vllm', mode: 'completions', options: { spelling: 'decoded', partial: 'escaped' } },
  { name: 'vLLM chat content array', flavor: 'vllm', mode: 'chat', options: {} },
  { name: 'llama.cpp chat content array', flavor: 'llamacpp', mode: 'chat', options: {} },
  { name: 'llama.cpp /v1/completions content array', flavor: 'llamacpp', mode: 'completions', options: {} },
];

function chunks(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += CHUNK) out.push(bytes.subarray(i, i + CHUNK));
  return out;
}

/** Reads the stream; with `collect`, the probabilities too. Returns the milliseconds and what it read. */
function read(parts: readonly Uint8Array[], mode: Mode, collect: boolean): { ms: number; tokens: number; text: number } {
  const started = performance.now();
  const sse = new SseDecoder();
  const decoder = new CompletionStreamDecoder(mode === 'chat' ? 'chat' : 'completion', { expectedChoices: 1, withLogprobs: true });
  const choice = new ChoiceLogprobs();
  let text = '';
  let built = 0;
  const take = (events: ReturnType<SseDecoder['push']>) => {
    for (const event of events) {
      for (const piece of decoder.push(event)) {
        if (piece.kind === 'text') {
          text += piece.text;
          if (collect) choice.addText(piece.text);
        } else if (piece.kind === 'logprobs' && collect) {
          choice.addLogprobs(piece.logprobs);
          if (choice.tokenCount - built >= BUILD_EVERY) {
            built = choice.tokenCount;
            choice.tokens();
          }
        }
      }
    }
  };
  for (const part of parts) take(sse.push(part));
  take(sse.end());
  const tokens = collect ? choice.tokens().length : 0;
  return { ms: performance.now() - started, tokens, text: text.length };
}

function main(): void {
  // Words of prose, one token each: the shape of a story model's answer.
  const words = generateProse(TOKENS, 7).split(/(?= )/).slice(0, TOKENS);
  console.log(`bench: ${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}, Node ${process.version}`);
  for (const shape of SHAPES) {
    const spec = logprobsSpecFor(shape.flavor, shape.mode, shape.options, TOP, 'bench');
    const plan = planLogprobs([words], spec, false);
    const stream = buildStream(shape.flavor, shape.mode, plan.pieces, { n: 1, logprobs: plan.logprobs });
    const parts = chunks(stream.bytes);
    const alone: number[] = [];
    const withProbabilities: number[] = [];
    for (let i = 0; i < 3; i++) read(parts, shape.mode, i % 2 === 0); // warm-up
    for (let i = 0; i < RUNS; i++) {
      const a = read(parts, shape.mode, false);
      const b = read(parts, shape.mode, true);
      if (b.tokens !== plan.tokens[0].length || a.text !== b.text) throw new Error(`${shape.name}: read ${b.tokens} tokens of ${plan.tokens[0].length}`);
      alone.push(a.ms);
      withProbabilities.push(b.ms);
    }
    const base = median(alone);
    const full = median(withProbabilities);
    console.log(
      `${shape.name}: ${(full / base).toFixed(2)}x reading the text alone (${full.toFixed(1)} ms against ${base.toFixed(1)} ms for ${words.length.toLocaleString('en-US')} tokens, ` +
        `${(((full - base) * 1000) / words.length).toFixed(1)} µs a token for the probabilities; ${(stream.bytes.length / 1024 / 1024).toFixed(1)} MB of stream; medians of ${RUNS})`,
    );
  }
}

main();
