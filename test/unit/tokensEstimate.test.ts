import * as assert from 'assert';
import { estimateTokens } from '../../src/core/tokens/estimate';
import { sharedLocalTokenizer } from './sharedTokenizers';
import { LOCAL_FAMILIES } from '../../src/core/tokens/types';
import { generateProse, wordCount } from '../../bench/tokenCountProse';

describe('tokens: estimate', function () {
  this.timeout(60_000);

  // Seeds other than the ones the weights were fitted on.
  const samples = [generateProse(4000, 101), generateProse(4000, 202), generateProse(1500, 303)];

  it('the samples are a few thousand words of prose', () => {
    assert.ok(wordCount(samples[0]) >= 4000);
  });

  for (const family of LOCAL_FAMILIES) {
    it(`within 15% of the real ${family} count on English prose (family weights and the generic estimate)`, () => {
      const tok = sharedLocalTokenizer(family);
      for (const text of samples) {
        const real = tok.count(text, true);
        for (const est of [estimateTokens(text, family), estimateTokens(text)]) {
          const err = Math.abs(est / real - 1);
          assert.ok(err <= 0.15, `${family}: estimate ${est} vs real ${real} (${(err * 100).toFixed(1)}%)`);
        }
      }
    });
  }

  it('is additive enough per paragraph (within 2% of the whole)', () => {
    const text = samples[0];
    const parts = text.split(/(?<=\n\n)/);
    const sum = parts.reduce((a, p) => a + estimateTokens(p), 0);
    assert.ok(Math.abs(sum / estimateTokens(text) - 1) < 0.02);
  });

  it('small cases', () => {
    assert.strictEqual(estimateTokens(''), 0);
    assert.strictEqual(estimateTokens('Hello'), 1);
    assert.ok(estimateTokens('日本語のテキスト') >= 6);
  });
});
