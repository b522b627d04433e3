// Tokens placed in the document through the real seam joiner and VS Code's line-break normalisation
// (every CRLF, CR or LF written as the document's EOL), then kept true through the writer's edits.

import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { SeamJoiner } from '../../src/core/continuation/seamJoiner';
import { ChoiceLogprobs, type GeneratedToken } from '../../src/core/logprobs/choiceLogprobs';
import { invalidate, placeTokens, type PlacedToken } from '../../src/core/logprobs/documentTokens';
import { logprobsObject, logprobsSpecFor, planLogprobs } from '../server/providerTestServer';

/** What VS Code does to inserted text (TextModel normalises every line break to the document's EOL). */
const asWritten = (text: string, eol: string) => text.replace(/\r\n|\r|\n/g, eol);

function tokensOf(pieces: readonly string[]): GeneratedToken[] {
  const spec = logprobsSpecFor('llamacpp', 'completions', {}, 2, 'doc');
  const sampled = planLogprobs([pieces], spec, true).tokens[0];
  const choice = new ChoiceLogprobs();
  choice.addText(sampled.map((t) => t.emits).join(''));
  choice.addLogprobs(logprobsObject(sampled, 0, sampled.length, spec));
  return [...choice.tokens()];
}

interface Written {
  document: string;
  placed: PlacedToken[];
  tokens: GeneratedToken[];
  generated: string;
  lead: number;
}

function write(before: string, pieces: readonly string[], mode: 'completion' | 'chat', eol: '\n' | '\r\n', stopAfter?: number): Written {
  const tokens = tokensOf(pieces);
  const generated = tokens.map((t) => t.text).join('');
  const joiner = new SeamJoiner(mode, before, before.trimEnd());
  let inserted = '';
  for (const piece of pieces.slice(0, stopAfter)) inserted += joiner.push(piece);
  inserted += joiner.end();
  const document = asWritten(before, eol) + asWritten(inserted, eol);
  const placed = placeTokens(tokens, { generated, inserted, documentOffset: asWritten(before, eol).length, eol });
  return { document, placed, tokens, generated, lead: /^\s*/.exec(generated)![0].length };
}

/** What token k must show in the document: its text past the seam's whitespace, as written (a CRLF split between two tokens is the first one's). */
function visible(w: Written, k: number, eol: string): string {
  const t = w.tokens[k];
  let from = Math.max(t.offset, w.lead);
  if (w.generated[from] === '\n' && w.generated[from - 1] === '\r' && from > w.lead) from++;
  return asWritten(w.generated.slice(from, t.offset + t.text.length), eol);
}

const piece = fc.constantFrom(' the', ' rain', '\n', '\r\n', '\r', '\n\n', ' ', 'She', ' café', ' 😀', ',', ' 雪');

describe('logprobs: tokens in the document', () => {
  it('after the seam and in a CRLF document: each placed token covers exactly its own text', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('The night.', 'The night. ', 'The night.\n', 'The night.\r\n\r\n', ''),
        fc.array(piece, { minLength: 1, maxLength: 12 }),
        fc.constantFrom<'completion' | 'chat'>('completion', 'chat'),
        fc.constantFrom<'\n' | '\r\n'>('\n', '\r\n'),
        (before, pieces, mode, eol) => {
          const w = write(before, pieces, mode, eol);
          let last = 0;
          for (const p of w.placed) {
            assert.ok(p.start >= last && p.end > p.start, 'in order, not overlapping');
            last = p.end;
            assert.equal(w.document.slice(p.start, p.end), visible(w, p.index, eol), `token ${p.index}`);
          }
          // Every token with text of its own past the seam is placed; the seam's tokens are not.
          const expected = w.tokens.map((_, k) => k).filter((k) => visible(w, k, eol) !== '');
          assert.deepEqual(w.placed.map((p) => p.index), expected);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('a seam that replaced the generation’s leading newline: the token that was only that newline has no range', () => {
    const w = write('The night.\n', ['\n', 'She', ' ran', '.'], 'completion', '\r\n');
    assert.deepEqual(w.placed.map((p) => w.document.slice(p.start, p.end)), ['She', ' ran', '.']);
    assert.equal(w.placed[0].index, 1);
  });

  it('a stream stopped part way: only the tokens that reached the document', () => {
    const w = write('The night. ', [' She', ' ran', ' home', '.'], 'completion', '\n', 2);
    assert.deepEqual(w.placed.map((p) => w.document.slice(p.start, p.end)), [' She', ' ran'].map((s, i) => (i === 0 ? s.trimStart() : s)));
  });

  it('edits: tokens an edit touches lose their place, the others stay on their text', () => {
    fc.assert(
      fc.property(
        fc.array(piece, { minLength: 2, maxLength: 12 }),
        fc.constantFrom<'\n' | '\r\n'>('\n', '\r\n'),
        fc.array(fc.record({ at: fc.nat(), length: fc.nat({ max: 6 }), text: fc.constantFrom('', 'x', 'word ', '\n') }), { minLength: 1, maxLength: 3 }),
        (pieces, eol, edits) => {
          const w = write('Before. ', pieces, 'completion', eol);
          let document = w.document;
          let placed = w.placed;
          const texts = new Map(placed.map((p) => [p.index, document.slice(p.start, p.end)]));
          for (const e of edits) {
            const rangeOffset = e.at % (document.length + 1);
            const rangeLength = Math.min(e.length, document.length - rangeOffset);
            const survivors = placed.filter((p) =>
              rangeLength === 0 ? !(p.start < rangeOffset && rangeOffset < p.end) : p.end <= rangeOffset || p.start >= rangeOffset + rangeLength,
            );
            document = document.slice(0, rangeOffset) + e.text + document.slice(rangeOffset + rangeLength);
            placed = invalidate(placed, { rangeOffset, rangeLength, text: e.text });
            assert.deepEqual(placed.map((p) => p.index), survivors.map((p) => p.index));
            for (const p of placed) assert.equal(document.slice(p.start, p.end), texts.get(p.index), `token ${p.index} still on its text`);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('one change event with several changes, in VS Code’s order (last in the document first)', () => {
    const w = write('A. ', [' one', ' two', ' three'], 'completion', '\n');
    const [one, two, three] = w.placed;
    const after = invalidate(w.placed, [
      { rangeOffset: three.start + 1, rangeLength: 2, text: 'TH' },
      { rangeOffset: one.start, rangeLength: 0, text: '>> ' },
    ]);
    assert.deepEqual(after.map((p) => p.index), [one.index, two.index]);
    assert.deepEqual(after.map((p) => p.start), [one.start + 3, two.start + 3]);
  });
});
