import * as assert from 'assert';
import { familyForModel, knownContextLength, resolveContextSize } from '../../src/core/tokens/modelFamilies';
import { describeCount, formatContextShort, formatTokenStatus } from '../../src/core/tokens/format';
import { parseServerCount, serverCountRequest } from '../../src/core/tokens/serverCount';

describe('tokens: model families and context sizes', () => {
  const cases: Array<[string, string]> = [
    ['Sao10K-L3.3-70B-Euryale-v2.3-FP8-Dynamic', 'llama3'],
    ['Sao10K/L3.1-70B-Euryale-v2.2', 'llama3'],
    ['L3-70B-Euryale-v2.1', 'llama3'],
    ['Steelskull/L3.3-MS-Astoria-70b', 'llama3'],
    ['TheDrummer-Anubis-70B-v1-FP8-Dynamic', 'llama3'],
    ['anthracite-org/magnum-v4-72b', 'qwen2'],
    ['Sao10K-72B-Qwen2.5-Kunou-v1-FP8-Dynamic', 'qwen2'],
    ['Qwen/Qwen2.5-72B-Instruct', 'qwen2'],
    ['Midnight-Miqu-70B-v1.5', 'llama2'],
    ['Gryphe/MythoMax-L2-13b', 'llama2'],
    ['TheDrummer-Rocinante-12B-v1.1', 'mistral-nemo'],
    ['TheDrummer/UnslopNemo-12B-v4.1', 'mistral-nemo'],
    ['mistralai/Mistral-Nemo-Instruct-2407', 'mistral-nemo'],
    ['anthracite-org/magnum-v4-12b', 'mistral-nemo'],
    ['anthracite-org/magnum-v4-123b', 'unknown'],
    ['gpt-4o', 'unknown'],
  ];
  for (const [model, family] of cases) {
    it(`${model} → ${family}`, () => assert.strictEqual(familyForModel(model), family));
  }

  it('the setting overrides the name; "auto" does not', () => {
    assert.strictEqual(familyForModel('gpt-4o', 'llama3'), 'llama3');
    assert.strictEqual(familyForModel('Midnight-Miqu-70B-v1.5', 'auto'), 'llama2');
    assert.strictEqual(familyForModel('Midnight-Miqu-70B-v1.5', 'bogus'), 'llama2');
  });

  it('known context sizes', () => {
    assert.strictEqual(knownContextLength('anthracite-org/magnum-v4-72b'), 32768);
    assert.strictEqual(knownContextLength('Sao10K-L3.3-70B-Euryale-v2.3-FP8-Dynamic'), 131072);
    assert.strictEqual(knownContextLength('L3-70B-Euryale-v2.1'), 8192);
    assert.strictEqual(knownContextLength('Midnight-Miqu-70B-v1.5'), 32764);
    assert.strictEqual(knownContextLength('TheDrummer-Rocinante-12B-v1.1'), 131072);
    assert.strictEqual(knownContextLength('some-new-model'), undefined);
  });

  it('provider beats setting beats table beats fallback', () => {
    assert.deepStrictEqual(resolveContextSize({ model: 'anthracite-org/magnum-v4-72b', fromProvider: 16384, setting: 4096 }), { tokens: 16384, source: 'provider' });
    // The setting overrides Inkwell's table (the inkwell.contextSize description says so).
    assert.deepStrictEqual(resolveContextSize({ model: 'anthracite-org/magnum-v4-72b', setting: 4096 }), { tokens: 4096, source: 'setting' });
    assert.deepStrictEqual(resolveContextSize({ model: 'anthracite-org/magnum-v4-72b', fallback: 8192 }), { tokens: 32768, source: 'table' });
    assert.deepStrictEqual(resolveContextSize({ model: 'x', setting: 4096 }), { tokens: 4096, source: 'setting' });
    assert.deepStrictEqual(resolveContextSize({ model: 'x', fallback: 8192 }), { tokens: 8192, source: 'default' });
    assert.strictEqual(resolveContextSize({ model: 'x', fromProvider: 0 }), undefined);
  });
});

describe('tokens: status text', () => {
  it('formats like the issue says', () => {
    assert.strictEqual(formatTokenStatus({ count: 1234, exact: true }, 32768), '1,234 tokens · 4% of 32k');
    assert.strictEqual(formatTokenStatus({ count: 1234, exact: false }, 32768), '≈1,234 tokens · 4% of 32k');
    assert.strictEqual(formatTokenStatus({ count: 1, exact: true }), '1 token');
    assert.strictEqual(formatTokenStatus({ count: 100, exact: true }, 131072), '100 tokens · <1% of 128k');
    assert.strictEqual(formatTokenStatus({ count: 0, exact: true }, 8192), '0 tokens · 0% of 8k');
    assert.strictEqual(formatTokenStatus({ count: 40000, exact: true }, 32764), '40,000 tokens · 122% of 32k');
  });

  it('short context sizes', () => {
    assert.deepStrictEqual([32768, 131072, 32764, 8192, 4096, 200000, 1048576, 512].map(formatContextShort), ['32k', '128k', '32k', '8k', '4k', '200k', '1M', '512']);
  });

  it('tooltips say where the count came from', () => {
    assert.match(describeCount({ count: 1, exact: true, source: 'local', tokenizer: 'Llama 3 BPE' }), /exactly with the Llama 3 BPE/);
    assert.match(describeCount({ count: 1, exact: false, source: 'estimate', tokenizer: 'estimate' }, { tokens: 8192, source: 'table' }), /Estimated[\s\S]*8,192 tokens \(table\)/);
  });
});

describe('tokens: server count routes', () => {
  it('builds the requests the servers expect', () => {
    assert.deepStrictEqual(serverCountRequest('vllm-tokenize', 'm', 'hi'), { path: '/tokenize', body: { model: 'm', prompt: 'hi', add_special_tokens: false } });
    assert.deepStrictEqual(serverCountRequest('llamacpp-tokenize', 'm', 'hi'), { path: '/tokenize', body: { content: 'hi', add_special: false } });
    assert.deepStrictEqual(serverCountRequest('litellm-token-counter', 'm', 'hi'), { path: '/utils/token_counter', body: { model: 'm', prompt: 'hi' } });
    assert.strictEqual(serverCountRequest('none', 'm', 'hi'), undefined);
  });

  it('reads vLLM, llama.cpp and litellm answers', () => {
    assert.deepStrictEqual(parseServerCount('vllm-tokenize', { count: 5, max_model_len: 32768, tokens: [1, 2, 3, 4, 5] }), {
      count: 5,
      exact: true,
      tokenizer: 'server tokenizer',
      contextLength: 32768,
    });
    assert.strictEqual(parseServerCount('vllm-tokenize', { tokens: [1, 2] }).count, 2);
    assert.deepStrictEqual(parseServerCount('llamacpp-tokenize', { tokens: [1, 2, 3] }), { count: 3, exact: true, tokenizer: 'server tokenizer' });
    const hf = parseServerCount('litellm-token-counter', { total_tokens: 22, request_model: 'x', model_used: 'Infermatic/x', tokenizer_type: 'huggingface_tokenizer' });
    assert.deepStrictEqual(hf, { count: 22, exact: true, tokenizer: 'server tokenizer' });
    const oa = parseServerCount('litellm-token-counter', { total_tokens: 20, tokenizer_type: 'openai_tokenizer' });
    assert.deepStrictEqual(oa, { count: 20, exact: false, tokenizer: 'server (openai_tokenizer)' });
    assert.throws(() => parseServerCount('vllm-tokenize', { error: 'x' }), /no count/);
    assert.throws(() => parseServerCount('litellm-token-counter', null), /total_tokens/);
  });
});
