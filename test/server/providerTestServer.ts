/**
 * Provider test server: a loopback HTTP server that speaks the wire formats of Infermatic
 * (litellm in front of vLLM), vLLM, llama.cpp, AI/ML API, OpenRouter and KoboldCpp, quirks
 * included (see docs/providers.md), with scripted faults.
 *
 *   const server = await startProviderTestServer({ flavor: 'litellm' });
 *   // base URL for the client: server.url + '/v1'  (routes match by suffix; any prefix works)
 *   server.setScenario({ error: { kind: 'rateLimit', retryAfterSeconds: 2 }, failTimes: 1 });
 *   ... make requests ...
 *   const r = await server.waitForRequest((r) => r.aborted, 2000);
 *   await server.close();
 *
 * Token counting: whitespace-separated words (see `countTokens` in tokenText.ts); one generated piece
 * is one token. Node built-ins only. Listens on 127.0.0.1 only.
 *
 * This file holds the server's lifecycle and the dispatch of a request (record, scenario, auth, route);
 * what it dispatches to lives in the modules listed in README.md, re-exported here so importers need
 * only this one path.
 */
import * as http from 'node:http';
import type { Socket } from 'node:net';
import { answerControl } from './controlPlane';
import { defaultErrorShape, errorBody } from './errorBodies';
import { bearer, notFound, sendError, unauthorizedBody } from './errorResponses';
import type { Flavor } from './flavor';
import { answerGeneration } from './generation';
import { isObj, listen, readBody, sendJson, sleep } from './httpHelpers';
import { answerInfoRoute } from './infoRoutes';
import { type RecordedRequest, Recorder } from './recorder';
import { isPublic, resolveRoute, routeMethod } from './routes';
import { type ActiveScenario, type Scenario, ScenarioQueue } from './scenario';
import type { ProviderTestServer, RequestContext, ServerRuntime } from './serverContext';
import { firstModel, type ProviderTestServerOptions, type ResolvedOptions, resolveOptions, type ServerConfigPatch } from './serverOptions';
import { MAX_STREAM_TOKENS } from './tokenText';

export * from './wire';
export * from './logprobsWire';
export * from './logprobsRequest';
export { startCaptureServer, type CaptureServer } from './captureServer';
export { messagesText } from './promptText';
export type { RecordedRequest } from './recorder';
export type { ErrorKind, ErrorSpec, Scenario } from './scenario';
export type { ProviderTestServer } from './serverContext';
export {
  DEFAULT_MODELS,
  DEFAULT_SYSTEM_PROMPT_REJECTING_MODELS,
  LLAMACPP_SLOTS,
  type ModelSpec,
  type ProviderTestServerOptions,
  type ServerConfigPatch,
} from './serverOptions';

class ProviderTestServerImpl implements ProviderTestServer, ServerRuntime {
  url = '';
  port = 0;
  opts: ResolvedOptions;
  private readonly recorder: Recorder;
  private readonly http: http.Server;
  private readonly sockets = new Set<Socket>();
  private readonly inflight = new Set<AbortController>();
  private readonly scenarios = new ScenarioQueue();
  private closing: Promise<void> | undefined;
  private lifetime: NodeJS.Timeout | undefined;
  private reqCounter = 0;
  private markClosed: () => void = () => undefined;
  readonly closed: Promise<void> = new Promise<void>((resolve) => { this.markClosed = resolve; });

  constructor(options: ProviderTestServerOptions) {
    this.opts = resolveOptions(options);
    if (options.scenario) this.setScenario(options.scenario);
    this.recorder = new Recorder(() => this.opts.maxRecorded);
    this.http = http.createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent && !res.destroyed) {
          res.writeHead(500, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify({ error: { message: `test server bug: ${String(err)}` } }));
        } else {
          res.destroy();
        }
      });
    });
    this.http.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  get flavor(): Flavor {
    return this.opts.flavor;
  }

  get requests(): RecordedRequest[] {
    return this.recorder.requests;
  }

  async start(port: number): Promise<void> {
    this.port = await listen(this.http, port);
    this.url = `http://127.0.0.1:${this.port}`;
    this.lifetime = setTimeout(() => void this.close(), this.opts.maxLifetimeMs);
    this.lifetime.unref();
  }

  waitForRequest(predicate: (r: RecordedRequest) => boolean = () => true, timeoutMs = 5000): Promise<RecordedRequest> {
    return this.recorder.waitFor(predicate, timeoutMs);
  }

  setScenario(s: Scenario | readonly Scenario[] | null): void {
    this.scenarios.set(s);
  }

  configure(patch: ServerConfigPatch): void {
    const p: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(patch)) if (v !== undefined) p[k] = v;
    this.opts = { ...this.opts, ...(p as ServerConfigPatch) };
    this.opts.maxStreamTokens = Math.min(this.opts.maxStreamTokens, MAX_STREAM_TOKENS);
  }

  reset(): void {
    this.recorder.clear();
    this.scenarios.clear();
  }

  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.closing = new Promise<void>((resolve) => {
      if (this.lifetime) clearTimeout(this.lifetime);
      for (const ac of this.inflight) ac.abort();
      this.http.close(() => {
        this.markClosed();
        resolve();
      });
      for (const s of this.sockets) s.destroy();
      this.http.closeAllConnections?.();
    });
    return this.closing;
  }

  nextResponseSeq(): number {
    return ++this.reqCounter;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const rawUrl = req.url ?? '/';
    const path = rawUrl.split('?')[0] ?? '/';
    if (path.startsWith('/__control/')) return answerControl(this, req, res, path);

    const rec = this.recorder.add(req, path);
    const ac = new AbortController();
    this.inflight.add(ac);
    let serverCut = false;
    this.recorder.track(rec, res, () => serverCut || this.closing !== undefined, () => {
      ac.abort();
      this.inflight.delete(ac);
    });
    const origWriteHead = res.writeHead.bind(res);
    res.writeHead = ((status: number, ...rest: unknown[]) => {
      rec.status = status;
      this.recorder.notify();
      return (origWriteHead as (s: number, ...r: unknown[]) => http.ServerResponse)(status, ...rest);
    }) as typeof res.writeHead;

    const body = await readBody(req, this.opts.maxBodyBytes);
    rec.rawBody = body.text;
    rec.bodyTooLarge = body.tooLarge;
    let parsed: unknown;
    let badJson = false;
    if (body.text.trim() !== '') {
      try {
        parsed = JSON.parse(body.text);
      } catch {
        badJson = true;
      }
    }
    rec.body = parsed;
    this.recorder.notify();

    const flavor = this.opts.flavor;
    const route = resolveRoute(flavor, path);
    const sc = this.scenarios.take(path, route, req.method ?? 'GET');
    if (sc) rec.scenarioApplied = true;
    const ctx: RequestContext = { rec, req, res, signal: ac.signal, markServerCut: () => { serverCut = true; }, path, sc };
    const spec = sc?.spec;

    if (spec?.dropConnection) {
      serverCut = true;
      req.socket.destroy();
      return;
    }
    if (spec?.firstByteDelayMs) {
      await sleep(spec.firstByteDelayMs, ac.signal);
      if (ac.signal.aborted) return;
    }
    if (spec?.redirect) {
      const target = new URL(spec.redirect.location);
      const location = target.pathname === '/' ? `${target.origin}${rawUrl}` : spec.redirect.location;
      res.writeHead(spec.redirect.status ?? 307, { Location: location, 'Content-Length': '0' });
      res.end();
      return;
    }
    if (body.tooLarge) {
      return sendJson(res, 413, errorBody(defaultErrorShape(flavor), 413, `Request body over ${this.opts.maxBodyBytes} bytes`));
    }
    if (!route) return notFound(res, this.opts.flavor, path);
    if (routeMethod(route) !== req.method) {
      return sendJson(res, 405, { detail: 'Method Not Allowed' });
    }
    if (this.opts.requireAuth && !isPublic(flavor, route)) {
      const key = bearer(rec.authorization);
      if (key === undefined || !this.opts.apiKeys.includes(key)) {
        return sendJson(res, 401, unauthorizedBody(flavor, rec.authorization, path));
      }
    }
    const scenarioError = spec?.error && (spec.failTimes === undefined || (sc as ActiveScenario).used <= spec.failTimes) ? spec.error : undefined;

    switch (route) {
      case 'chat':
      case 'completions':
        return answerGeneration(this, route, ctx, parsed, badJson, scenarioError);
      default:
        if (scenarioError) return sendError(this, ctx, scenarioError, { model: isObj(parsed) && typeof parsed['model'] === 'string' ? parsed['model'] : firstModel(this.opts).id });
        if (badJson) return sendError(this, ctx, { kind: 'malformedJson' }, { model: '' });
        return answerInfoRoute(this, route, ctx, parsed);
    }
  }
}

/** Start a provider test server on 127.0.0.1 (random port unless `port` is given). */
export async function startProviderTestServer(options: ProviderTestServerOptions = {}): Promise<ProviderTestServer> {
  const s = new ProviderTestServerImpl(options);
  await s.start(options.port ?? 0);
  return s;
}
