// Raw token pieces decoded by the published conventions, and hostile `logprobs` objects read within bounds.

import * as assert from 'node:assert/strict';
import { byteLevelPieceBytes, escapedBytes, isTokenIdPlaceholder, sentencePieceBytes } from '../../src/core/logprobs/rawPieces';
import { readWireEntries, MAX_ALTERNATIVES } from '../../src/core/logprobs/wireEntries';
import fc from 'fast-check';
import { TokenAligner, alignTokens } from '../../src/core/logprobs/alignTokens';
import { ChoiceLogprobs } from '../../src/core/logprobs/choiceLogprobs';

const utf8 = (s: string) => [...Buffer.from(s, 'utf8')];

describe('logprobs: raw pieces', () => {
  it('byte-level BPE by GPT-2’s bytes_to_unicode (openai/gpt-2 src/encoder.py)', () => {
    // The 68 bytes that are not printable map, in byte order, to U+0100…: NUL → Ā, tab → ĉ,
    // newline → Ċ, space → Ġ, DEL → ġ, NBSP → ł, soft hyphen (the last) → Ń.
    assert.deepEqual(byteLevelPieceBytes('\u0100'), [0x00]);
    assert.deepEqual(byteLevelPieceBytes('ĉ'), [0x09]);
    assert.deepEqual(byteLevelPieceBytes('Ċ'), [0x0a]);
    assert.deepEqual(byteLevelPieceBytes('Ġ'), [0x20]);
    assert.deepEqual(byteLevelPieceBytes('ġ'), [0x7f]);
    assert.deepEqual(byteLevelPieceBytes('ł'), [0xa0]);
    assert.deepEqual(byteLevelPieceBytes('Ń'), [0xad]);
    // Printable bytes are themselves; familiar vocabulary entries decode to their text.
    assert.deepEqual(byteLevelPieceBytes('ĠHello'), utf8(' Hello'));
    assert.deepEqual(byteLevelPieceBytes('Ã©'), utf8('é'));
    assert.deepEqual(byteLevelPieceBytes('âĢĻ'), utf8('’'));
    assert.deepEqual(byteLevelPieceBytes('ĊĊ'), utf8('\n\n'));
    // A character outside the table: not a byte-level piece.
    assert.equal(byteLevelPieceBytes(' the'), undefined);
    assert.equal(byteLevelPieceBytes('雪'), undefined);
  });

  it('every one of the 256 bytes has exactly one character', () => {
    const seen = new Set<number>();
    for (let code = 0; code < 0x200; code++) {
      const bytes = byteLevelPieceBytes(String.fromCharCode(code));
      if (bytes) {
        assert.equal(bytes.length, 1);
        assert.ok(!seen.has(bytes[0]), `byte ${bytes[0]} twice`);
        seen.add(bytes[0]);
      }
    }
    assert.equal(seen.size, 256);
  });

  it('SentencePiece: ▁ is a space, <0xNN> is that byte (sentencepiece ByteToPiece)', () => {
    assert.deepEqual(sentencePieceBytes('▁Hello'), utf8(' Hello'));
    assert.deepEqual(sentencePieceBytes('▁▁'), utf8('  '));
    assert.deepEqual(sentencePieceBytes('<0x0A>'), [0x0a]);
    assert.deepEqual(sentencePieceBytes('<0xE2>'), [0xe2]);
    assert.deepEqual(sentencePieceBytes('café'), utf8('café'));
    assert.deepEqual(sentencePieceBytes('<0x0A><0x0A>'), utf8('<0x0A><0x0A>'), 'a byte piece is one piece');
  });

  it('escaped bytes: OpenAI’s bytes:\\x.. and DeepSeek’s bare escapes of non-ASCII bytes', () => {
    assert.deepEqual(escapedBytes('bytes:\\xe2\\x80'), [0xe2, 0x80]);
    assert.deepEqual(escapedBytes('\\xf0\\x9f\\x8c'), [0xf0, 0x9f, 0x8c]);
    assert.deepEqual(escapedBytes('bytes:\\x41'), [0x41]);
    assert.equal(escapedBytes('\\x41'), undefined, 'a token may spell \\x41');
    assert.equal(escapedBytes(' bytes:\\xe2'), undefined);
    assert.equal(escapedBytes('bytes:'), undefined);
    assert.equal(isTokenIdPlaceholder('token_id:128000'), true);
    assert.equal(isTokenIdPlaceholder('token_id: 1'), false);
  });
});

describe('logprobs: hostile objects', () => {
  it('legacy: null logprobs, positive values, junk tops; content: bad bytes, too many alternatives', () => {
    const legacy = readWireEntries({ tokens: [' a', 7, 'x'.repeat(1000)], token_logprobs: [null, 0.3], top_logprobs: [null, { b: -1, c: 'x' }] });
    assert.deepEqual(legacy.map((e) => [e.token, e.logprob, e.top.length]), [[' a', -Infinity, 0], ['', 0, 2], ['', -Infinity, 0]]);
    const top = Array.from({ length: 100 }, (_, i) => ({ token: `t${i}`, logprob: -i / 10 - (i % 2) }));
    const [content] = readWireEntries({ content: [{ token: 'é', logprob: -0.1, bytes: [0xc3, 256], top_logprobs: top }] });
    assert.equal(content.bytes, undefined, 'a value over 255 makes the bytes untrustworthy');
    assert.equal(content.top.length, MAX_ALTERNATIVES);
    assert.deepEqual(content.top.map((a) => a.logprob), [...content.top.map((a) => a.logprob)].sort((a, b) => b - a));
    assert.deepEqual(readWireEntries({ content: 'no' }), []);
    assert.deepEqual(readWireEntries(null), []);
  });

  it('llama.cpp’s own example (docs/story.md): bytes read, the chosen token absent from its top list', () => {
    const choice = new ChoiceLogprobs();
    choice.addText(' ELEMENT');
    choice.addLogprobs({
      content: [
        {
          id: 63456,
          token: ' ELEMENT',
          bytes: [32, 69, 76, 69, 77, 69, 78, 84],
          logprob: -4.67,
          top_logprobs: [{ id: 46260, token: 'ByPrimaryKey', bytes: [66, 121, 80, 114, 105, 109, 97, 114, 121, 75, 101, 121], logprob: -4.02 }],
        },
      ],
    });
    choice.addLogprobs(null); // the last chunk's `"logprobs": null`
    const [token] = choice.tokens();
    assert.deepEqual([token.text, token.offset, token.logprob], [' ELEMENT', 0, -4.67]);
    assert.deepEqual(token.top.map((a) => a.text), ['ByPrimaryKey']);
  });

  it('llama.cpp post-sampling probabilities (prob, top_probs) read as logs', () => {
    const [e] = readWireEntries({ content: [{ token: ' a', bytes: [32, 97], prob: 0.5, top_probs: [{ token: ' b', bytes: [32, 98], prob: 0.25 }] }] });
    assert.equal(e.logprob, Math.log(0.5));
    assert.equal(e.top[0].logprob, Math.log(0.25));
  });

  it('vLLM’s [239,191,189] for a token it spells U+FFFD is not taken as its bytes', () => {
    const [e] = readWireEntries({ content: [{ token: '\uFFFD', logprob: -1, bytes: [239, 191, 189], top_logprobs: [] }] });
    assert.equal(e.bytes, undefined);
  });

  it('a reading that fits nowhere stays linear and places nothing it cannot see', () => {
    const reading = (tokens: number) => {
      const text = 'a'.repeat(4 * tokens);
      const started = process.hrtime.bigint();
      const result = alignTokens(text, Array.from({ length: tokens }, () => 'zzz'));
      return { ...result, ms: Number(process.hrtime.bigint() - started) / 1e6 };
    };
    // Against the same reading at a tenth of the size, in the same run: linear work takes about 10× as long
    // (less, with the small one warming the JIT), quadratic about 100×. Runs alternate, so a loaded machine
    // slows both alike, and the least of three of each leaves out a run that was interrupted.
    let small = Infinity;
    let large = Infinity;
    let last: ReturnType<typeof reading> | undefined;
    for (let i = 0; i < 3; i++) {
      small = Math.min(small, reading(5_000).ms);
      last = reading(50_000);
      large = Math.min(large, last.ms);
    }
    assert.ok(large < 30 * small, `10× the tokens took ${(large / small).toFixed(1)}× as long (${small.toFixed(1)} → ${large.toFixed(1)} ms)`);
    assert.equal(last!.matched, 0);
    assert.ok(last!.spans.every((s) => s.start === 0 && s.end === 0));
  });

  it('aligning while text and tokens arrive gives what aligning everything at once gives (property)', () => {
    const add = fc.oneof(fc.constantFrom('', null, '\uFFFD', '</s>', 'zz'), fc.stringMatching(/^[ab é\n]{1,4}$/));
    fc.assert(
      fc.property(fc.stringMatching(/^[ab é\n]{0,40}$/), fc.array(add, { maxLength: 30 }), fc.array(fc.nat(), { maxLength: 20 }), (text, adds, steps) => {
        const aligner = new TokenAligner();
        const points = steps.map((x) => x / 2 ** 31).sort();
        for (const p of points) aligner.align(text.slice(0, Math.floor(p * text.length)), (k) => adds[k], Math.floor(p * adds.length));
        assert.deepEqual(aligner.align(text, (k) => adds[k], adds.length), alignTokens(text, adds));
      }),
      { numRuns: 500 },
    );
  });

  it('tokens past the bound are dropped and said so', () => {
    const choice = new ChoiceLogprobs();
    const chunk = { tokens: Array.from({ length: 60_000 }, () => 'a'), token_logprobs: [] };
    choice.addLogprobs(chunk);
    choice.addLogprobs(chunk);
    assert.equal(choice.tokenCount, 100_000);
    assert.equal(choice.overflowed, true);
  });
});
