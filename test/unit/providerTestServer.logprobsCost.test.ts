// The provider test server sends long answers with probabilities (the benchmarks ask for 5,000 tokens):
// building them must read each token a bounded number of times, not the whole answer before it again for
// every token, which made a 5,000-token answer take seconds to build. Counted in reads, not in time.
import * as assert from 'node:assert/strict';
import {
  buildNonStreamBody,
  generateProse,
  logprobsSpecFor,
  planLogprobs,
  planStream,
  streamLogprobs,
  type Flavor,
  type LogprobsServerOptions,
  type Mode,
  type SampledToken,
} from '../server/providerTestServer';

/** `tokens` behind a proxy that counts reads of its elements. */
function counted(tokens: readonly SampledToken[], reads: { n: number }): readonly SampledToken[] {
  return new Proxy(tokens, {
    get(target, key, receiver) {
      if (typeof key === 'string' && /^\d+$/.test(key)) reads.n++;
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
}

/** Element reads to stream an answer of about `count` pieces per choice, then to send it whole; and its tokens. */
function readsFor(count: number, flavor: Flavor, mode: Mode, options: LogprobsServerOptions): { reads: number; tokens: number } {
  const spec = logprobsSpecFor(flavor, mode, options, 3, 'cost');
  // With accents split into bytes, so that held-back characters are part of what is built.
  const pieces = [0, 1].map((c) => generateProse('cost', count, c).map((p, i) => (i % 7 === 3 ? `${p} café` : p)));
  const plan = planLogprobs(pieces, spec, options.splitCharacters ?? false);
  const reads = { n: 0 };
  const logprobs = streamLogprobs(plan.tokens.map((t) => counted(t, reads)), spec);
  const input = { flavor, mode, pieces: plan.pieces, n: 2, logprobs };
  const { items } = planStream(input);
  assert.ok(items.length > count, 'the answer was streamed');
  buildNonStreamBody(input);
  return { reads: reads.n, tokens: plan.tokens.reduce((sum, t) => sum + t.length, 0) };
}

describe('provider test server: probabilities for a long answer', () => {
  const cases: [string, Flavor, Mode, LogprobsServerOptions][] = [
    ['vLLM completions, characters held back', 'vllm', 'completions', { partial: 'heldBack', splitCharacters: true }],
    ['vLLM completions, byte-level spelling', 'vllm', 'completions', { spelling: 'byteLevel' }],
    ['vLLM chat', 'vllm', 'chat', {}],
    ['llama.cpp completions', 'llamacpp', 'completions', { splitCharacters: true }],
  ];
  for (const [name, flavor, mode, options] of cases) {
    it(`reads each token a bounded number of times: ${name}`, () => {
      const small = readsFor(100, flavor, mode, options);
      const large = readsFor(1_000, flavor, mode, options);
      // Streamed (once per step, once to reach it) and whole (once): a few reads per token, as many at
      // either length. Rebuilding what came before each step would be hundreds per token here.
      for (const { reads, tokens } of [small, large]) assert.ok(reads <= 4 * tokens, `${reads} reads for ${tokens} tokens`);
      assert.ok(large.reads / large.tokens <= 1.2 * (small.reads / small.tokens), 'more reads per token in a longer answer');
    });
  }
});
