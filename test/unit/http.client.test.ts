import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { ProviderError } from '../../src/core/errors/providerError';
import { openStream, sendJson } from '../../src/core/http/providerClient';
import { PROBE_PATH, collect, probe, sleep, sseHead, startLoopback, type Loopback } from './fixtures/httpLoopback';

const KEY = 'sk-canary-0123456789';
const auth = { authorization: `Bearer ${KEY}` };

async function rejection(p: Promise<unknown>): Promise<ProviderError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ProviderError, `expected ProviderError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a rejection');
}

describe('http: providerClient', () => {
  const servers: Loopback[] = [];
  const serve = async (h: Parameters<typeof startLoopback>[0]): Promise<Loopback> => {
    const s = await startLoopback(h);
    servers.push(s);
    return s;
  };
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

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

  it('openStream yields the body as it arrives', async () => {
    const s = await serve(async (_req, res) => {
      sseHead(res);
      res.write('data: 1\n\n');
      await sleep(20);
      res.end('data: 2\n\n');
    });
    const r = await openStream({ url: s.url, body: {} });
    assert.equal(r.status, 200);
    assert.equal(s.requests[0]?.headers.accept, 'text/event-stream');
    const text = Buffer.concat((await collect(r.body)).map((c) => Buffer.from(c))).toString();
    assert.equal(text, 'data: 1\n\ndata: 2\n\n');
  });

  it('abort mid-stream drops the connection at once; the body throws aborted', async () => {
    const s = await serve((_req, res) => {
      sseHead(res);
      res.write('data: 1\n\n'); // then nothing, forever
    });
    const controller = new AbortController();
    // No timer of the client's can end this connection while the test runs: only the abort can.
    const r = await openStream({ url: s.url, body: {}, signal: controller.signal, timeouts: { connectMs: 600_000, firstByteMs: 600_000, idleMs: 600_000 } });
    const it = r.body[Symbol.asyncIterator]();
    assert.equal((await it.next()).done, false);
    controller.abort();
    await s.closed(1);
    const e = await rejection(it.next());
    assert.equal(e.kind, 'aborted');
  });

  it('abort before the answer drops the connection and rejects', async () => {
    let arrived!: () => void;
    const atServer = new Promise<void>((resolve) => (arrived = resolve));
    const s = await serve(() => {
      arrived(); // and never answers
    });
    const controller = new AbortController();
    const p = openStream({ url: s.url, body: {}, signal: controller.signal });
    await atServer;
    controller.abort();
    const e = await rejection(p);
    assert.equal(e.kind, 'aborted');
    assert.equal(e.retryable, false);
    await s.closed(1);
  });

  it('an already-aborted signal sends nothing', async () => {
    const s = await serve((_req, res) => res.end());
    const e = await rejection(openStream({ url: s.url, body: {}, signal: AbortSignal.abort() }));
    assert.equal(e.kind, 'aborted');
    await probe(s);
    assert.deepEqual(s.requests.map((r) => r.url), [PROBE_PATH]);
  });

  it('breaking out of the body closes the connection', async () => {
    const s = await serve((_req, res) => {
      sseHead(res);
      const t = setInterval(() => res.write('data: x\n\n'), 5);
      res.on('close', () => clearInterval(t));
    });
    const r = await openStream({ url: s.url, body: {} });
    for await (const _chunk of r.body) break;
    await s.closed(1);
  });

  it('idle timeout is reset by any byte, SSE comments included', async () => {
    const s = await serve(async (_req, res) => {
      sseHead(res);
      res.write('data: first\n\n');
      for (let i = 0; i < 12; i++) {
        await sleep(20);
        res.write(': keep-alive\n\n');
      }
      res.end('data: last\n\n');
    });
    // 240 ms of comments against a 120 ms idle limit: only the comments keep it alive.
    const r = await openStream({ url: s.url, body: {}, timeouts: { idleMs: 120 } });
    const text = Buffer.concat((await collect(r.body)).map((c) => Buffer.from(c))).toString();
    assert.match(text, /data: last/);
  });

  it('idle timeout fires after silence, and drops the connection', async () => {
    const s = await serve((_req, res) => {
      sseHead(res);
      res.write('data: first\n\n');
    });
    const r = await openStream({ url: s.url, body: {}, timeouts: { idleMs: 60 } });
    const it = r.body[Symbol.asyncIterator]();
    await it.next();
    const e = await rejection(it.next());
    assert.equal(e.kind, 'timeout');
    assert.equal(e.retryable, false, 'bytes had arrived');
    // Which timer fired, with its own figure (not how long the test happened to wait).
    assert.match(e.message, /No data for 60 ms/);
    await s.closed(1);
  });

  it('first-byte timeout: headers but no body in time', async () => {
    const s = await serve((_req, res) => sseHead(res));
    const r = await openStream({ url: s.url, body: {}, timeouts: { firstByteMs: 60, idleMs: 10_000 } });
    const e = await rejection(collect(r.body));
    assert.equal(e.kind, 'timeout');
    assert.equal(e.retryable, false, 'a server that accepted the request is not asked again');
    await s.closed(1);
  });

  it('first-byte timeout: no answer at all', async () => {
    const s = await serve(() => {
      /* silent */
    });
    const e = await rejection(openStream({ url: s.url, body: {}, timeouts: { firstByteMs: 60 } }));
    assert.equal(e.kind, 'timeout');
    assert.equal(e.retryable, false, 'a server that accepted the connection is not asked again');
  });

  it('connect timeout: a connection that never gets going (DNS that never answers)', async () => {
    const agent = new http.Agent({ lookup: () => undefined } as http.AgentOptions);
    const e = await rejection(sendJson({ url: 'http://never-answers.invalid/v1/models', agent, timeouts: { connectMs: 60 } }));
    assert.equal(e.kind, 'timeout');
    assert.equal(e.retryable, true);
    assert.match(e.message, /Could not connect within 60 ms/);
  });

  it('connection refused is a retryable network error', async () => {
    const probe = http.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((r) => probe.close(() => r()));
    const e = await rejection(sendJson({ url: `http://127.0.0.1:${port}/v1/models` }));
    assert.equal(e.kind, 'network');
    assert.equal(e.retryable, true);
    assert.match(e.message, /ECONNREFUSED/);
  });

  it('a connection reset mid-body is a network error, not retryable', async () => {
    const s = await serve((req, res) => {
      sseHead(res);
      res.write('data: 1\n\n');
      setTimeout(() => req.socket.destroy(), 20);
    });
    const r = await openStream({ url: s.url, body: {} });
    const e = await rejection(collect(r.body));
    assert.equal(e.kind, 'network');
    assert.equal(e.retryable, false);
  });

  it('bad URLs are refused before any connection', async () => {
    assert.equal((await rejection(sendJson({ url: 'not a url' }))).kind, 'network');
    assert.match((await rejection(sendJson({ url: 'ftp://example.com/' }))).message, /scheme/);
  });

  describe('https', () => {
    let tls: { key: Buffer; cert: Buffer } | undefined;
    before(function () {
      // A throwaway self-signed certificate for 127.0.0.1, made now (nothing secret is committed).
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'inkwell-tls-'));
      try {
        execFileSync(
          'openssl',
          ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', path.join(dir, 'k.pem'),
            '-out', path.join(dir, 'c.pem'), '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1'],
          { stdio: 'ignore' },
        );
        tls = { key: fs.readFileSync(path.join(dir, 'k.pem')), cert: fs.readFileSync(path.join(dir, 'c.pem')) };
      } catch {
        this.skip(); // no openssl here
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    async function serveTls(handler: http.RequestListener): Promise<{ url: string; close: () => Promise<void> }> {
      const server = https.createServer({ key: tls!.key, cert: tls!.cert }, handler);
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const { port } = server.address() as AddressInfo;
      return {
        url: `https://127.0.0.1:${port}`,
        close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
      };
    }

    it('streams over TLS; the connect timeout ends at the handshake, not at the answer', async () => {
      const s = await serveTls((req, res) => {
        req.resume();
        setTimeout(() => {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          res.end('data: tls\n\n');
        }, 150);
      });
      try {
        const agent = new https.Agent({ ca: tls!.cert });
        const r = await openStream({ url: `${s.url}/v1/completions`, body: {}, agent, timeouts: { connectMs: 100 } });
        const text = Buffer.concat((await collect(r.body)).map((c) => Buffer.from(c))).toString();
        assert.equal(text, 'data: tls\n\n');
      } finally {
        await s.close();
      }
    });

    it('an untrusted certificate is a network error that is not retried', async () => {
      const s = await serveTls((_req, res) => res.end('{}'));
      try {
        const e = await rejection(sendJson({ url: s.url, headers: auth, secrets: [KEY] }));
        assert.equal(e.kind, 'network');
        assert.equal(e.retryable, false);
        assert.match(e.nextStep, /certificate/);
      } finally {
        await s.close();
      }
    });
  });
});
