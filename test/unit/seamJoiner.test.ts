import * as assert from 'node:assert/strict';
import { SeamJoiner } from '../../src/core/continuation/seamJoiner';
import { GenerationMode } from '../../src/core/requests/buildRequest';

/** What the document reads after the continuation, streamed in the given pieces. */
function join(mode: GenerationMode, before: string, pieces: string[], prompt = mode === 'completion' ? before.replace(/[ \t]+$/, '') : before.trim()): string {
  const joiner = new SeamJoiner(mode, before, prompt);
  return before + pieces.map((p) => joiner.push(p)).join('') + joiner.end();
}

describe('SeamJoiner', () => {
  describe('completion mode', () => {
    it('keeps the space the model chose after a word', () => {
      assert.equal(join('completion', 'She ran', [' to', ' the door']), 'She ran to the door');
    });
    it('does not double a space the document already has', () => {
      assert.equal(join('completion', 'She ran ', [' to', ' the door']), 'She ran to the door');
    });
    it('continues mid-word without a space', () => {
      assert.equal(join('completion', 'The drag', ['on', ' roared']), 'The dragon roared');
    });
    it('adds only the missing newline at a paragraph break', () => {
      assert.equal(join('completion', 'End.\n', ['\n', 'Next']), 'End.\n\nNext');
      assert.equal(join('completion', 'End. ', ['\n\n', 'Next']), 'End. \n\nNext');
      assert.equal(join('completion', 'End.\n\n', ['Next']), 'End.\n\nNext');
    });
    it('holds whitespace until the first word, even split across pieces', () => {
      const joiner = new SeamJoiner('completion', 'Hi ', 'Hi');
      assert.equal(joiner.push(' '), '');
      assert.equal(joiner.push(''), '');
      assert.equal(joiner.push('there'), 'there');
      assert.equal(joiner.push(' you'), ' you');
    });
    it('drops a whitespace-only continuation', () => {
      assert.equal(join('completion', 'Hi', [' ', '\n']), 'Hi');
    });
  });

  describe('chat mode', () => {
    it('adds a space between words', () => {
      assert.equal(join('chat', 'She ran', ['to the door.']), 'She ran to the door.');
    });
    it('adds nothing when the document ends in whitespace', () => {
      assert.equal(join('chat', 'She ran. ', ['Then']), 'She ran. Then');
      assert.equal(join('chat', 'She ran.\n\n', ['Then']), 'She ran.\n\nThen');
    });
    it('adds no space before closing punctuation or after an opening quote', () => {
      assert.equal(join('chat', 'She ran', [', panting.']), 'She ran, panting.');
      assert.equal(join('chat', 'He said, "', ['Go.']), 'He said, "Go.');
      assert.equal(join('chat', 'He said, “', ['Go.']), 'He said, “Go.');
    });
    it('keeps a paragraph break the model starts with', () => {
      assert.equal(join('chat', 'The end.', ['\n\nMorning came.']), 'The end.\n\nMorning came.');
    });
  });
});
