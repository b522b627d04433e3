import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  CompletionStreamDecoder,
  decodeCompletionEvents,
  type StreamPiece,
} from '../../src/core/stream/completionStream';
import { ProviderError } from '../../src/core/errors/providerError';
import type { SseEvent } from '../../src/core/stream/sseReader';
import { chunkAt, comparable, oneByteChunks, pieces, summarize } from './fixtures/streamHarness';
import { STREAM_SHAPES } from './fixtures/streamShapes';

function decode(mode: 'chat' | 'completion', events: SseEvent[], expectedChoices?: number): StreamPiece[] {
  const d = new CompletionStreamDecoder(mode, expectedChoices === undefined ? {} : { expectedChoices });
  const out: StreamPiece[] = [];
  for (const e of events) out.push(...d.push(e));
  out.push(...d.end());
  return out;
}
const ev = (obj: unknown): SseEvent => ({ data: typeof obj === 'string' ? obj : JSON.stringify(obj) });

describe('completionStream: provider shapes', () => {
  for (const shape of STREAM_SHAPES) {
    it(shape.name, () => {
      const result = summarize(pieces([shape.bytes], shape.mode, shape.expectedChoices));
      const { errorIncludes, ...rest } = result;
      const { errorIncludes: wanted, ...expected } = shape.expect;
      assert.deepEqual(rest, expected);
      if (wanted) assert.ok(errorIncludes?.includes(wanted), `error message "${errorIncludes}" lacks "${wanted}"`);
    });
  }

  it('same pieces for the same bytes in any chunking, every shape (property)', () => {
    const small = STREAM_SHAPES.filter((s) => s.bytes.length < 20_000);
    fc.assert(
      fc.property(
        fc.constantFrom(...small),
        fc.array(fc.nat(), { maxLength: 40 }),
        (shape, cuts) => {
          const whole = comparable(pieces([shape.bytes], shape.mode, shape.expectedChoices));
          const chunks = chunkAt(shape.bytes, cuts.map((c) => c % (shape.bytes.length + 1)));
          assert.deepEqual(comparable(pieces(chunks, shape.mode, shape.expectedChoices)), whole);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('same pieces one byte at a time, every shape', () => {
    for (const shape of STREAM_SHAPES) {
      const whole = comparable(pieces([shape.bytes], shape.mode, shape.expectedChoices));
      assert.deepEqual(comparable(pieces(oneByteChunks(shape.bytes), shape.mode, shape.expectedChoices)), whole, shape.name);
    }
  });
});

describe('completionStream: decoder rules', () => {
  it('chat: null, missing and empty content give no text pieces', () => {
    const out = decode('chat', [
      ev({ choices: [{ index: 0, delta: { role: 'assistant', content: null } }] }),
      ev({ choices: [{ index: 0, delta: {} }] }),
      ev({ choices: [{ index: 0, delta: { content: '' } }] }),
      ev({ choices: [{ index: 0 }] }),
      ev({ choices: [{ index: 0, delta: { content: 'Hi' }, finish_reason: 'stop' }] }),
    ]);
    assert.deepEqual(out, [
      { kind: 'text', index: 0, text: 'Hi' },
      { kind: 'finish', index: 0, reason: 'stop' },
      { kind: 'end', outcome: 'done' },
    ]);
  });

  it('tolerates unknown keys, choices without index, and ignores events after [DONE]', () => {
    const out = decode('completion', [
      ev({ weird: { nested: true }, choices: [{ text: 'a', extra: 1, logprobs: { tokens: ['a'] } }], system_fingerprint: 'x' }),
      ev('[DONE]'),
      ev({ choices: [{ text: 'late' }] }),
    ]);
    assert.deepEqual(out, [{ kind: 'text', index: 0, text: 'a' }, { kind: 'end', outcome: 'done' }]);
  });

  it('emits usage with totals filled in and the choice it came with, and only once per finish', () => {
    const out = decode('completion', [
      ev({ choices: [{ index: 0, text: 'x', finish_reason: 'stop' }] }),
      ev({ choices: [{ index: 0, text: '', finish_reason: 'stop' }], usage: { prompt_tokens: 2, completion_tokens: 1 } }),
      ev({ choices: [], usage: null }),
    ]);
    assert.deepEqual(out, [
      { kind: 'text', index: 0, text: 'x' },
      { kind: 'finish', index: 0, reason: 'stop' },
      { kind: 'usage', usage: { promptTokens: 2, completionTokens: 1, totalTokens: 3 }, index: 0 },
      { kind: 'end', outcome: 'done' },
    ]);
  });

  it('skips data that is not JSON and reports it', () => {
    const ignored: string[] = [];
    const d = new CompletionStreamDecoder('completion', { onIgnored: (s) => ignored.push(s) });
    assert.deepEqual(d.push(ev('not json')), []);
    assert.deepEqual(d.push(ev('')), []);
    assert.deepEqual(ignored, ['not json']);
  });

  it("an 'error' event (llama.cpp error: field) with flat or wrapped JSON, or plain text", () => {
    for (const data of ['{"code":500,"message":"boom","type":"server_error"}', '{"error":{"code":500,"message":"boom"}}', 'boom']) {
      const out = decode('completion', [ev({ choices: [{ text: 'a' }] }), { event: 'error', data }, ev('[DONE]')]);
      const err = out.find((p) => p.kind === 'error');
      assert.ok(err && err.kind === 'error');
      assert.equal(err.error.kind, 'stream-error');
      assert.equal(err.error.providerMessage, 'boom');
      assert.deepEqual(out[out.length - 1], { kind: 'end', outcome: 'error' });
    }
  });

  it('a mid-stream context overflow keeps its kind', () => {
    const out = decode('chat', [
      ev({ error: { code: 400, message: 'the request exceeds the available context size, try increasing it', type: 'exceed_context_size_error' } }),
    ]);
    assert.equal(out[0]?.kind === 'error' && out[0].error.kind, 'context-overflow');
    assert.deepEqual(out[1], { kind: 'end', outcome: 'error' });
  });

  it('finish_reason "error" without an error object still reports an error', () => {
    const out = decode('chat', [ev({ choices: [{ index: 0, delta: { content: 'x' }, finish_reason: 'error' }] })]);
    assert.deepEqual(out.map((p) => p.kind), ['text', 'error', 'end']);
    assert.deepEqual(out[2], { kind: 'end', outcome: 'error' });
  });

  it('mid-stream 429/5xx errors are marked retryable (the caller decides whether tokens came first)', () => {
    const [p] = decode('chat', [ev({ error: { code: 429, message: 'slow down' } })]);
    assert.ok(p?.kind === 'error' && p.error.retryable && p.error.status === 429);
    const [q] = decode('chat', [ev({ error: { code: '400', message: 'bad' } })]);
    assert.ok(q?.kind === 'error' && !q.error.retryable);
  });

  it('end classification: nothing at all → error (cut); text then close → truncated', () => {
    assert.deepEqual(
      decode('chat', []).map((p) => (p.kind === 'error' ? p.error.kind : p.kind)),
      ['cut', 'end'],
    );
    assert.deepEqual(decode('chat', []).at(-1), { kind: 'end', outcome: 'error' });
    assert.deepEqual(decode('chat', [ev({ choices: [{ delta: { content: 'x' } }] })]).at(-1), { kind: 'end', outcome: 'truncated' });
  });

  it('a transport failure after text is a truncation carrying that failure', () => {
    const d = new CompletionStreamDecoder('chat');
    d.push(ev({ choices: [{ delta: { content: 'x' } }] }));
    const failure = new ProviderError({ kind: 'timeout', providerMessage: 'idle timeout' });
    assert.deepEqual(d.end(failure), [{ kind: 'error', error: failure }, { kind: 'end', outcome: 'truncated' }]);
    assert.deepEqual(d.end(), [], 'end is idempotent');
  });

  it('every choice finished counts as done even if the connection then broke', () => {
    const d = new CompletionStreamDecoder('chat');
    d.push(ev({ choices: [{ delta: { content: 'x' }, finish_reason: 'stop' }] }));
    assert.deepEqual(d.end(new ProviderError({ kind: 'network' })), [{ kind: 'end', outcome: 'done' }]);
  });

  it('decodeCompletionEvents stops reading at [DONE]', async () => {
    let pulled = 0;
    async function* events(): AsyncGenerator<SseEvent> {
      pulled++;
      yield ev({ choices: [{ text: 'a' }] });
      pulled++;
      yield ev('[DONE]');
      pulled++;
      yield ev({ choices: [{ text: 'b' }] });
    }
    const out: StreamPiece[] = [];
    for await (const p of decodeCompletionEvents(events(), 'completion')) out.push(p);
    assert.deepEqual(out, [{ kind: 'text', index: 0, text: 'a' }, { kind: 'end', outcome: 'done' }]);
    assert.equal(pulled, 2);
  });
});
