// providerClient's requests and their answers: JSON in and out, a redacted log line, error statuses and bodies
// (read within bounds, the key redacted), a 2xx that is not JSON, redirects, and URLs refused before sending.
import * as assert from 'node:assert/strict';
import { openStream, sendJson } from '../../src/core/http/providerClient';
import { PROBE_PATH, probe } from './fixtures/httpLoopback';
import { loopbacksClosedAfterEach } from './fixtures/loopbacksPerTest';
import { KEY, auth, rejection } from './fixtures/providerClientCalls';

describe('http: providerClient', () => {
  const serve = loopbacksClosedAfterEach();

  it('sendJson: posts JSON, parses JSON, logs one redacted line without headers', async () => {
    const s = await serve((_req, res, seen) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ echo: JSON.parse(seen.body) }));
    });
    const log: string[] = [];
    const r = await sendJson<{ echo: unknown }>({
      url: `${s.url}/v1/thing?key=${KEY}`,
      headers: auth,
      body: { a: 'é' },
      log: (l) => log.push(l),
      secrets: [KEY],
    });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.echo, { a: 'é' });
    assert.equal(s.requests[0]?.method, 'POST');
    assert.equal(s.requests[0]?.headers['content-type'], 'application/json');
    assert.equal(s.requests[0]?.headers.authorization, `Bearer ${KEY}`);
    assert.match(log[0] ?? '', new RegExp(`^POST ${s.url.replace(/[.]/g, '\\.')}/v1/thing → 200 \\(\\d+ ms\\)$`));
    assert.ok(!log.join('\n').includes(KEY));
    assert.ok(!log.join('\n').toLowerCase().includes('authorization'));
  });

  it('sendJson: GET without a body', async () => {
    const s = await serve((_req, res) => res.end('{"data":[]}'));
    const r = await sendJson({ url: `${s.url}/v1/models` });
    assert.equal(s.requests[0]?.method, 'GET');
    assert.deepEqual(r.json, { data: [] });
  });

  it('a 401 becomes an auth ProviderError with the provider text, the key redacted everywhere', async () => {
    const s = await serve((_req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `Authentication Error, Invalid proxy server token passed. Key=${KEY}`, type: 'auth_error', param: 'None', code: '401' } }));
    });
    const log: string[] = [];
    const e = await rejection(sendJson({ url: `${s.url}/v1/models`, headers: auth, log: (l) => log.push(l), secrets: [KEY] }));
    assert.equal(e.kind, 'auth');
    assert.match(e.providerMessage, /Invalid proxy server token/);
    for (const text of [e.message, e.providerMessage, e.userMessage, String(e), e.stack ?? '', ...log]) assert.ok(!text.includes(KEY), text);
  });

  it('reads at most maxErrorBodyBytes of an error body', async () => {
    const s = await serve((_req, res) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.write('x'.repeat(10_000));
      // never ends: the client must stop on its own
    });
    const e = await rejection(sendJson({ url: s.url, maxErrorBodyBytes: 1000 }));
    assert.equal(e.kind, 'server');
    assert.ok(e.providerMessage.length <= 500);
    await s.closed(1);
  });

  it('an error status whose body stalls is still reported by its status', async () => {
    const s = await serve((_req, res) => {
      res.writeHead(503, { 'retry-after': '3' });
      res.write('Service Unav'); // then silence
    });
    const e = await rejection(sendJson({ url: s.url, timeouts: { idleMs: 50 } }));
    assert.equal(e.kind, 'server');
    assert.equal(e.status, 503);
    assert.equal(e.retryAfterMs, 3_000);
    await s.closed(1);
  });

  it('a 2xx that is not JSON is reported, not thrown raw', async () => {
    const s = await serve((_req, res) => res.end('<html>hi</html>'));
    const e = await rejection(sendJson({ url: s.url }));
    assert.equal(e.kind, 'server');
    assert.match(e.message, /not JSON/);
  });

  it('a 307 is a redirect error; the key never reaches the target', async () => {
    const target = await serve((_req, res) => res.end('{}'));
    const origin = await serve((_req, res) => {
      res.writeHead(307, { location: `${target.url}/v1/completions?token=abc` });
      res.end();
    });
    const e = await rejection(openStream({ url: `${origin.url}/v1/completions`, headers: auth, body: { stream: true }, secrets: [KEY] }));
    assert.equal(e.kind, 'redirect');
    assert.equal(e.status, 307);
    assert.equal(e.location, `${target.url}/v1/completions`);
    assert.equal(e.retryable, false);
    await probe(target);
    assert.deepEqual(target.requests.map((r) => r.url), [PROBE_PATH]);
    assert.equal(origin.requests.length, 1);
  });

  it('bad URLs are refused before any connection', async () => {
    assert.equal((await rejection(sendJson({ url: 'not a url' }))).kind, 'network');
    assert.match((await rejection(sendJson({ url: 'ftp://example.com/' }))).message, /scheme/);
  });
});
