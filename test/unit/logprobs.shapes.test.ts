// Token probabilities in every wire shape the test server speaks (legacy with decoded, escaped, held-back,
// byte-level and SentencePiece tokens; vLLM's and llama.cpp's content arrays, llama.cpp's on
// /v1/completions too), through the real stream reader, in any chunking: one token list per choice that
// tiles the generated text and carries the server's own probabilities.

import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  UNICODE_PIECES,
  buildStream,
  logprobsObject,
  logprobsSpecFor,
  planLogprobs,
  type Flavor,
  type LogprobsServerOptions,
  type Mode,
  type SampledToken,
} from '../server/providerTestServer';
import { CompletionStreamDecoder } from '../../src/core/stream/completionStream';
import { SseDecoder } from '../../src/core/stream/sseReader';
import { ChoiceLogprobs, GenerationLogprobs, type GeneratedToken } from '../../src/core/logprobs/choiceLogprobs';
import { chunkAt, oneByteChunks } from './fixtures/streamHarness';

interface ShapeCase {
  name: string;
  flavor: Flavor;
  mode: Mode;
  options: LogprobsServerOptions;
}

const SHAPES: readonly ShapeCase[] = [
  { name: 'vLLM legacy, decoded, lone bytes escaped', flavor: 'vllm', mode: 'completions', options: { spelling: 'decoded', partial: 'escaped' } },
  { name: 'vLLM legacy, decoded, lone bytes held back', flavor: 'vllm', mode: 'completions', options: { spelling: 'decoded', partial: 'heldBack' } },
  { name: 'vLLM legacy, byte-level pieces (Ġ, Ċ)', flavor: 'vllm', mode: 'completions', options: { spelling: 'byteLevel' } },
  { name: 'Infermatic legacy, SentencePiece pieces (▁, <0x0A>)', flavor: 'litellm', mode: 'completions', options: { spelling: 'sentencePiece' } },
  { name: 'vLLM chat content array', flavor: 'vllm', mode: 'chat', options: {} },
  { name: 'llama.cpp chat content array', flavor: 'llamacpp', mode: 'chat', options: {} },
  { name: 'llama.cpp /v1/completions content array, last chunk null', flavor: 'llamacpp', mode: 'completions', options: {} },
];

const PROSE = [' The', ' rain', ' fell', '\n\nShe', ' ran', ',', ' café', ' 😀', ' 雪が', '.'];

function built(shape: ShapeCase, words: readonly string[], split: boolean, n = 1, top = 3) {
  const spec = logprobsSpecFor(shape.flavor, shape.mode, shape.options, top, 'seed');
  const plan = planLogprobs(Array.from({ length: n }, () => words), spec, split);
  const stream = buildStream(shape.flavor, shape.mode, plan.pieces, { n, logprobs: plan.logprobs });
  return { spec, plan, stream };
}

/**
 * The stream reader (SSE → pieces, with logprobs) feeding the collector, in the given chunking.
 * `readAlong`: ask for the token lists after every network chunk, as a view refreshed while it streams.
 */
function collect(chunks: Iterable<Uint8Array>, mode: Mode, n: number, readAlong = false): GenerationLogprobs {
  const sse = new SseDecoder();
  const decoder = new CompletionStreamDecoder(mode === 'chat' ? 'chat' : 'completion', { expectedChoices: n, withLogprobs: true });
  const out = new GenerationLogprobs();
  const take = (events: ReturnType<SseDecoder['push']>) => {
    for (const event of events) {
      for (const piece of decoder.push(event)) {
        if (piece.kind === 'text') out.addText(piece.index, piece.text);
        if (piece.kind === 'logprobs') out.addLogprobs(piece.index, piece.logprobs);
      }
    }
  };
  for (const chunk of chunks) {
    take(sse.push(chunk));
    if (readAlong) for (let c = 0; c < n; c++) out.tokens(c);
  }
  take(sse.end());
  return out;
}

const node = (bytes: readonly number[]) => Buffer.from(bytes).toString('utf8');

/** What each token must be, from the server's own token model. */
function checkAgainstServer(shape: ShapeCase, tokens: readonly GeneratedToken[], sampled: readonly SampledToken[], text: string): void {
  const label = shape.name;
  assert.equal(tokens.length, sampled.length, `${label}: one token per sampled token`);
  assert.equal(tokens.map((t) => t.text).join(''), text, `${label}: tokens tile the text`);
  let offset = 0;
  tokens.forEach((t, i) => {
    const s = sampled[i];
    assert.equal(t.offset, offset, `${label}: token ${i} offset`);
    offset += t.text.length;
    // vLLM's content array spells a lone byte U+FFFD: the character goes to the last of its bytes
    // before the next readable token, not necessarily to the byte that completed it.
    if (t.token !== '\uFFFD') assert.equal(t.text, s.emits, `${label}: token ${i} text`);
    assert.equal(t.logprob, s.logprob, `${label}: token ${i} logprob`);
    assert.equal(t.top.length, s.top.length, `${label}: token ${i} alternatives`);
    t.top.forEach((alt, j) => {
      assert.equal(alt.logprob, s.top[j].logprob, `${label}: token ${i} alternative ${j} logprob`);
      if (alt.bytes) assert.deepEqual(alt.bytes, s.top[j].bytes, `${label}: token ${i} alternative ${j} bytes`);
      else if (shape.options.partial !== 'heldBack') assert.equal(alt.text, node(s.top[j].bytes), `${label}: token ${i} alternative ${j} text`);
    });
    if (t.bytes) {
      assert.deepEqual(t.bytes, s.bytes, `${label}: token ${i} bytes`);
      // The bytes of the character still open: those of the tokens just before that emitted nothing.
      const open: number[] = [];
      for (let j = i - 1; j >= 0 && sampled[j].emits === ''; j--) open.unshift(...sampled[j].bytes);
      assert.deepEqual(t.carried ?? [], open, `${label}: token ${i} carried bytes`);
    }
  });
}

describe('logprobs: every wire shape through the stream reader', () => {
  for (const shape of SHAPES) {
    for (const split of [false, true]) {
      it(`${shape.name}${split ? ', characters sampled byte by byte' : ''}: one token list, one byte at a time or whole`, () => {
        const { plan, stream } = built(shape, PROSE, split, 2);
        const whole = collect([stream.bytes], shape.mode, 2);
        const byByte = collect(oneByteChunks(stream.bytes), shape.mode, 2, true);
        assert.equal(whole.sawLogprobs, true);
        for (const c of [0, 1]) {
          checkAgainstServer(shape, whole.tokens(c), plan.tokens[c], stream.expected.texts[c]);
          assert.deepEqual(byByte.tokens(c), whole.tokens(c));
        }
      });
    }
  }

  it('a whole (non-streamed) logprobs object gives the same list as the streamed chunks', () => {
    for (const shape of SHAPES) {
      const { spec, plan, stream } = built(shape, PROSE, true);
      const streamed = collect([stream.bytes], shape.mode, 1).tokens(0);
      const answer = new ChoiceLogprobs();
      answer.addText(stream.expected.texts[0]);
      answer.addLogprobs(logprobsObject(plan.tokens[0], 0, plan.tokens[0].length, spec));
      assert.deepEqual(answer.tokens(), streamed, shape.name);
    }
  });

  it('raw pieces are recognised as such: the reading that fits the text wins', () => {
    const expectations: Record<string, string> = {
      'vLLM legacy, byte-level pieces (Ġ, Ċ)': 'byteLevel',
      'Infermatic legacy, SentencePiece pieces (▁, <0x0A>)': 'sentencePiece',
      'vLLM legacy, decoded, lone bytes held back': 'decoded',
    };
    for (const shape of SHAPES.filter((s) => expectations[s.name])) {
      const { stream } = built(shape, PROSE, true);
      const events = collect([stream.bytes], shape.mode, 1);
      assert.equal(events.get(0)?.convention, expectations[shape.name], shape.name);
    }
  });

  it('a run of astral characters vLLM sent as U+FFFD byte tokens, longer than the resync window, still tiles', () => {
    // Found by the property below: seven 4-byte characters and three 3-byte ones are 37 tokens that
    // each read U+FFFD and match nothing, standing for 17 UTF-16 units before the next readable token.
    const shape = SHAPES.find((s) => s.name === 'vLLM chat content array')!;
    const { plan, stream } = built(shape, [' 𝔘𝔫𝔦𝔠𝔬𝔡𝔢', '降る。', ' Ġ'], true, 1, 0);
    for (const chunks of [[stream.bytes], oneByteChunks(stream.bytes)]) {
      checkAgainstServer(shape, collect(chunks, shape.mode, 1, true).tokens(0), plan.tokens[0], stream.expected.texts[0]);
    }
  });

  const word = fc.oneof(fc.constantFrom(...UNICODE_PIECES), fc.constantFrom(...PROSE), fc.constantFrom(' Ġ', ' ▁', ' <0x0A>', ' bytes:\\xe2'));
  it('any words, shape, n and chunking: the same list, the server’s tokens (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SHAPES),
        fc.array(word, { minLength: 1, maxLength: 10 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 2 }),
        fc.integer({ min: 0, max: 20 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        fc.boolean(),
        (shape, anyWords, split, n, top, cuts, readAlong) => {
          // SentencePiece spells a space `▁`: a literal U+2581 in the text has no piece of its own.
          const words = shape.options.spelling === 'sentencePiece' ? anyWords.filter((w) => !w.includes('\u2581')) : anyWords;
          const { plan, stream } = built(shape, words, split, n, top);
          const whole = collect([stream.bytes], shape.mode, n);
          const chunked = collect(chunkAt(stream.bytes, cuts.map((x) => x % (stream.bytes.length + 1))), shape.mode, n, readAlong);
          for (let c = 0; c < n; c++) {
            checkAgainstServer(shape, whole.tokens(c), plan.tokens[c], stream.expected.texts[c]);
            assert.deepEqual(chunked.tokens(c), whole.tokens(c));
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
