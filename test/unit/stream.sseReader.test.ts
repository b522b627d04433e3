import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { SseBufferOverflow, SseDecoder, type SseEvent } from '../../src/core/stream/sseReader';
import { chunkAt, oneByteChunks, sseEvents } from './fixtures/streamHarness';

const enc = new TextEncoder();
const b = (s: string): Uint8Array => enc.encode(s);

function events(...chunks: (string | Uint8Array)[]): SseEvent[] {
  return sseEvents(chunks.map((c) => (typeof c === 'string' ? b(c) : c)));
}

describe('sseReader', () => {
  it('reads data events, with and without a space after the colon', () => {
    assert.deepEqual(events('data: one\n\ndata:two\n\n'), [{ data: 'one' }, { data: 'two' }]);
  });

  it('keeps only one leading space of the value', () => {
    assert.deepEqual(events('data:  two spaces\n\n'), [{ data: ' two spaces' }]);
  });

  it('joins multi-line data with \\n', () => {
    assert.deepEqual(events('data: a\ndata: b\ndata:\ndata: c\n\n'), [{ data: 'a\nb\n\nc' }]);
  });

  for (const [name, eol] of [
    ['LF', '\n'],
    ['CR', '\r'],
    ['CRLF', '\r\n'],
  ] as const) {
    it(`accepts ${name} line endings`, () => {
      assert.deepEqual(events(`data: a${eol}data: b${eol}${eol}data: c${eol}${eol}`), [{ data: 'a\nb' }, { data: 'c' }]);
    });
  }

  it('handles a CRLF split across chunks as one line end', () => {
    assert.deepEqual(events('data: a\r', '\n', '\r', '\ndata: b\r\n\r\n'), [{ data: 'a' }, { data: 'b' }]);
  });

  it('handles mixed line endings in one stream', () => {
    assert.deepEqual(events('data: a\r\n\ndata: b\n\r\ndata: c\r\r'), [{ data: 'a' }, { data: 'b' }, { data: 'c' }]);
  });

  it('drops a UTF-8 BOM at the start, even split across chunks, and only there', () => {
    const bom = new Uint8Array([0xef, 0xbb, 0xbf]);
    assert.deepEqual(events(bom, 'data: x\n\n'), [{ data: 'x' }]);
    assert.deepEqual(events(bom.subarray(0, 1), bom.subarray(1), 'data: x\n\n'), [{ data: 'x' }]);
    // Later on, U+FEFF is an ordinary character: that line's field is "\uFEFFdata", not data.
    assert.deepEqual(events('data: x\n\n', bom, 'data: y\n\n').map((e) => e.data), ['x']);
  });

  it('reassembles multibyte characters split across chunks', () => {
    const bytes = b('data: Zoë 東京 🌧️\n\n');
    assert.deepEqual(sseEvents(oneByteChunks(bytes)), [{ data: 'Zoë 東京 🌧️' }]);
  });

  it('reports comments without making events, and counts them as activity', () => {
    const comments: string[] = [];
    let activity = 0;
    const decoder = new SseDecoder({ onComment: (c) => comments.push(c), onActivity: () => activity++ });
    assert.deepEqual(decoder.push(b(': OPENROUTER PROCESSING\n\n')), []);
    assert.deepEqual(decoder.push(b(':keep-alive\n')), []);
    assert.deepEqual(decoder.end(), []);
    assert.deepEqual(comments, ['OPENROUTER PROCESSING', 'keep-alive']);
    assert.equal(activity, 2);
  });

  it('counts activity for every non-empty chunk only', () => {
    let activity = 0;
    const decoder = new SseDecoder({ onActivity: () => activity++ });
    decoder.push(new Uint8Array(0));
    decoder.push(b('\n'));
    decoder.push(b(':'));
    assert.equal(activity, 2);
  });

  it('passes event and id fields; reports retry; ignores unknown fields', () => {
    const retries: number[] = [];
    const unknown: string[] = [];
    const decoder = new SseDecoder({ onRetry: (ms) => retries.push(ms), onUnknownField: (f, v) => unknown.push(`${f}=${v}`) });
    const out = [
      ...decoder.push(b('retry: 2500\nretry: soon\nid: 7\nevent: message\nfoo: bar\nnocolon\ndata: x\n\n')),
      ...decoder.end(),
    ];
    assert.deepEqual(out, [{ event: 'message', id: '7', data: 'x' }]);
    assert.deepEqual(retries, [2500]);
    assert.deepEqual(unknown, ['foo=bar', 'nocolon=']);
  });

  it("surfaces llama.cpp's `error:` field line as an 'error' event, in order", () => {
    const out = events('data: {"a":1}\n\nerror: {"code":500,"message":"boom"}\n\ndata: [DONE]\n\n');
    assert.deepEqual(out, [{ data: '{"a":1}' }, { event: 'error', data: '{"code":500,"message":"boom"}' }, { data: '[DONE]' }]);
  });

  it('flushes a last event without a blank line, or without any newline', () => {
    assert.deepEqual(events('data: a\n\ndata: [DONE]'), [{ data: 'a' }, { data: '[DONE]' }]);
    assert.deepEqual(events('data: a\n'), [{ data: 'a' }]);
    assert.deepEqual(events('data: a\r'), [{ data: 'a' }]);
    assert.deepEqual(events('data: a\r\n\r'), [{ data: 'a' }]);
    assert.deepEqual(events('data: a\n\n'), [{ data: 'a' }]);
  });

  it('ignores an empty event (no data lines) and blank runs', () => {
    assert.deepEqual(events('\n\n\nevent: x\n\n\n\ndata: y\n\n'), [{ data: 'y' }]);
  });

  it('reads very large events', () => {
    const big = 'x'.repeat(1_000_000);
    assert.deepEqual(events(`data: ${big}\n\n`), [{ data: big }]);
  });

  it('gives up on an event larger than the buffer limit', () => {
    const decoder = new SseDecoder({ maxBufferChars: 1000 });
    assert.throws(() => decoder.push(b(`data: ${'x'.repeat(2000)}`)), SseBufferOverflow);
  });

  it('gives the same events for the same bytes in any chunking (property)', () => {
    const line = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 12 }).map((s) => `data: ${s.replace(/[\r\n]/g, ' ')}`),
      fc.string({ maxLength: 8 }).map((s) => `data:${s.replace(/[\r\n]/g, '')}`),
      fc.constantFrom(': ping', ':', 'event: error', 'id: 3', 'retry: 10', 'error: {"m":"é"}', 'x: y', ''),
    );
    const eol = fc.constantFrom('\n', '\r', '\r\n');
    const stream = fc.array(fc.tuple(line, eol), { maxLength: 20 }).map((parts) => b(parts.map(([l, e]) => l + e).join('')));
    fc.assert(
      fc.property(stream, fc.array(fc.nat(), { maxLength: 12 }), (bytes, cuts) => {
        const whole = sseEvents([bytes]);
        assert.deepEqual(sseEvents(chunkAt(bytes, cuts.map((c) => c % (bytes.length + 1)))), whole);
        assert.deepEqual(sseEvents(oneByteChunks(bytes)), whole);
      }),
      { numRuns: 300 },
    );
  });
});
