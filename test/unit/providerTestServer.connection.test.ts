// Faults and controls around the connection: a redirect to a capture server, a dropped connection, the body cap,
// unknown routes, the cross-process control endpoint, closing and the lifetime limit, and a plain node:http client.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import { type CaptureServer, type ProviderTestServer, startCaptureServer, startProviderTestServer } from '../server/providerTestServer';
import { chat, describeProviderTestServer, get, json, KEY, post } from './providerTestServerClient';

describeProviderTestServer('faults', () => {
  let server: ProviderTestServer;
  let capture: CaptureServer | undefined;
  afterEach(async () => {
    await server?.close();
    await capture?.close();
    capture = undefined;
  });

  it('redirect: 307 to another port; the target sees nothing when the client does not follow', async () => {
    capture = await startCaptureServer();
    server = await startProviderTestServer({ scenario: { redirect: { location: capture.url } } });
    const r = await post(server, '/v1/chat/completions', chat('m'));
    assert.equal(r.status, 307);
    assert.equal(r.headers.get('location'), `${capture.url}/v1/chat/completions`);
    assert.equal(capture.requests.length, 0);
    // The capture server itself records whatever reaches it.
    await get(capture, '/v1/models', 'canary');
    assert.equal(capture.requests[0]?.authorization, 'Bearer canary');
  });

  it('drop connection; body cap; unknown route', async () => {
    server = await startProviderTestServer({ maxBodyBytes: 1000, scenario: { dropConnection: true, times: 1 } });
    await assert.rejects(post(server, '/v1/chat/completions', chat('m')));
    const big = await post(server, '/v1/chat/completions', { ...chat('m'), pad: 'x'.repeat(5000) });
    assert.equal(big.status, 413);
    assert.equal((await post(server, '/v1/nothing', {})).status, 404);
  });

  it('control endpoint: scenario, requests, reset, config (cross-process)', async () => {
    server = await startProviderTestServer();
    const ctl = (op: string, body: unknown): Promise<Response> => fetch(`${server.url}/__control/${op}`, { method: 'POST', body: JSON.stringify(body) });
    assert.equal((await ctl('scenario', { error: { kind: 'rateLimit', retryAfterSeconds: 2 }, times: 1 })).status, 200);
    const r = await post(server, '/v1/chat/completions', chat('m'));
    assert.equal(r.status, 429);
    assert.equal(r.headers.get('retry-after'), '2');
    const recs = await json(fetch(`${server.url}/__control/requests`));
    assert.equal(recs.length, 1, 'control requests are not recorded');
    assert.equal(recs[0].status, 429);
    await ctl('config', { apiKeys: ['other'] });
    assert.equal((await post(server, '/v1/chat/completions', chat('m'))).status, 401);
    await ctl('reset', null);
    assert.equal(server.requests.length, 0);
  });

  it('close() destroys open streams; maxLifetimeMs stops the server by itself', async () => {
    server = await startProviderTestServer({ scenario: { stall: { afterTokens: 0 } } });
    const r = await post(server, '/v1/chat/completions', chat('m'));
    const reading = r.text();
    await server.waitForRequest((x) => x.status === 200);
    // The stream stalls for ever: close() returns only because it destroyed it.
    await server.close();
    await assert.rejects(reading);

    server = await startProviderTestServer({ maxLifetimeMs: 80 });
    const url = server.url;
    await server.closed;
    await assert.rejects(fetch(`${url}/v1/models`));
  });

  it('works with a plain node:http client (non-stream chat)', async () => {
    server = await startProviderTestServer({ flavor: 'llamacpp' });
    const body = JSON.stringify({ messages: [{ role: 'user', content: 'hi' }], max_tokens: 2 });
    const text = await new Promise<string>((resolve, reject) => {
      const req = http.request(`${server.url}/v1/chat/completions`, { method: 'POST', headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/json' } }, (res) => {
        let s = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => { s += d; });
        res.on('end', () => resolve(s));
      });
      req.on('error', reject);
      req.end(body);
    });
    const j = JSON.parse(text);
    assert.equal(j.choices[0].finish_reason, 'length');
    assert.ok(j.timings);
  });
});
