// Redaction happens where an error is made: an error returned from a command, kept in a transcript
// or logged by a future caller carries no key, whatever path shows it. Each case is a server that
// echoes the key back in a body Inkwell turns into an error.
import * as assert from 'node:assert/strict';
import { ProviderError } from '../../src/core/errors/providerError';
import { sendJson } from '../../src/core/http/providerClient';
import { streamCompletion } from '../../src/core/http/streamCompletion';
import type { StreamPiece } from '../../src/core/stream/completionStream';
import { collect, startLoopback, type Loopback } from './fixtures/httpLoopback';

const KEY = 'sk-canary-echoed-5566778899';

/** Every string an error holds, as a caller could reach it. */
function everyText(error: ProviderError): string {
  return JSON.stringify({ ...error, message: error.message, userMessage: error.userMessage, string: String(error) });
}

describe('errors: redacted where they are made', () => {
  const servers: Loopback[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  const serve = async (contentType: string, body: string): Promise<Loopback> => {
    const s = await startLoopback((_req, res) => {
      res.writeHead(200, { 'content-type': contentType });
      res.end(body);
    });
    servers.push(s);
    return s;
  };

  it('in the constructor: message, provider message, code, location and next step', () => {
    const error = new ProviderError({
      kind: 'server',
      message: `bad ${KEY}`,
      providerMessage: `echo ${KEY}`,
      providerCode: KEY,
      location: `https://x.test/?k=${KEY}`,
      nextStep: `use ${KEY}`,
      secrets: [KEY],
    });
    assert.ok(!everyText(error).includes(KEY), everyText(error));
    assert.match(error.message, /\[redacted\]/);
  });

  it('a 200 HTML page that is not JSON, from sendJson', async () => {
    const s = await serve('text/html', `<html><body>Your key ${KEY} is invalid</body></html>`);
    const error = await sendJson({ url: `${s.url}/v1/models`, secrets: [KEY] }).then(
      () => assert.fail('expected a rejection'),
      (e: unknown) => e as ProviderError,
    );
    assert.ok(error instanceof ProviderError);
    assert.match(error.message, /not JSON/);
    assert.ok(!everyText(error).includes(KEY), everyText(error));
  });

  for (const [what, contentType, body] of [
    ['an HTML page', 'text/html', `<p>login wall for ${KEY}</p>`],
    ['a JSON string', 'application/json', JSON.stringify(`key ${KEY} rejected`)],
    ['a JSON array', 'application/json', JSON.stringify([{ error: { message: `bad key ${KEY}` } }])],
  ] as const) {
    it(`${what} where a stream was expected`, async () => {
      const s = await serve(contentType, body);
      const pieces: StreamPiece[] = await collect(
        streamCompletion({ url: `${s.url}/v1/completions`, body: { stream: true }, mode: 'completion' }, { secrets: [KEY], retry: { maxRetries: 0 } }),
      );
      const errors = pieces.flatMap((p) => (p.kind === 'error' ? [p.error] : []));
      assert.equal(errors.length, 1, JSON.stringify(pieces));
      assert.ok(!everyText(errors[0]).includes(KEY), everyText(errors[0]));
    });
  }
});
