/** The capture server: records everything and answers a models list, for tests that nothing reaches it. */
import * as http from 'node:http';
import type { Socket } from 'node:net';
import { listen, readBody } from './httpHelpers';
import { type RecordedRequest, Recorder } from './recorder';
import { DEFAULT_LIFETIME_MS, DEFAULT_MAX_BODY } from './serverOptions';

export interface CaptureServer {
  readonly url: string;
  readonly port: number;
  readonly requests: RecordedRequest[];
  waitForRequest(predicate?: (r: RecordedRequest) => boolean, timeoutMs?: number): Promise<RecordedRequest>;
  reset(): void;
  close(): Promise<void>;
}

/**
 * A server that records every request and answers 200 with a models list. For security tests:
 * nothing (no request, no key) should ever reach it.
 */
export async function startCaptureServer(options: { maxLifetimeMs?: number; port?: number } = {}): Promise<CaptureServer> {
  const recorder = new Recorder(() => 10_000);
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const rec = recorder.add(req, path);
    recorder.track(rec, res, () => closing !== undefined);
    void readBody(req, DEFAULT_MAX_BODY).then(({ text, tooLarge }) => {
      rec.rawBody = text;
      rec.bodyTooLarge = tooLarge;
      try {
        rec.body = text.trim() === '' ? undefined : JSON.parse(text);
      } catch {
        rec.body = undefined;
      }
      const out = JSON.stringify({ object: 'list', data: [{ id: 'capture-model', object: 'model', created: 0, owned_by: 'capture' }] });
      if (res.destroyed) return;
      rec.status = 200;
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(out)) });
      res.end(out);
      recorder.notify();
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const port = await listen(server, options.port ?? 0);
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      clearTimeout(lifetime);
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    });
    return closing;
  };
  const lifetime = setTimeout(() => void close(), options.maxLifetimeMs ?? DEFAULT_LIFETIME_MS);
  lifetime.unref();
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests: recorder.requests,
    waitForRequest: (predicate = () => true, timeoutMs = 5000) => recorder.waitFor(predicate, timeoutMs),
    reset: () => recorder.clear(),
    close,
  };
}
