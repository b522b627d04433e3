// What a request adds to ask for probabilities, and the verdict on what came back.

import * as assert from 'node:assert/strict';
import { clampTopLogprobs, judgeLogprobs, logprobsFields, refusesLogprobs } from '../../src/core/logprobs/logprobsRequest';
import { vllmLogprobsLimitMessage } from '../server/providerTestServer';

describe('logprobs: the request side', () => {
  it('completion routes take logprobs: k, chat routes logprobs: true and top_logprobs: k, k in 1–20', () => {
    assert.deepEqual(logprobsFields('completion', 5), { logprobs: 5 });
    assert.deepEqual(logprobsFields('chat', 5), { logprobs: true, top_logprobs: 5 });
    assert.deepEqual(logprobsFields('completion', 50), { logprobs: 20 });
    assert.deepEqual(logprobsFields('chat', 0), { logprobs: true, top_logprobs: 1 });
    assert.deepEqual([clampTopLogprobs(3.6), clampTopLogprobs(-4), clampTopLogprobs(Number.NaN), clampTopLogprobs(Infinity)], [4, 1, 1, 1]);
  });

  it('a 400 or 422 that names the parameter is a refusal; other failures are not', () => {
    assert.equal(refusesLogprobs(400, vllmLogprobsLimitMessage(21)), true);
    assert.equal(refusesLogprobs(400, 'litellm.BadRequestError: logprobs is not supported for this model'), true);
    assert.equal(refusesLogprobs(422, "Field 'top_logprobs': extra fields not permitted"), true);
    assert.equal(refusesLogprobs(400, 'n_probs must be positive'), true);
    assert.equal(refusesLogprobs(400, "This model's maximum context length is 8192 tokens"), false);
    assert.equal(refusesLogprobs(500, 'logprobs crashed the worker'), false, 'a server error is not an answer about the parameter');
    assert.equal(refusesLogprobs(400, 'mylogprobsfield'), false);
  });

  it('given beats everything; ignored needs text; refused needs the error; else undecided', () => {
    assert.equal(judgeLogprobs({ sawLogprobs: true, sawText: true }), 'given');
    assert.equal(judgeLogprobs({ sawLogprobs: false, sawText: true }), 'ignored');
    assert.equal(judgeLogprobs({ sawLogprobs: false, sawText: false, errorStatus: 400, errorMessage: 'top_logprobs must be <= 20' }), 'refused');
    assert.equal(judgeLogprobs({ sawLogprobs: false, sawText: false, errorStatus: 429, errorMessage: 'slow down' }), 'undecided');
    assert.equal(judgeLogprobs({ sawLogprobs: false, sawText: false }), 'undecided');
  });
});
