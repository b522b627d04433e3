// The reader against the test server's own bytes (buildStreamBytes), every flavour and quirk, in
// any chunking: the same text, finishes, usage and outcome the server says it meant.

import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  FLAVORS,
  UNICODE_PIECES,
  buildStream,
  type BuildStreamOptions,
  type ExpectedStream,
  type Flavor,
  type Mode,
} from '../server/providerTestServer';
import type { StreamPiece } from '../../src/core/stream/completionStream';
import { chunkAt, comparable, oneByteChunks, pieces, summarize } from './fixtures/streamHarness';

interface Case {
  flavor: Flavor;
  mode: Mode;
  words: string[];
  opts: BuildStreamOptions;
}

const word = fc.oneof(fc.constantFrom(...UNICODE_PIECES), fc.constantFrom(' the', ' rain', ' fell', ',', ' and', ' she', ' ran', '.'));

const caseArb: fc.Arbitrary<Case> = fc.record({
  flavor: fc.constantFrom(...FLAVORS),
  mode: fc.constantFrom<Mode>('completions', 'chat'),
  words: fc.array(word, { minLength: 1, maxLength: 12 }),
  opts: fc.record(
    {
      n: fc.integer({ min: 1, max: 3 }),
      includeUsage: fc.boolean(),
      promptTokens: fc.integer({ min: 0, max: 50 }),
      maxTokens: fc.integer({ min: 1, max: 14 }),
      stop: fc.constant(['!']),
      midStreamError: fc.record({ afterTokens: fc.integer({ min: 0, max: 6 }), code: fc.constantFrom(500, 429, 400) }),
      truncateAfterTokens: fc.integer({ min: 0, max: 6 }),
      keepAlivesBeforeFirstToken: fc.integer({ min: 0, max: 2 }),
      encoding: fc.record(
        {
          eol: fc.constantFrom<'\n' | '\r\n' | '\r'>('\n', '\r\n', '\r'),
          space: fc.boolean(),
          multiline: fc.boolean(),
          bom: fc.boolean(),
          omitFinalBlankLine: fc.boolean(),
        },
        { requiredKeys: [] },
      ),
    },
    { requiredKeys: [] },
  ),
});

function expectedOutcome(e: ExpectedStream): 'done' | 'truncated' | 'error' {
  if (e.error !== null) return 'error';
  if (!e.truncated) return 'done';
  return e.texts.some((t) => t.length > 0) ? 'truncated' : 'error';
}

function check(c: Case, result: StreamPiece[], e: ExpectedStream): void {
  const s = summarize(result);
  const label = JSON.stringify({ flavor: c.flavor, mode: c.mode, opts: c.opts });
  e.texts.forEach((t, i) => assert.equal(s.text[i] ?? '', t, `text ${i} ${label}`));
  e.finishReasons.forEach((f, i) => assert.equal(s.finishes[i], f === null || f === 'error' ? undefined : f, `finish ${i} ${label}`));
  if (e.usage) {
    assert.deepEqual(s.usage, { promptTokens: e.usage.prompt_tokens, completionTokens: e.usage.completion_tokens, totalTokens: e.usage.total_tokens }, label);
  } else assert.equal(s.usage, undefined, label);
  assert.equal(s.outcome, expectedOutcome(e), `outcome ${label}`);
  if (e.error !== null) assert.ok(s.errors.some((k) => k !== 'cut'), `a provider error is reported ${label}`);
}

describe('stream: test-server bytes (buildStreamBytes), every flavour', () => {
  for (const flavor of FLAVORS) {
    for (const mode of ['completions', 'chat'] as const) {
      it(`${flavor} ${mode}: plain, n=2 with usage, mid-stream error, truncated — one byte at a time`, () => {
        const variants: BuildStreamOptions[] = [
          {},
          { n: 2, includeUsage: true, promptTokens: 9 },
          { midStreamError: { afterTokens: 2 } },
          { truncateAfterTokens: 3 },
          { keepAlivesBeforeFirstToken: 2, encoding: { bom: true, multiline: true, omitFinalBlankLine: true } },
        ];
        for (const opts of variants) {
          const built = buildStream(flavor, mode, UNICODE_PIECES.slice(0, 6), opts);
          const n = opts.n ?? 1;
          const appMode = mode === 'chat' ? 'chat' : 'completion';
          const whole = pieces([built.bytes], appMode, flavor === 'koboldcpp' ? 1 : n);
          check({ flavor, mode, words: [], opts }, whole, built.expected);
          assert.deepEqual(comparable(pieces(oneByteChunks(built.bytes), appMode, flavor === 'koboldcpp' ? 1 : n)), comparable(whole));
        }
      });
    }
  }

  it('any flavour, options and chunking give what the server meant (property)', () => {
    fc.assert(
      fc.property(caseArb, fc.array(fc.nat(), { maxLength: 30 }), (c, cuts) => {
        // One fault at a time, as the server would script it.
        const opts = { ...c.opts };
        if (opts.midStreamError && opts.truncateAfterTokens !== undefined) delete opts.truncateAfterTokens;
        const built = buildStream(c.flavor, c.mode, c.words, opts);
        const n = c.flavor === 'koboldcpp' ? 1 : (opts.n ?? 1);
        const appMode = c.mode === 'chat' ? 'chat' : 'completion';
        const chunks = chunkAt(built.bytes, cuts.map((x) => x % (built.bytes.length + 1)));
        const result = pieces(chunks, appMode, n);
        check({ ...c, opts }, result, built.expected);
        assert.deepEqual(comparable(result), comparable(pieces([built.bytes], appMode, n)));
      }),
      { numRuns: 300 },
    );
  });
});
