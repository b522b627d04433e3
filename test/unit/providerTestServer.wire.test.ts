// The wire helpers the server streams with: buildStream's bytes, read back in any chunking, carry the outcome it
// predicts, with each flavor's quirks; and the prose and byte splitting the tests build on.
import * as assert from 'node:assert/strict';
import {
  type Mode,
  FLAVORS,
  MAX_STREAM_TOKENS,
  buildStream,
  buildStreamBytes,
  countTokens,
  generateProse,
  splitBytes,
} from '../server/providerTestServer';
import { decodeChunks, describeProviderTestServer, interpret, parseSse, sameOutcome } from './providerTestServerClient';

describeProviderTestServer('wire helpers (buildStream / buildStreamBytes)', () => {
  const pieces = [' The', ' lamp', ' burned', '\n\nShe', ' waited.'];
  const cases: { name: string; opts: Parameters<typeof buildStream>[3] }[] = [
    { name: 'plain', opts: {} },
    { name: 'length', opts: { maxTokens: 3 } },
    { name: 'n=2 + usage', opts: { n: 2, includeUsage: true, promptTokens: 7 } },
    { name: 'stop string', opts: { stop: ['\n\n'] } },
    { name: 'pending stop string', opts: { stop: ['burned up'] } },
    { name: 'mid-stream error', opts: { midStreamError: { afterTokens: 2, message: 'boom' } } },
    { name: 'error at start', opts: { midStreamError: { afterTokens: 0 } } },
    { name: 'truncated', opts: { truncateAfterTokens: 3 } },
    { name: 'truncated at end', opts: { truncateAfterTokens: 99 } },
    { name: 'multiline + CR + no space + BOM', opts: { encoding: { multiline: true, eol: '\r', space: false, bom: true } } },
    { name: 'no final blank line', opts: { encoding: { omitFinalBlankLine: true } } },
    { name: 'keep-alives', opts: { keepAlivesBeforeFirstToken: 2 } },
  ];
  for (const flavor of FLAVORS) {
    for (const mode of ['completions', 'chat'] as Mode[]) {
      it(`${flavor} ${mode}: the bytes carry exactly the expected outcome in any chunking`, () => {
        let seed = 7;
        const rnd = (): number => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
        for (const c of cases) {
          const built = buildStream(flavor, mode, pieces, c.opts);
          const n = built.expected.texts.length;
          const label = `${flavor}/${mode}/${c.name}`;
          sameOutcome(interpret(built.text, n), built.expected, label);
          sameOutcome(interpret(decodeChunks(splitBytes(built.bytes, { bytes: 1 })), n), built.expected, `${label} 1-byte`);
          const sizes = Array.from({ length: 5 }, () => 1 + Math.floor(rnd() * 13));
          sameOutcome(interpret(decodeChunks(splitBytes(built.bytes, { bytes: sizes, splitInsideMultibyte: true })), n), built.expected, `${label} random`);
          assert.deepEqual(buildStreamBytes(flavor, mode, pieces, c.opts), built.bytes);
        }
      });
    }
  }

  it('encodes each flavor\'s quirks', () => {
    const kobold = buildStream('koboldcpp', 'completions', [' a', ' b']).text;
    assert.ok(kobold.includes('}\r\n\r\ndata: '), 'koboldcpp uses CRLF CRLF');
    assert.ok(kobold.endsWith('data: [DONE]'), 'koboldcpp [DONE] without newline');

    const orr = buildStream('openrouter', 'chat', [' a'], { midStreamError: { afterTokens: 1 } });
    assert.ok(orr.text.startsWith(': OPENROUTER PROCESSING\n\n'));
    assert.ok(!orr.text.includes('[DONE]'));
    assert.deepEqual(orr.expected.finishReasons, ['error']);
    assert.match(orr.text, /"error":\{"code":"server_error","message":"Provider disconnected unexpectedly"\}/);

    const ll = buildStream('llamacpp', 'completions', [' a', ' b'], { midStreamError: { afterTokens: 1 } });
    assert.match(ll.text, /\nerror: \{"code":500,/);
    assert.ok(ll.text.endsWith('data: [DONE]\n\n'));
    const llRecent = buildStream('llamacpp', 'completions', [' a'], { midStreamError: { afterTokens: 1, style: 'data' } });
    assert.ok(llRecent.text.endsWith('}}\n\n') && !llRecent.text.includes('[DONE]'));
    const llDone = buildStream('llamacpp', 'completions', [' a', ' b'], { promptTokens: 4 });
    const last = JSON.parse(parseSse(llDone.text).events.at(-2)?.data ?? '{}');
    assert.equal(last.choices[0].text, '');
    assert.equal(last.choices[0].finish_reason, 'stop');
    assert.ok(last.timings && last.usage, 'last llama.cpp completions chunk has usage and timings');
    const pending = buildStream('llamacpp', 'completions', [' x', ' The', ' end', ' y'], { stop: ['The end'] });
    assert.ok(pending.text.includes('"text":""'), 'llama.cpp sends empty-text chunks while a stop string is pending');
    assert.deepEqual(pending.expected.texts, [' x ']);

    const lit = buildStream('litellm', 'completions', [' a']).text;
    assert.match(lit, /"choices":\[\{"index":0,"text":null\}\]/);
    assert.match(lit, /"choices":\[\{"index":0,"finish_reason":"stop"\}\]/);
    const litErr = buildStream('litellm', 'chat', [' a', ' b'], { midStreamError: { afterTokens: 1 } });
    assert.ok(!litErr.text.includes('[DONE]'), 'litellm closes without [DONE] after an error');
    const vErr = buildStream('vllm', 'chat', [' a', ' b'], { midStreamError: { afterTokens: 1 } });
    assert.ok(vErr.text.endsWith('data: [DONE]\n\n'), 'vLLM sends [DONE] after an error');

    const usage = buildStream('vllm', 'chat', [' a', ' b'], { includeUsage: true, promptTokens: 3 });
    const evs = parseSse(usage.text).events;
    assert.equal(evs.at(-1)?.data, '[DONE]');
    assert.deepEqual(JSON.parse(evs.at(-2)?.data ?? '{}').choices, []);
    assert.deepEqual(usage.expected.usage, { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 });
  });

  it('splitBytes splits inside multi-byte characters and one byte at a time', () => {
    const bytes = new TextEncoder().encode('a雪😀é');
    const parts = splitBytes(bytes, { splitInsideMultibyte: true });
    assert.ok(parts.length >= 4);
    assert.ok(parts.some((p) => new TextDecoder().decode(p).includes('\uFFFD')), 'some piece alone is not valid UTF-8');
    assert.equal(decodeChunks(parts), 'a雪😀é');
    assert.equal(splitBytes(bytes, { bytes: 1 }).length, bytes.length);
  });

  it('generates deterministic prose and counts words as tokens', () => {
    assert.deepEqual(generateProse('seed', 50), generateProse('seed', 50));
    assert.notDeepEqual(generateProse('seed', 50), generateProse('other', 50));
    assert.notDeepEqual(generateProse('seed', 50, 0), generateProse('seed', 50, 1));
    assert.equal(generateProse('seed', 50).length, 50);
    assert.equal(countTokens('  one two\nthree\t four '), 4);
    const big = buildStream('vllm', 'completions', generateProse('x', 25_000), { maxTokens: 25_000 });
    assert.equal(big.expected.tokensSent, MAX_STREAM_TOKENS);
  });
});
