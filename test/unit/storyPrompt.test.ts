import * as assert from 'node:assert/strict';
import { compileLore } from '../../src/core/story/loreActivation';
import { loreEntry } from '../../src/core/story/loreEntry';
import { fitPrompt } from '../../src/core/continuation/promptWindow';
import { NO_STORY, PromptRequest, StoryMaterial, buildStoryPrompt, insertAtDepth } from '../../src/core/story/storyPrompt';

/** One token a word: enough to see budgets move, and independent of any tokenizer. */
const words = async (text: string) => text.split(/\s+/).filter(Boolean).length;

const options = { loreShare: 0.25, scanTokens: 1000, recursionRounds: 3, authorsNoteDepth: 2, partSeparator: '\n\n', storySeparator: '\n***\n' };
const story = ['Rain on Harrow Street.', 'Wren lit the lamps one by one.', 'The brass key was cold in her pocket.', 'She'].join('\n\n');
const request = (over: Partial<PromptRequest> = {}): PromptRequest => ({
  mode: 'completion',
  passage: story,
  overflow: 'trimStart',
  systemPrompt: 'Continue the story.',
  contextSize: 1000,
  maxTokens: 100,
  count: words,
  story: NO_STORY,
  options,
  ...over,
});
const material = (over: Partial<StoryMaterial> = {}): StoryMaterial => ({
  memory: 'A gaslight mystery. Wren is seventeen.',
  authorsNote: '[Style: slow, sensory.]',
  lore: compileLore([
    loreEntry('wren', { keys: ['Wren'], content: 'Wren: the lamplighter’s daughter.' }),
    loreEntry('key', { keys: ['brass key'], content: 'The brass key opens the cellar.', position: 'afterMemory' }),
    loreEntry('ash', { keys: ['Ash'], content: 'Ash: never appears here.' }),
  ]),
  ...over,
});

describe('story prompt assembly', () => {
  it('with no story folder the prompt is the passage, exactly as before', async () => {
    const p = await buildStoryPrompt(request());
    assert.ok(p.fits);
    assert.equal(p.prompt, story);
  });

  it('completion mode: memory, after-memory lore, before-story lore, separator, story with the note two lines from the end', async () => {
    const p = await buildStoryPrompt(request({ story: material() }));
    assert.ok(p.fits);
    assert.equal(
      p.prompt,
      [
        'A gaslight mystery. Wren is seventeen.\n\nThe brass key opens the cellar.\n\nWren: the lamplighter’s daughter.',
        '\n***\n',
        'Rain on Harrow Street.\n\nWren lit the lamps one by one.\n\n[Style: slow, sensory.]\n\nThe brass key was cold in her pocket.\n\nShe',
      ].join(''),
    );
    assert.deepEqual(p.lore.map((v) => [v.entry.id, v.active]), [['wren', true], ['key', true], ['ash', false]]);
    assert.equal(p.tokens, await words(p.prompt));
    assert.equal(p.parts.reduce((s, part) => s + part.tokens, 0), p.tokens);
  });

  it('chat mode: memory and after-memory lore join the system prompt; the rest goes around the passage', async () => {
    const p = await buildStoryPrompt(request({ mode: 'chat', story: material() }));
    assert.ok(p.fits);
    assert.deepEqual(p.messages, [
      { role: 'system', content: 'Continue the story.\n\nA gaslight mystery. Wren is seventeen.\n\nThe brass key opens the cellar.' },
      {
        role: 'user',
        content: 'Wren: the lamplighter’s daughter.\n\nRain on Harrow Street.\n\nWren lit the lamps one by one.\n\n[Style: slow, sensory.]\n\nThe brass key was cold in her pocket.\n\nShe',
      },
    ]);
  });

  it('depth-placed lore keeps its own distance from the end, next to the note', async () => {
    const lore = compileLore([loreEntry('wren', { keys: ['Wren'], content: 'WREN-NOTE', position: 'atDepth', depth: 1 })]);
    const p = await buildStoryPrompt(request({ story: material({ lore, memory: '' }) }));
    assert.ok(p.fits);
    assert.match(p.prompt, /one\.\n\n\[Style: slow, sensory\.\]\n\nThe brass key was cold in her pocket\.\n\nWREN-NOTE\n\nShe$/);
  });

  it('within a position, a higher order goes later, nearer the story', async () => {
    const lore = compileLore([
      loreEntry('late', { keys: ['Wren'], order: 300, content: 'LATE' }),
      loreEntry('early', { keys: ['Rain'], order: 5, content: 'EARLY' }),
    ]);
    const p = await buildStoryPrompt(request({ story: material({ lore, memory: '', authorsNote: '' }) }));
    assert.ok(p.fits);
    assert.ok(p.prompt.startsWith('EARLY\n\nLATE\n***\n'), p.prompt);
  });

  it('fills the lore budget by order, then nearness to the cursor, and says which were cut', async () => {
    const lore = compileLore([
      loreEntry('low', { keys: ['Rain'], order: 10, content: 'one two three four' }),
      loreEntry('high', { keys: ['Wren'], order: 200, content: 'five six seven eight' }),
      loreEntry('near', { keys: ['brass'], order: 10, content: 'nine ten eleven twelve' }),
      loreEntry('always', { alwaysOn: true, order: 0, content: 'a b' }),
    ]);
    // A share of 0.01 of 1000 tokens is 10: 'always' (2) then 'high' (4), then 'near' (4) beats 'low' on nearness.
    const p = await buildStoryPrompt(request({ story: material({ lore, memory: '', authorsNote: '' }), options: { ...options, loreShare: 0.01 } }));
    assert.ok(p.fits);
    assert.deepEqual(p.lore.map((v) => [v.entry.id, v.active ? 'in' : v.why]), [['low', 'budget'], ['high', 'in'], ['near', 'in'], ['always', 'in']]);
  });

  it('the story is trimmed from its start to fit after memory, note and lore', async () => {
    const p = await buildStoryPrompt(request({ story: material(), contextSize: 137, maxTokens: 100 }));
    assert.ok(p.fits);
    assert.ok(p.trimmedChars > 0);
    assert.ok(p.tokens <= 37, `${p.tokens}`);
    assert.ok(p.prompt.endsWith('She'));
    assert.ok(p.prompt.startsWith('A gaslight mystery.'), 'memory is never cut');
  });

  it('a long manuscript is cut exactly where fitting the whole of it would cut, counting only its end', async () => {
    const long = Array.from({ length: 3000 }, (_, i) => `Paragraph ${i} has a few words. And a second sentence here.`).join('\n\n');
    let counted = 0;
    const counting = async (text: string) => {
      counted += text.length;
      return words(text);
    };
    const p = await buildStoryPrompt(request({ passage: long, count: counting, contextSize: 900, maxTokens: 100 }));
    const whole = await fitPrompt(long, { contextSize: 900, maxTokens: 100, overhead: 0 }, words, 'trimStart');
    assert.ok(p.fits && whole.fits);
    assert.equal(p.storyText, whole.text);
    assert.equal(p.trimmedChars, whole.trimmedChars);
    assert.ok(counted < long.length, `counted ${counted} characters of a ${long.length}-character manuscript`);
  });

  it('memory and the author’s note that cannot fit are refused, not cut', async () => {
    const p = await buildStoryPrompt(request({ story: material(), contextSize: 105, maxTokens: 100 }));
    assert.deepEqual({ fits: p.fits, what: !p.fits && p.what }, { fits: false, what: 'memory' });
  });

  it('a selection that cannot fit is refused with the numbers', async () => {
    const p = await buildStoryPrompt(request({ overflow: 'refuse', contextSize: 110, maxTokens: 100 }));
    assert.ok(!p.fits);
    assert.equal(p.what, 'story');
    assert.equal(p.tokens, await words(story));
  });

  it('inserts at a depth counted in non-empty lines, single-newline manuscripts too', () => {
    assert.equal(insertAtDepth('a\nb\nc', 'N', 1), 'a\nb\nN\nc');
    assert.equal(insertAtDepth('a\n\nb\n\n\nc', 'N', 2), 'a\n\nN\n\nb\n\n\nc');
    assert.equal(insertAtDepth('a\nb', 'N', 9), 'N\na\nb');
    assert.equal(insertAtDepth('a\nb', 'N', 0), 'a\nb\nN');
    assert.equal(insertAtDepth('a\nb', '', 1), 'a\nb');
  });
});
