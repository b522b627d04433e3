import * as assert from 'assert';
import { MAX_REPLY_ALTERNATIVES } from '../../src/core/chat/replyAlternatives';
import { MAX_TEXT_CHARS, parseWebviewMessage } from '../../src/core/protocol/chatProtocol';

describe('chat protocol: messages from the webview', () => {
  const valid: unknown[] = [
    { type: 'ready' },
    { type: 'send', requestId: 'r1', text: 'What would she say here?' },
    { type: 'send', requestId: 'r1', text: '', passage: { text: 'She left.', source: 'ch1.md, line 3' } },
    { type: 'stop', requestId: 'r1' },
    { type: 'regenerate', requestId: 'r2', messageId: 'm1' },
    { type: 'editResend', requestId: 'r3', messageId: 'm1', text: 'Darker, please.' },
    { type: 'errorAction', requestId: 'r4', messageId: 'm1', action: 'retry' },
    { type: 'errorAction', requestId: 'r4', messageId: 'm1', action: 'setApiKey' },
    { type: 'copy', messageId: 'm1' },
    { type: 'applyToEditor', messageId: 'm1', how: 'insert' },
    { type: 'applyToEditor', messageId: 'm1', how: 'replace' },
    { type: 'showAlternative', messageId: 'm1', index: 0 },
    { type: 'showAlternative', messageId: 'm1', index: MAX_REPLY_ALTERNATIVES - 1 },
    { type: 'selectProvider', providerId: 'infermatic' },
    { type: 'selectModel', model: 'anthracite-org/magnum-v4-72b' },
    { type: 'selectPreset', presetId: 'creative' },
    { type: 'setSystemPrompt', text: 'You are terse.' },
    { type: 'setSystemPrompt', text: null },
    { type: 'refreshModels' },
    { type: 'newChat' },
    { type: 'rendered', messages: 200, ms: 42.5 },
  ];
  for (const message of valid) {
    it(`accepts ${JSON.stringify(message).slice(0, 70)}`, () => {
      assert.deepStrictEqual(parseWebviewMessage(message), message);
    });
  }

  const invalid: [string, unknown][] = [
    ['undefined', undefined],
    ['null', null],
    ['a string', 'ready'],
    ['an array', [{ type: 'ready' }]],
    ['no type', { requestId: 'r1' }],
    ['a non-string type', { type: 7 }],
    ['an unknown type', { type: 'runCommand', command: 'workbench.action.terminal.new' }],
    ['a type with a trailing space', { type: 'ready ' }],
    ['an extra field', { type: 'ready', command: 'x' }],
    ['an extra field on send', { type: 'send', requestId: 'r1', text: 'hi', model: 'x' }],
    ['send without text', { type: 'send', requestId: 'r1' }],
    ['send with a numeric text', { type: 'send', requestId: 'r1', text: 42 }],
    ['send with a bad request id', { type: 'send', requestId: '../../etc', text: 'hi' }],
    ['send with an empty request id', { type: 'send', requestId: '', text: 'hi' }],
    ['send with a huge text', { type: 'send', requestId: 'r1', text: 'x'.repeat(MAX_TEXT_CHARS + 1) }],
    ['send with a malformed passage', { type: 'send', requestId: 'r1', text: 'hi', passage: { text: 'x' } }],
    ['send with a passage carrying extra keys', { type: 'send', requestId: 'r1', text: 'hi', passage: { text: 'x', source: 'y', path: '/etc/passwd' } }],
    ['stop without id', { type: 'stop' }],
    ['regenerate without message id', { type: 'regenerate', requestId: 'r1' }],
    ['an unknown error action', { type: 'errorAction', requestId: 'r1', messageId: 'm1', action: 'workbench.action.reloadWindow' }],
    ['applyToEditor with an unknown mode', { type: 'applyToEditor', messageId: 'm1', how: 'overwriteFile' }],
    ['applyToEditor with text instead of an id', { type: 'applyToEditor', messageId: 'm1', how: 'insert', text: 'injected' }],
    ['showAlternative without an index', { type: 'showAlternative', messageId: 'm1' }],
    ['showAlternative with a negative index', { type: 'showAlternative', messageId: 'm1', index: -1 }],
    ['showAlternative past the alternatives a reply keeps', { type: 'showAlternative', messageId: 'm1', index: MAX_REPLY_ALTERNATIVES }],
    ['showAlternative with a fractional index', { type: 'showAlternative', messageId: 'm1', index: 1.5 }],
    ['showAlternative with a string index', { type: 'showAlternative', messageId: 'm1', index: '1' }],
    ['showAlternative with a bad message id', { type: 'showAlternative', messageId: '__proto__ x', index: 1 }],
    ['showAlternative with text to show', { type: 'showAlternative', messageId: 'm1', index: 1, text: 'injected' }],
    ['an empty provider id', { type: 'selectProvider', providerId: '' }],
    ['a blank model', { type: 'selectModel', model: '   ' }],
    ['a preset id with spaces', { type: 'selectPreset', presetId: 'my preset' }],
    ['a numeric system prompt', { type: 'setSystemPrompt', text: 3 }],
    ['rendered with a negative time', { type: 'rendered', messages: 3, ms: -1 }],
    ['rendered with NaN', { type: 'rendered', messages: 3, ms: Number.NaN }],
  ];
  for (const [what, message] of invalid) {
    it(`rejects ${what}`, () => {
      assert.strictEqual(parseWebviewMessage(message), undefined);
    });
  }

  it('returns a fresh object, not the one the webview sent', () => {
    const raw = Object.assign(Object.create({ inherited: true }) as object, { type: 'copy', messageId: 'm1' });
    const parsed = parseWebviewMessage(raw);
    assert.notStrictEqual(parsed, raw);
    assert.strictEqual(Object.getPrototypeOf(parsed), Object.prototype);
  });

  it('trims the model id it passes on', () => {
    assert.deepStrictEqual(parseWebviewMessage({ type: 'selectModel', model: ' m ' }), { type: 'selectModel', model: 'm' });
  });
});
