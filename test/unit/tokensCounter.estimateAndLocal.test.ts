// TokenCounter without a server: the estimate for an unknown tokenizer, exact local counts with only edited
// paragraphs recounted (Llama 2's first chunk keyed apart), and the estimate while the worker has failed.
import * as assert from 'assert';
import { TokenCounter } from '../../src/core/tokens/tokenCounter';
import { estimateTokens } from '../../src/core/tokens/estimate';
import { TokenCount } from '../../src/core/tokens/types';
import { DOC, FakeLocal, FakeScheduler } from './tokensCounterFakes';

describe('tokens: TokenCounter', () => {
  it('estimate only for an unknown tokenizer, marked not exact', async () => {
    const c = new TokenCounter({ family: 'unknown', scheduler: new FakeScheduler() });
    const r = await c.count(DOC);
    assert.deepStrictEqual(r, { count: estimateTokens('First paragraph here.\n\n') + estimateTokens('Second one, a little longer.\n\n') + estimateTokens('Third.\n'), exact: false, source: 'estimate', tokenizer: 'estimate' });
  });

  it('local exact count, estimate reported first, then only edited paragraphs are recounted', async () => {
    const local = new FakeLocal();
    const c = new TokenCounter({ family: 'qwen2', local, scheduler: new FakeScheduler() });
    const progress: TokenCount[] = [];
    const r = await c.count(DOC, { onProgress: (p) => progress.push(p) });
    assert.strictEqual(r.source, 'local');
    assert.strictEqual(r.exact, true);
    assert.strictEqual(r.tokenizer, 'Qwen2 BPE');
    assert.strictEqual(progress.length, 1);
    assert.strictEqual(progress[0].source, 'estimate');
    assert.strictEqual(local.chunksCounted, 3);

    const edited = DOC.replace('Second', 'Sec0nd');
    const r2 = await c.count(edited);
    assert.strictEqual(local.chunksCounted, 4, 'one more chunk counted');
    assert.strictEqual(c.lastStats.localCounted, 1);
    assert.strictEqual(r2.count, ['First paragraph here.\n\n', 'Sec0nd one, a little longer.\n\n', 'Third.\n'].reduce((a, s) => a + Math.ceil(s.length / 4), 0));

    // Fully cached: no progress callback, no worker call.
    const progress3: TokenCount[] = [];
    await c.count(edited, { onProgress: (p) => progress3.push(p) });
    assert.strictEqual(progress3.length, 0);
    assert.strictEqual(local.calls.length, 2);
  });

  it('Llama 2 keys the first chunk apart (SentencePiece leading space)', async () => {
    const local = new FakeLocal();
    const c = new TokenCounter({ family: 'llama2', local, scheduler: new FakeScheduler() });
    await c.count('A.\n\nB.\n\n');
    // Same paragraphs, order swapped: both move position; "B." was not first before, "A." was.
    await c.count('B.\n\nA.\n\n');
    assert.strictEqual(local.chunksCounted, 4);
  });

  it('falls back to the estimate when the worker fails, and does not retry at once', async () => {
    const local = new FakeLocal();
    local.fail = true;
    const sched = new FakeScheduler();
    const c = new TokenCounter({ family: 'llama3', local, scheduler: sched, retryAfterMs: 1000 });
    const r = await c.count(DOC);
    assert.strictEqual(r.source, 'estimate');
    await c.count(DOC + 'x');
    assert.strictEqual(local.calls.length, 1, 'blocked after the failure');
    local.fail = false;
    await sched.advance(1001);
    const r3 = await c.count(DOC);
    assert.strictEqual(r3.source, 'local');
  });
});
