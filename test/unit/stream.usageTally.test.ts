// One request's usage, whatever way the server reports it.
import * as assert from 'node:assert/strict';
import { UsageTally } from '../../src/core/stream/usageTally';
import type { Usage } from '../../src/core/stream/completionStream';
import { buildStream } from '../server/providerTestServer';
import { pieces } from './fixtures/streamHarness';

const usage = (promptTokens: number, completionTokens: number): Usage => ({ promptTokens, completionTokens, totalTokens: promptTokens + completionTokens });

function tallied(stream: ReturnType<typeof buildStream>, mode: 'completion' | 'chat', n: number): Usage | undefined {
  const tally = new UsageTally();
  for (const piece of pieces([stream.bytes], mode, n)) if (piece.kind === 'usage') tally.add(piece.usage, piece.index);
  return tally.total;
}

describe('stream: usage tally', () => {
  it('adds llama.cpp’s per-choice reports (n = 2), counting the prompt once', () => {
    // Choices of different lengths, so a tally that kept only the last report would be wrong.
    const stream = buildStream('llamacpp', 'completions', [[' a', ' b', ' c'], [' d', ' e', ' f', ' g', ' h']], { n: 2, promptTokens: 9 });
    const reports = stream.items.filter((i) => i.kind === 'data' && /"usage"/.test(JSON.stringify(i))).length;
    assert.equal(reports, 2, 'the test server should report usage once per choice, as llama.cpp does');
    assert.deepEqual(tallied(stream, 'completion', 2), usage(9, 8));
  });

  it('takes vLLM’s request-wide report as it is (it already counts every choice)', () => {
    const stream = buildStream('vllm', 'completions', [[' a', ' b'], [' c', ' d', ' e']], { n: 2, includeUsage: true, promptTokens: 4 });
    assert.deepEqual(tallied(stream, 'completion', 2), usage(4, 5));
  });

  it('keeps the last of a running report repeated on one choice’s chunks', () => {
    const tally = new UsageTally();
    tally.add(usage(10, 1), 0);
    tally.add(usage(10, 2), 0);
    tally.add(usage(10, 3), 0);
    assert.deepEqual(tally.total, usage(10, 3));
  });

  it('lets a request-wide report win over per-choice ones', () => {
    const tally = new UsageTally();
    tally.add(usage(7, 3), 0);
    tally.add(usage(7, 4), 1);
    assert.deepEqual(tally.total, usage(7, 7));
    tally.add(usage(7, 9));
    assert.deepEqual(tally.total, usage(7, 9));
  });

  it('has nothing to say when nothing was reported', () => {
    assert.equal(new UsageTally().total, undefined);
  });
});
