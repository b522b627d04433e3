import * as assert from 'node:assert/strict';
import { parseContextViewMessage } from '../../src/core/protocol/contextViewProtocol';
import { LoreRow, barSegments, loreRows, statusText, whyText } from '../../src/core/story/contextSnapshot';
import { compileLore } from '../../src/core/story/loreActivation';
import { loreEntry } from '../../src/core/story/loreEntry';
import { PromptPart, buildStoryPrompt } from '../../src/core/story/storyPrompt';
import { SNAPSHOT } from './contextViewFixtures';

/** One token a word, as in the prompt assembly's own tests: budgets move visibly, no tokenizer needed. */
const words = async (text: string) => text.split(/\s+/).filter(Boolean).length;
const options = { loreShare: 0.25, scanTokens: 1000, recursionRounds: 3, authorsNoteDepth: 2, partSeparator: '\n\n', storySeparator: '\n***\n' };
const STORY = ['Rain on Harrow Street.', '', 'Wren lit the lamps. Wren sighed.', '', 'She'].join('\n');

/** Every kind of verdict, from the real activation and budget steps. */
async function verdictsOfEveryKind() {
  const built = await buildStoryPrompt({
    mode: 'completion',
    passage: STORY,
    overflow: 'trimStart',
    systemPrompt: '',
    contextSize: 1000,
    maxTokens: 100,
    count: words,
    options,
    story: {
      memory: 'A gaslight mystery.',
      authorsNote: '',
      lore: compileLore([
        loreEntry('ash', { name: 'Ash', keys: ['Ash'], content: 'Ash never appears.' }),
        loreEntry('big', { name: 'The City', keys: ['Harrow'], content: 'word '.repeat(300) }),
        loreEntry('cellar', { name: 'The Cellar', keys: ['cellar'], content: 'Damp stone.' }),
        loreEntry('ghost', { name: 'Ghost', keys: ['Wren'], enabled: false, content: 'Boo.' }),
        loreEntry('lamp', { name: 'Lamps', alwaysOn: true, content: 'Gas lamps light the street.' }),
        loreEntry('moon', { name: 'Moonlit Wren', keys: ['Wren'], secondaryKeys: ['moon'], secondaryLogic: 'all', content: 'Under the moon.' }),
        loreEntry('wren', { name: 'Wren', keys: ['Wren'], content: 'Wren keeps the cellar key.' }),
      ]),
    },
  });
  assert.ok(built.fits);
  const lineOf = (index: number) => STORY.slice(0, index).split('\n').length;
  return { built, rows: loreRows(built.lore, lineOf, options.scanTokens) };
}

describe('context view: why each lore entry is in or out', () => {
  it('says which key matched, at which line and how often; always on; via which entry; budget; secondary keys; no match; disabled', async () => {
    const { rows } = await verdictsOfEveryKind();
    assert.deepEqual(
      rows.map((r) => [r.name, r.active, whyText(r)]),
      [
        ['Lamps', true, 'always on'],
        ['Wren', true, 'key “Wren” at line 3 · 2 matches'],
        ['The Cellar', true, 'via entry “Wren” (key “cellar” in its text)'],
        ['The City', false, 'over the lore budget (needs 300 tokens)'],
        ['Moonlit Wren', false, 'a key matched, but the secondary keys did not: needs all of “moon”'],
        ['Ash', false, 'no key in the last 1,000 tokens'],
        ['Ghost', false, 'disabled'],
      ],
    );
  });

  it('counts matches up to the matcher’s bound, and names an entry without keys', () => {
    const base: LoreRow = { id: 'x', name: 'X', active: true, why: { kind: 'key', key: 'x', index: 0, length: 1, count: 999 }, scanTokens: 2048, hasKeys: true, secondaryKeys: [], secondaryLogic: 'any' };
    assert.equal(whyText({ ...base, line: 1200 }), 'key “x” at line 1,200 · 999+ matches');
    assert.equal(whyText({ ...base, active: false, why: 'no-match', hasKeys: false }), 'no keys, and not always on');
    assert.equal(whyText({ ...base, active: false, why: 'no-match', scanTokens: 2048 }), 'no key in the last 2,048 tokens');
  });

  it('the status bar counts the entries that are in and the share of the context the prompt takes', async () => {
    const { built, rows } = await verdictsOfEveryKind();
    const snapshot = { ...SNAPSHOT, contextSize: 1000, outcome: { fits: true as const, parts: built.parts, tokens: built.tokens, trimmedChars: 0 }, lore: rows };
    assert.equal(statusText(snapshot), `3 lore · ${Math.round(built.tokens / 10)}%`);
  });
});

describe('context view: the bar', () => {
  const part = (kind: PromptPart['kind'], tokens: number): PromptPart => ({ kind, label: kind, tokens });

  it('draws the parts in order, then the room for the reply, each as a share of the context', () => {
    const segments = barSegments([part('memory', 100), part('lore', 50), part('story', 600), part('template', 3)], 1000);
    assert.deepEqual(segments.map((s) => [s.kind, s.tokens, s.share]), [
      ['memory', 100, 10],
      ['lore', 50, 5],
      ['story', 600, 60],
      ['template', 3, 0.3],
      ['reply', 247, 24.7],
    ]);
  });

  it('shares add up to exactly 100% whatever the sizes, over the context included', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let trial = 0; trial < 500; trial++) {
      const kinds = ['system', 'memory', 'lore', 'lore', 'authorsNote', 'story', 'template'] as const;
      const parts = kinds.map((k) => part(k, Math.floor(random() ** 3 * 40_000)));
      const context = 1 + Math.floor(random() * 131_072);
      const segments = barSegments(parts, context);
      const hundredths = segments.reduce((sum, s) => sum + Math.round(s.share * 100), 0);
      assert.equal(hundredths, 10_000, `trial ${trial}`);
      for (const s of segments) assert.ok(s.share >= 0 && s.share <= 100);
    }
  });
});

describe('context view: messages from the page', () => {
  it('takes ready and copy of a known tab, with no other fields', () => {
    assert.deepEqual(parseContextViewMessage({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseContextViewMessage({ type: 'copy', tab: 'last' }), { type: 'copy', tab: 'last' });
    for (const bad of [undefined, null, [], 'ready', { type: 'ready', extra: 1 }, { type: 'copy' }, { type: 'copy', tab: 'all' }, { type: 'copy', tab: 'next', text: 'x' }, { type: 'setContext' }]) {
      assert.equal(parseContextViewMessage(bad), undefined, JSON.stringify(bad));
    }
  });
});
