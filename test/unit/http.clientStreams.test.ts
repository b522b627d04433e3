// providerClient's openStream body: yielded as it arrives, and the connection dropped at once on an abort (before
// the answer, during it, or already given) or when the consumer stops reading.
import * as assert from 'node:assert/strict';
import { openStream } from '../../src/core/http/providerClient';
import { PROBE_PATH, collect, probe, sleep, sseHead } from './fixtures/httpLoopback';
import { loopbacksClosedAfterEach } from './fixtures/loopbacksPerTest';
import { rejection } from './fixtures/providerClientCalls';

describe('http: providerClient', () => {
  const serve = loopbacksClosedAfterEach();

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
});
