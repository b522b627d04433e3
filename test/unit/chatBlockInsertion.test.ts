import * as assert from 'node:assert/strict';
import { textForInsertion } from '../../src/core/chat/blockInsertion';

const reply = 'First paragraph.\n\nSecond paragraph.';

describe('chat: inserting a reply at the cursor', () => {
  it('inserts a one-line reply exactly as it is, mid-sentence too', () => {
    assert.equal(textForInsertion('Ashford', { lineBefore: 'The town of ', lineAfter: ' lay still.' }), 'Ashford');
  });

  it('sets a block apart from the heading it is inserted before', () => {
    // Cursor at the start of "# Chapter One", the first line of the file.
    assert.equal(textForInsertion(reply, { lineBefore: '', lineAfter: '# Chapter One' }), `${reply}\n\n`);
  });

  it('adds only the missing line breaks between paragraphs', () => {
    // Cursor on the empty line after a paragraph, before another.
    assert.equal(textForInsertion(reply, { lineBefore: '', lineAfter: '', previousLine: 'End.', nextLine: 'Next.' }), `\n${reply}\n`);
    // Cursor at the end of a paragraph's line.
    assert.equal(textForInsertion(`\n${reply}\n`, { lineBefore: 'End.', lineAfter: '', nextLine: '' }), `\n\n${reply}`);
  });

  it('keeps the document’s line endings', () => {
    assert.equal(textForInsertion(reply, { lineBefore: 'x', lineAfter: '' }, '\r\n'), '\r\n\r\nFirst paragraph.\r\n\r\nSecond paragraph.');
  });
});
