import * as assert from 'node:assert/strict';
import { parseLoreFile, serializeLoreFile, splitFrontMatter, sendableText } from '../../src/core/story/loreFile';
import { loreEntry } from '../../src/core/story/loreEntry';

const file = (front: string, body = 'Wren keeps the lamps of Harrow Street.') => `---\n${front}\n---\n\n${body}\n`;

describe('lore files: front matter and body', () => {
  it('reads every rule', () => {
    const { entry, diagnostics } = parseLoreFile(
      'wren',
      file(
        [
          'name: Wren Halloway',
          'keys: [Wren, the lamplighter, "/Hallow(?:a|e)y/i"]',
          'secondaryKeys: lamp',
          'secondaryLogic: notAny',
          'caseSensitive: true',
          'wholeWords: false',
          'alwaysOn: true',
          'enabled: false',
          'order: 250',
          'position: atDepth',
          'depth: 2',
          'scanTokens: 512',
          'recursive: false',
        ].join('\n'),
      ),
    );
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(entry, {
      id: 'wren',
      name: 'Wren Halloway',
      keys: ['Wren', 'the lamplighter', '/Hallow(?:a|e)y/i'],
      secondaryKeys: ['lamp'],
      secondaryLogic: 'notAny',
      caseSensitive: true,
      wholeWords: false,
      alwaysOn: true,
      enabled: false,
      order: 250,
      position: 'atDepth',
      depth: 2,
      scanTokens: 512,
      recursive: false,
      content: 'Wren keeps the lamps of Harrow Street.',
    });
  });

  it('a file without front matter is an entry whose key is its name', () => {
    const { entry } = parseLoreFile('brass-key', 'The brass key opens the chandler’s cellar.');
    assert.deepEqual(entry?.keys, ['brass-key']);
    assert.equal(entry?.content, 'The brass key opens the chandler’s cellar.');
  });

  it('the name is the key when keys are not given', () => {
    assert.deepEqual(parseLoreFile('x', file('name: The Chandler')).entry?.keys, ['The Chandler']);
  });

  it('notes to oneself are not sent; CRLF and a BOM are read', () => {
    const { entry } = parseLoreFile('x', '\uFEFF---\r\nkeys: Wren\r\n---\r\nShe is tall.\r\n<!-- check chapter 3 -->\r\nShe limps.\r\n');
    assert.equal(entry?.content, 'She is tall.\n\nShe limps.');
    assert.equal(sendableText('a <!-- unclosed'), 'a');
  });

  const broken: [string, string, number, RegExp][] = [
    // front matter, what, 0-based line in the file, message
    ['keys: [Wren\nname: x', 'unclosed flow list (found on the next line)', 2, /Front matter/],
    ['kyes: Wren', 'misspelt field', 1, /Unknown field "kyes" — did you mean "keys"\?/],
    ['keys: Wren\ncolour: red', 'unknown field on its own line', 2, /Unknown field "colour"/],
    ['keys: Wren\norder: high', 'wrong type', 2, /"order" must be a whole number/],
    ['keys: Wren\nposition: middle', 'unknown position', 2, /must be one of beforeStory, afterMemory, atDepth/],
    ['keys: ["/(wren/"]', 'broken regular expression', 1, /not a valid regular expression/],
    ['keys: Wren\nkeys: Ash', 'duplicate field', 2, /Front matter/],
    ['- just\n- a list', 'not a map', 1, /must be a list of fields/],
    ['keys: Wren\nenabled:', 'a field with no value', 2, /"enabled" has no value/],
    ['a: &a [1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]', 'an alias bomb', 1, /Front matter|alias/i],
  ];
  for (const [front, what, line, message] of broken) {
    it(`skips the entry with a diagnostic at the line: ${what}`, () => {
      const { entry, diagnostics } = parseLoreFile('x', file(front));
      assert.equal(entry, undefined);
      const errors = diagnostics.filter((d) => d.severity === 'error');
      assert.ok(errors.some((d) => message.test(d.message)), JSON.stringify(diagnostics));
      assert.equal(errors.find((d) => message.test(d.message))!.line, line, JSON.stringify(errors));
    });
  }

  it('a huge file is refused, not parsed', () => {
    const { entry, diagnostics } = parseLoreFile('x', file('keys: Wren', 'word '.repeat(20_000)));
    assert.equal(entry, undefined);
    assert.match(diagnostics[0].message, /lore files up to/);
  });

  it('warns, without skipping, about an entry that can never go in or sends nothing', () => {
    const never = parseLoreFile('x', file('keys: []'));
    assert.ok(never.entry);
    assert.ok(never.diagnostics.some((d) => d.severity === 'warning' && /never goes in/.test(d.message)));
    const empty = parseLoreFile('x', file('keys: Wren', ''));
    assert.ok(empty.diagnostics.some((d) => /no text/.test(d.message)));
  });

  it('writes only what differs from the defaults, and reads back the same entry', () => {
    const entry = loreEntry('ash', { name: 'Ash: the "quiet" one', keys: ['Ash', '/ash(?:es)?/i'], secondaryKeys: ['fire'], secondaryLogic: 'all', order: 5, position: 'atDepth', depth: 1, content: 'Ash never speaks first.\n\n---\n\nShe hums.' });
    const text = serializeLoreFile(entry);
    assert.doesNotMatch(text, /caseSensitive|wholeWords|enabled|recursive/);
    assert.deepEqual(parseLoreFile('ash', text), { entry, diagnostics: [] });
  });

  it('splits front matter only when it is closed', () => {
    assert.equal(splitFrontMatter('---\nkeys: a\nno end').yaml, undefined);
    assert.equal(splitFrontMatter('---\nkeys: a\n...\nbody').body, 'body');
    assert.equal(splitFrontMatter('---\nkeys: a\n---\nbody').bodyLine, 3);
  });
});
