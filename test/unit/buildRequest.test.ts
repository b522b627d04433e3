import * as assert from 'node:assert/strict';
import { builtInProviders, customProviders, DEFAULT_AIMLAPI_BASE_URL, DEFAULT_INFERMATIC_BASE_URL } from '../../src/core/providers/providerCatalog';
import { apiBase, serverRoot, originOf, validateBaseUrl } from '../../src/core/providers/providerProfile';
import {
  buildChatRequest,
  buildCompletionRequest,
  chooseMode,
  foldSystemPrompt,
  samplingBody,
} from '../../src/core/requests/buildRequest';
import { SamplingSettings } from '../../src/core/providers/samplingParams';

const [infermatic, aimlapi] = builtInProviders({ infermatic: DEFAULT_INFERMATIC_BASE_URL, aimlapi: DEFAULT_AIMLAPI_BASE_URL });
const everything: SamplingSettings = {
  temperature: 3,
  top_p: 0.001,
  top_k: 40,
  min_p: 0.0001,
  top_a: 0.2,
  repetition_penalty: 1.1,
  frequency_penalty: 0.3,
  presence_penalty: 0.4,
  seed: 0,
  stop: ['\n\n\n', 'END', '###', '<|im_end|>', 'Chapter'],
  max_tokens: 200,
  min_tokens: 10,
  n: 2,
};

function custom(entry: Record<string, unknown>) {
  const { profiles, problems } = customProviders([entry], new Set(['infermatic', 'aimlapi']));
  assert.deepEqual(problems, []);
  return profiles[0];
}

describe('provider routes', () => {
  it('adds /v1 to a bare base URL and keeps an explicit one', () => {
    assert.equal(apiBase('https://api.totalgpt.ai'), 'https://api.totalgpt.ai/v1');
    assert.equal(apiBase('https://api.aimlapi.com/v1/'), 'https://api.aimlapi.com/v1');
    assert.equal(serverRoot('https://api.aimlapi.com/v1'), 'https://api.aimlapi.com');
    assert.equal(serverRoot('http://127.0.0.1:8080/'), 'http://127.0.0.1:8080');
    assert.equal(originOf('https://api.aimlapi.com/v1'), 'https://api.aimlapi.com');
  });

  it('refuses base URLs that are not http(s) or carry credentials', () => {
    assert.match(validateBaseUrl('api.example.com')!, /not a URL/);
    assert.match(validateBaseUrl('file:///etc/passwd')!, /https:\/\//);
    assert.match(validateBaseUrl('https://user:pw@example.com/v1')!, /API key/);
    assert.equal(validateBaseUrl('http://localhost:5001/v1'), undefined);
  });
});

describe('samplingBody', () => {
  it('sends to Infermatic exactly the vLLM parameters that are set, never top_a', () => {
    const body = samplingBody(infermatic, everything);
    assert.deepEqual(Object.keys(body).sort(), [
      'frequency_penalty', 'max_tokens', 'min_p', 'min_tokens', 'n', 'presence_penalty',
      'repetition_penalty', 'seed', 'stop', 'temperature', 'top_k', 'top_p',
    ]);
    assert.equal(body.temperature, 3);
  });

  it('clamps to AI/ML API ranges, caps stop at 4 and drops min_tokens and n', () => {
    const body = samplingBody(aimlapi, everything);
    assert.equal(body.temperature, 2);
    assert.equal(body.top_p, 0.01);
    assert.equal(body.min_p, 0.001);
    assert.equal(body.seed, 1);
    assert.equal((body.stop as string[]).length, 4);
    assert.equal(body.top_a, 0.2);
    assert.equal('min_tokens' in body, false);
    assert.equal('n' in body, false);
  });

  it('renames repetition_penalty for llama.cpp and never sends top_a there', () => {
    const body = samplingBody(custom({ name: 'Local', baseUrl: 'http://127.0.0.1:8080', kind: 'llamacpp' }), everything);
    assert.equal(body.repeat_penalty, 1.1);
    assert.equal('repetition_penalty' in body, false);
    assert.equal('top_a' in body, false);
  });

  it('omits unset parameters but always sends max_tokens', () => {
    const body = samplingBody(custom({ name: 'Strict', baseUrl: 'http://x', parameters: ['temperature'] }), { max_tokens: 64, top_k: 5 });
    assert.deepEqual(body, { max_tokens: 64 });
  });
});

describe('request bodies', () => {
  it('builds a streamed completion with usage where the provider supports it', () => {
    const r = buildCompletionRequest({ profile: infermatic, model: 'M', sampling: { max_tokens: 10 }, stream: true, prompt: 'Once' });
    assert.equal(r.url, 'https://api.totalgpt.ai/v1/completions');
    assert.deepEqual(r.body, { model: 'M', prompt: 'Once', max_tokens: 10, stream: true, stream_options: { include_usage: true } });
    const a = buildChatRequest({ profile: aimlapi, model: 'anthracite-org/magnum-v4-72b', sampling: { max_tokens: 10 }, stream: true, messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(a.url, 'https://api.aimlapi.com/v1/chat/completions');
    assert.equal('stream_options' in a.body, false);
  });

  it('folds the system prompt up front for models known to reject it', () => {
    const messages = [
      { role: 'system' as const, content: 'Be brief.' },
      { role: 'user' as const, content: 'Continue.' },
    ];
    const folded = buildChatRequest({ profile: infermatic, model: 'Midnight-Miqu-70B-v1.5', sampling: { max_tokens: 5 }, stream: true, messages });
    assert.deepEqual(folded.body.messages, [{ role: 'user', content: 'Be brief.\n\nContinue.' }]);
    const kept = buildChatRequest({ profile: infermatic, model: 'Sao10K-L3.3-70B-Euryale-v2.3-FP8-Dynamic', sampling: { max_tokens: 5 }, stream: true, messages });
    assert.deepEqual(kept.body.messages, messages);
  });

  it('foldSystemPrompt keeps later turns and handles a conversation with no user turn', () => {
    assert.deepEqual(
      foldSystemPrompt([
        { role: 'system', content: 'S' },
        { role: 'user', content: 'a' },
        { role: 'assistant', content: 'b' },
        { role: 'user', content: 'c' },
      ]),
      [
        { role: 'user', content: 'S\n\na' },
        { role: 'assistant', content: 'b' },
        { role: 'user', content: 'c' },
      ],
    );
    assert.deepEqual(foldSystemPrompt([{ role: 'system', content: 'S' }]), [{ role: 'user', content: 'S' }]);
  });

  it('auto mode takes completions where offered, chat otherwise', () => {
    assert.equal(chooseMode(infermatic, 'auto'), 'completion');
    assert.equal(chooseMode(aimlapi, 'auto'), 'chat');
    assert.equal(chooseMode(aimlapi, 'completion'), 'chat');
    assert.equal(chooseMode(infermatic, 'chat'), 'chat');
  });
});

describe('custom providers', () => {
  it('skips and reports bad entries instead of guessing', () => {
    const { profiles, problems } = customProviders(
      [
        { name: 'No URL' },
        { baseUrl: 'http://x' },
        { name: 'Infermatic', id: 'infermatic', baseUrl: 'http://x' },
        { name: 'Good', baseUrl: 'http://127.0.0.1:5001/v1', kind: 'koboldcpp', headers: { 'X-Title': 'Inkwell', Authorization: 'nope', 'bad header': 'x' } },
      ],
      new Set(['infermatic', 'aimlapi']),
    );
    assert.equal(problems.length, 3);
    assert.equal(profiles.length, 1);
    assert.equal(profiles[0].id, 'good');
    assert.deepEqual(profiles[0].extraHeaders, { 'X-Title': 'Inkwell' });
    assert.equal(profiles[0].requiresApiKey, false);
  });

  it('derives the token route from the kind', () => {
    assert.equal(custom({ name: 'v', baseUrl: 'http://x', kind: 'vllm' }).tokenCount, 'vllm-tokenize');
    assert.equal(custom({ name: 'l', baseUrl: 'http://x', kind: 'llamacpp' }).tokenCount, 'llamacpp-tokenize');
    assert.equal(custom({ name: 'o', baseUrl: 'http://x', kind: 'openrouter' }).tokenCount, 'none');
  });
});
