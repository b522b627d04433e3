import * as assert from 'node:assert/strict';
import { ProviderError } from '../../src/core/errors/providerError';
import { errorFromStreamPayload, parseErrorBody, readErrorBody } from '../../src/core/errors/errorBody';
import { parseRetryAfter, retryAfterFromHeaders } from '../../src/core/errors/retryAfter';
import { redactSecrets } from '../../src/core/errors/redact';

const SYSTEM_REJECTED =
  '{"error":{"message":"litellm.APIError: APIError: OpenAIException - Internal Server Error\\nReceived Model Group=Midnight-Miqu-70B-v1.5\\nAvailable Model Group Fallbacks=None","type":null,"param":null,"code":"500"}}';

describe('errors: parseErrorBody', () => {
  it('litellm 401 → auth, provider text kept, Set API Key as next step, not retryable', () => {
    const e = parseErrorBody(
      401,
      '{"error":{"message":"Authentication Error, Invalid proxy server token passed. Received API Key = sk-...abcd","type":"auth_error","param":"None","code":"401"}}',
    );
    assert.equal(e.kind, 'auth');
    assert.equal(e.status, 401);
    assert.match(e.providerMessage, /Invalid proxy server token passed/);
    assert.equal(e.nextStep, 'Run "Inkwell: Set API Key".');
    assert.equal(e.retryable, false);
    assert.equal(e.providerCode, 'auth_error');
    assert.match(e.message, /HTTP 401.*Invalid proxy server token/);
  });

  it('litellm "None" strings and null are treated as absent', () => {
    const info = readErrorBody('{"error":{"message":"bad thing","type":"None","param":"None","code":"None"}}');
    assert.deepEqual(info, { message: 'bad thing' });
  });

  it('old vLLM flat {"object":"error"} shape', () => {
    const e = parseErrorBody(400, '{"object":"error","message":"top_p must be in (0, 1], got 5.0.","type":"BadRequestError","param":null,"code":400}');
    assert.equal(e.kind, 'bad-request');
    assert.equal(e.providerMessage, 'top_p must be in (0, 1], got 5.0.');
    assert.equal(e.providerCode, 'BadRequestError');
  });

  it('AI/ML API {"message","path","requestId","statusCode"} shape, 429 with Retry-After', () => {
    const e = parseErrorBody(
      429,
      '{"message":"Free-tier limit: 10 requests per hour","path":"/v1/chat/completions","requestId":"r-1","statusCode":"429","timestamp":"2025-01-01T00:00:00Z"}',
      { 'Retry-After': '12' },
    );
    assert.equal(e.kind, 'rate-limit');
    assert.equal(e.providerMessage, 'Free-tier limit: 10 requests per hour');
    assert.equal(e.retryAfterMs, 12_000);
    assert.equal(e.retryable, true);
    assert.equal(e.nextStep, 'Wait 12 s and try again.');
  });

  it('context overflow: vLLM wording, with the numbers', () => {
    const e = parseErrorBody(
      400,
      JSON.stringify({
        error: {
          message:
            "This model's maximum context length is 8192 tokens. However, you requested 9064 tokens (9000 in the messages, 64 in the completion). Please reduce the length of the messages or completion.",
          type: 'BadRequestError',
          param: null,
          code: '400',
        },
      }),
    );
    assert.equal(e.kind, 'context-overflow');
    assert.equal(e.contextLength, 8192);
    assert.equal(e.requestedTokens, 9064);
    assert.match(e.nextStep, /Shorten the prompt or lower the maximum tokens/);
    assert.equal(e.retryable, false);
  });

  it('context overflow: newer vLLM wording', () => {
    const e = parseErrorBody(400, '{"object":"error","message":"This model\'s maximum context length is 4096 tokens. However, your request has 5000 input tokens. Please reduce the length of the input messages.","type":"BadRequestError","code":400}');
    assert.equal(e.kind, 'context-overflow');
    assert.equal(e.contextLength, 4096);
    assert.equal(e.requestedTokens, 5000);
  });

  it('context overflow: llama.cpp exceed_context_size_error, with n_ctx fields when present', () => {
    const e = parseErrorBody(
      400,
      '{"error":{"code":400,"message":"the request exceeds the available context size, try increasing it","type":"exceed_context_size_error","n_prompt_tokens":5000,"n_ctx":4096}}',
    );
    assert.equal(e.kind, 'context-overflow');
    assert.equal(e.providerCode, 'exceed_context_size_error');
    assert.equal(e.contextLength, 4096);
    assert.equal(e.requestedTokens, 5000);
    assert.equal(parseErrorBody(400, '{"error":{"code":400,"message":"too big","type":"exceed_context_size_error"}}').kind, 'context-overflow');
    assert.equal(parseErrorBody(500, 'the request exceeds the available context size').kind, 'context-overflow');
  });

  it('system prompt rejection: the litellm 500 body from docs/providers.md, not retryable', () => {
    const e = parseErrorBody(500, SYSTEM_REJECTED);
    assert.equal(e.kind, 'system-prompt-rejected');
    assert.equal(e.retryable, false);
    assert.match(e.providerMessage, /Received Model Group=Midnight-Miqu/);
    assert.equal(parseErrorBody(400, '{"error":{"message":"System role not supported"}}').kind, 'system-prompt-rejected');
    assert.equal(
      parseErrorBody(400, '{"object":"error","message":"Conversation roles must alternate user/assistant/user/assistant/...","code":400}').kind,
      'system-prompt-rejected',
    );
  });

  it('other 500s stay server errors and are retryable', () => {
    const e = parseErrorBody(500, '{"error":{"message":"litellm.APIError: upstream timed out","type":null,"param":null,"code":"500"}}');
    assert.equal(e.kind, 'server');
    assert.equal(e.retryable, true);
    assert.equal(parseErrorBody(503, '').kind, 'server');
    assert.equal(parseErrorBody(502, '').retryable, true);
  });

  it('OpenRouter 402 (no credits) and metadata.raw', () => {
    const e = parseErrorBody(402, '{"error":{"code":402,"message":"Insufficient credits","metadata":{"raw":"add more"}}}');
    assert.equal(e.kind, 'payment');
    assert.equal(e.providerMessage, 'Insufficient credits (add more)');
    assert.match(e.nextStep, /credits/);
    assert.equal(e.retryable, false);
  });

  it('403, 404 and model-not-found', () => {
    assert.equal(parseErrorBody(403, '{"error":{"message":"Forbidden"}}').kind, 'forbidden');
    const wrongPath = parseErrorBody(404, '{"detail":"Not Found"}');
    assert.equal(wrongPath.kind, 'not-found');
    assert.equal(wrongPath.modelMissing, false);
    assert.equal(wrongPath.providerMessage, 'Not Found');
    assert.match(wrongPath.nextStep, /base URL/);
    const noModel = parseErrorBody(404, '{"object":"error","message":"The model `foo` does not exist.","type":"NotFoundError","code":404}');
    assert.equal(noModel.kind, 'not-found');
    assert.equal(noModel.modelMissing, true);
    assert.equal(noModel.nextStep, 'The model is not available. Run "Inkwell: Select Model".');
    const litellmModel = parseErrorBody(
      400,
      '{"error":{"message":"Invalid model name passed in model=foo. Call `/v1/models` to view available models for your key.","type":"invalid_request_error","param":"model","code":"400"}}',
    );
    assert.equal(litellmModel.kind, 'not-found');
    assert.equal(litellmModel.modelMissing, true);
    assert.equal(litellmModel.retryable, false);
  });

  it('408 is a retryable timeout; 400/401/402/403/404 never retryable', () => {
    assert.equal(parseErrorBody(408, '').kind, 'timeout');
    assert.equal(parseErrorBody(408, '').retryable, true);
    for (const s of [400, 401, 402, 403, 404]) assert.equal(parseErrorBody(s, 'x').retryable, false, String(s));
  });

  it('plain text and HTML bodies are trimmed, tag-free and capped', () => {
    assert.equal(parseErrorBody(502, '  Bad Gateway \n').providerMessage, 'Bad Gateway');
    const html = parseErrorBody(
      502,
      '<html><head><title>502 Bad Gateway</title><style>body{}</style></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>',
    );
    assert.equal(html.providerMessage, '502 Bad Gateway');
    const noTitle = parseErrorBody(500, '<html><body><p>Oops &amp; <b>bad</b></p><script>x()</script></body></html>');
    assert.equal(noTitle.providerMessage, 'Oops & bad');
    const long = parseErrorBody(500, 'x'.repeat(10_000));
    assert.ok(long.providerMessage.length <= 500);
    assert.ok(long.providerMessage.endsWith('…'));
    assert.equal(parseErrorBody(500, '{not json').providerMessage, '{not json');
    assert.equal(parseErrorBody(500, '{"error":"plain string error"}').providerMessage, 'plain string error');
  });

  it('an empty body still gives a message with the status', () => {
    const e = parseErrorBody(503, '');
    assert.equal(e.providerMessage, '');
    assert.match(e.message, /HTTP 503/);
  });

  it('redacts secrets the provider echoes back', () => {
    const e = parseErrorBody(401, '{"error":{"message":"Invalid key sk-canary-123 (Bearer sk-canary-123)"}}', {}, ['sk-canary-123']);
    assert.ok(!e.message.includes('sk-canary-123'));
    assert.ok(!e.providerMessage.includes('sk-canary-123'));
    assert.match(e.providerMessage, /\[redacted\]/);
  });

  it("masks the key's tail and hash that litellm's 401 echoes", () => {
    const body = JSON.stringify({
      error: {
        message:
          'Authentication Error, Invalid proxy server token passed. Received API Key = sk-...9f3a, Key Hash (Token) =3b1f0c9e2d7a4b6c8e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d. Unable to find token in cache',
        type: 'auth_error',
        param: 'None',
        code: '401',
      },
    });
    const e = parseErrorBody(401, body);
    assert.ok(!e.message.includes('9f3a'), e.message);
    assert.ok(!/[0-9a-f]{32}/.test(e.message), e.message);
    assert.match(e.providerMessage, /^Authentication Error, Invalid proxy server token passed\. Received API Key = \[redacted\], Key Hash \(Token\) =\[redacted\]\./);
  });
});

describe('errors: stream payloads', () => {
  it('litellm, llama.cpp, OpenRouter, vLLM flat and plain text', () => {
    const litellm = errorFromStreamPayload({ error: { message: 'oops', type: 'None', param: 'None', code: '500' } });
    assert.equal(litellm.kind, 'stream-error');
    assert.equal(litellm.status, 500);
    assert.equal(litellm.retryable, true);
    assert.equal(errorFromStreamPayload({ code: 500, message: 'flat llama', type: 'server_error' }).providerMessage, 'flat llama');
    assert.equal(errorFromStreamPayload({ object: 'error', message: 'vllm', code: 400 }).retryable, false);
    assert.equal(errorFromStreamPayload('plain').providerMessage, 'plain');
    assert.equal(errorFromStreamPayload({ error: { message: 'x', code: 'rate_limit' } }).status, undefined);
    assert.equal(errorFromStreamPayload(JSON.parse(SYSTEM_REJECTED)).kind, 'system-prompt-rejected');
  });
});

describe('errors: Retry-After', () => {
  const now = Date.parse('2025-06-01T12:00:00Z');
  it('seconds, fractional seconds, HTTP dates, past dates, garbage', () => {
    assert.equal(parseRetryAfter('30', now), 30_000);
    assert.equal(parseRetryAfter('1.5', now), 1_500);
    assert.equal(parseRetryAfter('Sun, 01 Jun 2025 12:00:45 GMT', now), 45_000);
    assert.equal(parseRetryAfter('Sun, 01 Jun 2025 11:00:00 GMT', now), 0);
    assert.equal(parseRetryAfter('soon', now), undefined);
  });
  it('headers: any case, arrays, retry-after-ms preferred', () => {
    assert.equal(retryAfterFromHeaders({ 'RETRY-AFTER': ['7'] }, now), 7_000);
    assert.equal(retryAfterFromHeaders({ 'retry-after': '7', 'retry-after-ms': '250' }, now), 250);
    assert.equal(retryAfterFromHeaders({}, now), undefined);
  });
  it('an HTTP date parses through parseErrorBody', () => {
    const e = parseErrorBody(429, '', { 'retry-after': 'Sun, 01 Jun 2025 12:02:00 GMT' }, [], now);
    assert.equal(e.retryAfterMs, 120_000);
    assert.equal(e.nextStep, 'Wait 2 min and try again.');
  });
});

describe('errors: next steps and messages', () => {
  it('no-key, no-model, cut, aborted', () => {
    assert.equal(new ProviderError({ kind: 'no-key' }).nextStep, 'Run "Inkwell: Set API Key".');
    assert.equal(new ProviderError({ kind: 'no-model' }).nextStep, 'Run "Inkwell: Select Model".');
    assert.match(new ProviderError({ kind: 'cut' }).nextStep, /kept/);
    assert.equal(new ProviderError({ kind: 'aborted' }).nextStep, '');
    assert.equal(new ProviderError({ kind: 'aborted' }).userMessage, 'Cancelled');
    const e = new ProviderError({ kind: 'auth', status: 401, providerMessage: 'nope' });
    assert.equal(e.userMessage, 'The provider rejected the API key (HTTP 401): nope Run "Inkwell: Set API Key".');
    assert.ok(e instanceof Error);
    assert.equal(e.name, 'ProviderError');
  });
  it('every kind has a non-empty title and (except aborted) a next step', () => {
    const kinds = [
      'auth', 'payment', 'forbidden', 'not-found', 'rate-limit', 'timeout', 'context-overflow', 'system-prompt-rejected',
      'bad-request', 'server', 'network', 'redirect', 'stream-error', 'cut', 'no-key', 'no-model',
    ] as const;
    for (const kind of kinds) {
      const e = new ProviderError({ kind });
      assert.ok(e.message.length > 3, kind);
      assert.ok(e.nextStep.length > 3, kind);
    }
  });
});

describe('errors: redactSecrets', () => {
  it('replaces every occurrence of each secret', () => {
    assert.equal(redactSecrets('a KEY b KEY c', ['KEY']), 'a [redacted] b [redacted] c');
  });
  it('masks Bearer tokens even when the secret is unknown', () => {
    assert.equal(redactSecrets('Authorization: Bearer sk-abc.def_1 ok', []), 'Authorization: Bearer [redacted] ok');
    assert.equal(redactSecrets('"bearer xyz"', []), '"bearer [redacted]"');
  });
  it('longest secret first; URL-encoded forms; empty secrets ignored; regex characters are literal', () => {
    assert.equal(redactSecrets('abcdef abc', ['abc', 'abcdef']), '[redacted] [redacted]');
    assert.equal(redactSecrets('k=a%2Bb%2Fc', ['a+b/c']), 'k=[redacted]');
    assert.equal(redactSecrets('nothing here', ['']), 'nothing here');
    assert.equal(redactSecrets('x.*y and x.*y', ['x.*y']), '[redacted] and [redacted]');
  });
});
