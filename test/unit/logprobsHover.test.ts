import * as assert from 'node:assert/strict';
import type { GeneratedToken } from '../../src/core/logprobs/choiceLogprobs';
import { bandOf, percent } from '../../src/core/logprobs/probabilityBands';
import { escapeMarkdown, hoverMarkdown, hoverModel, visibleToken } from '../../src/core/logprobs/tokenHover';

const token = (text: string, p: number, top: [string, number][], extra: Partial<GeneratedToken> = {}): GeneratedToken => ({
  text,
  offset: 0,
  token: text,
  logprob: Math.log(p),
  top: top.map(([t, q]) => ({ text: t, logprob: Math.log(q) })),
  ...extra,
});

describe('token probabilities: bands and percentages', () => {
  const bands: [number, string][] = [
    [0.01, 'low'],
    [0.099, 'low'],
    [0.1, 'middle'],
    [0.39, 'middle'],
    [0.4, 'high'],
    [0.79, 'high'],
    [0.8, 'sure'],
    [1, 'sure'],
  ];
  for (const [p, band] of bands) it(`${p} is ${band}`, () => assert.equal(bandOf(Math.log(p)), band));
  it('a token with no probability (-Infinity) or NaN is low', () => {
    assert.equal(bandOf(-Infinity), 'low');
    assert.equal(bandOf(NaN), 'low');
  });
  const shown: [number, string][] = [
    [0.621, '62.1%'],
    [0.5, '50%'],
    [0.0432, '4.3%'],
    [0.0004, '<0.1%'],
    [0.9996, '>99.9%'],
    [1, '100%'],
    [0, '0%'],
  ];
  for (const [p, text] of shown) it(`${p} reads ${text}`, () => assert.equal(percent(p), text));
});

describe('token probabilities: the hover', () => {
  it('lists the top choices best first, marks the chosen one, and gives what the others share', () => {
    const model = hoverModel(token(' door', 0.3, [[' gate', 0.5], [' door', 0.3], [' wall', 0.1]]));
    assert.deepEqual(
      model.rows.map((r) => [r.shown, r.chosen, r.alternative]),
      [
        ['␣gate', false, 0],
        ['␣door', true, 1],
        ['␣wall', false, 2],
      ],
    );
    assert.ok(Math.abs(model.others! - 0.1) < 1e-9);
  });

  it('a chosen token the server left out of its list (llama.cpp samples after listing) is its own row', () => {
    const model = hoverModel(token(' mist', 0.02, [[' rain', 0.6], [' snow', 0.2]]));
    assert.deepEqual(
      model.rows.map((r) => [r.shown, r.chosen, r.alternative]),
      [
        ['␣rain', false, 0],
        ['␣snow', false, 1],
        ['␣mist', true, undefined],
      ],
    );
  });

  it('tells the chosen token by its bytes when both have them (two alternatives can show alike)', () => {
    const t = token('\uFFFD', 0.4, [], { bytes: [0xa9], top: [{ text: '\uFFFD', logprob: Math.log(0.5), bytes: [0xa8] }, { text: '\uFFFD', logprob: Math.log(0.4), bytes: [0xa9] }] });
    assert.deepEqual(hoverModel(t).rows.map((r) => r.chosen), [false, true]);
  });

  it('shows whitespace and control characters visibly, and cuts a very long token', () => {
    assert.equal(visibleToken(' \n\t\r'), '␣↵⇥␍');
    assert.equal(visibleToken('\u202e'), 'U+202E');
    assert.equal(visibleToken(''), '∅');
    assert.equal(visibleToken('x'.repeat(100)), `${'x'.repeat(40)}…`);
  });

  it('no token text can make markup, a link or HTML in the hover', () => {
    const hostile = ['[click](command:workbench.action.terminal.new)', '<img src=x onerror=alert(1)>', '**bold** `code` _em_', '| a | b |', '![i](https://x/y.png)', '&lt;'];
    for (const text of hostile) {
      const md = hoverMarkdown(token(text, 0.5, [[text, 0.5]]), {});
      const escaped = escapeMarkdown(visibleToken(text));
      assert.ok(md.includes(escaped), text);
      // Every markup character of the token is escaped: none is left bare.
      const bare = escaped.replace(/\\[\\`*_{}[\]()#+\-.!|<>~&:$%"'=]/g, '').replace(/&lt;|&amp;/g, '');
      assert.doesNotMatch(bare, /[[\]()<>*`_|!&]/, text);
    }
  });

  it('links each other choice to a reroll with it, and offers a plain reroll; without reroll, says why', () => {
    const t = token(' door', 0.3, [[' gate', 0.5], [' door', 0.3]]);
    const md = hoverMarkdown(t, { withToken: (i) => `command:x?${i}`, fromHere: 'command:y' });
    assert.match(md, /\[␣gate\]\(command:x\?0 "Reroll with this token"\)/);
    assert.doesNotMatch(md, /command:x\?1/, 'the chosen token is not a reroll link');
    assert.match(md, /\[Reroll from here\]\(command:y /);
    const none = hoverMarkdown(t, { noReroll: 'Needs completion mode.' });
    assert.doesNotMatch(none, /command:/);
    assert.match(none, /Needs completion mode\\\./);
  });
});
