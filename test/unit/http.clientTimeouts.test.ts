// providerClient's timers and network failures: idle and first-byte timeouts, a connect timeout, a refused
// connection and a reset mid-body, each with the kind and retryability the retry policy goes by.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { openStream, sendJson } from '../../src/core/http/providerClient';
import { collect, sleep, sseHead } from './fixtures/httpLoopback';
import { loopbacksClosedAfterEach } from './fixtures/loopbacksPerTest';
import { rejection } from './fixtures/providerClientCalls';

describe('http: providerClient', () => {
  const serve = loopbacksClosedAfterEach();

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
});
