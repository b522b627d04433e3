import * as assert from 'assert';
import { SecretRegistry } from '../../src/core/errors/secretRegistry';

describe('secret registry', () => {
  it('masks every remembered key, its URL-encoded form and bearer tokens; ignores strings too short to be keys', () => {
    const registry = new SecretRegistry();
    registry.remember('sk-live/abc+123');
    registry.remember('abc');
    registry.remember(undefined);
    assert.deepStrictEqual(registry.known(), ['sk-live/abc+123']);
    const text = registry.redact('key sk-live/abc+123 in a url sk-live%2Fabc%2B123, header Bearer other-token, abc stays');
    assert.ok(!text.includes('sk-live/abc+123') && !text.includes('sk-live%2Fabc%2B123') && !text.includes('other-token'), text);
    assert.match(text, /abc stays$/);
  });

  it('a key remembered later is masked in text redacted later', () => {
    const registry = new SecretRegistry();
    assert.strictEqual(registry.redact('my key is k-9876'), 'my key is k-9876');
    registry.remember('k-9876');
    assert.strictEqual(registry.redact('my key is k-9876'), 'my key is [redacted]');
  });
});
