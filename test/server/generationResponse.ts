/**
 * Writing a generation's answer, streamed or not, with the scenario's pacing and faults: token delays,
 * keep-alive comments while waiting, stalls, truncation, mid-stream errors and writes split into chunks.
 */
import { sendError } from './errorResponses';
import { sleep, sendJson } from './httpHelpers';
import { buildNonStreamBody } from './responseShapes';
import type { RequestContext, ServerRuntime } from './serverContext';
import { type ChunkingOptions, encodeItems, keepAliveText, splitBytes, type StreamItem } from './sseEncoding';

export async function sendNonStream(server: ServerRuntime, ctx: RequestContext, input: Parameters<typeof buildNonStreamBody>[0], info: { model: string; promptTokens: number; maxTokens: number | undefined }): Promise<void> {
  const spec = ctx.sc?.spec;
  if (spec?.stall) {
    await sleep(spec.stall.resumeAfterMs ?? Infinity, ctx.signal);
    if (ctx.signal.aborted) return;
  }
  const body = buildNonStreamBody(input);
  const tokens = Math.max(0, ...(input.pieces as string[][]).map((p) => Math.min(p.length, input.maxTokens ?? p.length)));
  if (spec?.tokenDelayMs) {
    await sleep(spec.tokenDelayMs * Math.ceil(tokens / Math.max(1, Math.floor(spec.tokensPerDelay ?? 1))), ctx.signal);
    if (ctx.signal.aborted) return;
  }
  if (spec?.midStreamError) {
    return sendError(server, ctx, { status: spec.midStreamError.code ?? 500, ...(spec.midStreamError.message !== undefined ? { message: spec.midStreamError.message } : {}) }, info);
  }
  if (spec?.truncate) {
    const text = JSON.stringify(body);
    ctx.res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)) });
    ctx.res.write(text.slice(0, Math.floor(text.length / 2)));
    await sleep(20, ctx.signal);
    ctx.markServerCut();
    ctx.res.destroy();
    return;
  }
  sendJson(ctx.res, 200, body);
}

export async function sendStream(server: ServerRuntime, ctx: RequestContext, items: StreamItem[]): Promise<void> {
  const { res, signal } = ctx;
  const flavor = server.opts.flavor;
  const spec = ctx.sc?.spec;
  const enc = spec?.encoding ?? {};
  const events = encodeItems(items, flavor, enc);
  const eol = enc.eol ?? (flavor === 'koboldcpp' ? '\r\n' : '\n');
  const sp = enc.space === false ? '' : ' ';
  const keepAlive = `:${sp}${keepAliveText(flavor)}${eol}${eol}`;
  res.writeHead(200, {
    'Content-Type': flavor === 'litellm' ? 'text/event-stream; charset=utf-8' : 'text/event-stream',
    'Cache-Control': 'no-cache',
    Connection: 'keep-alive',
    ...(flavor === 'openrouter' ? { 'X-Generation-Id': String(items.length) } : {}),
  });
  res.flushHeaders();
  ctx.req.socket.setNoDelay(true);

  const write = async (text: string): Promise<void> => {
    if (signal.aborted || res.destroyed) return;
    const buf = Buffer.from(text, 'utf8');
    const chunked = spec?.chunking !== undefined && (spec.chunking.bytes !== undefined || spec.chunking.splitInsideMultibyte === true);
    if (!chunked) {
      // As fast as possible: only wait on backpressure.
      if (!res.write(buf)) {
        await new Promise<void>((resolve) => {
          const done = (): void => {
            res.off('drain', done);
            signal.removeEventListener('abort', done);
            resolve();
          };
          res.on('drain', done);
          signal.addEventListener('abort', done, { once: true });
        });
      }
      return;
    }
    // Chunked: each piece is its own write, flushed before the next, so pieces tend to leave as separate segments.
    const parts = splitBytes(buf, spec.chunking as ChunkingOptions);
    for (const p of parts) {
      if (signal.aborted || res.destroyed) return;
      await new Promise<void>((resolve) => {
        const onAbort = (): void => resolve();
        signal.addEventListener('abort', onAbort, { once: true });
        res.write(p, () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        });
      });
      if (spec?.chunking?.delayMs) await sleep(spec.chunking.delayMs, signal);
    }
  };
  const wait = async (ms: number): Promise<void> => {
    const every = spec?.keepAliveEveryMs;
    if (!every || every <= 0) return sleep(ms, signal);
    const end = Date.now() + ms;
    while (!signal.aborted && !res.destroyed) {
      const left = end - Date.now();
      if (left <= 0) return;
      await sleep(Math.min(every, left), signal);
      if (signal.aborted || Date.now() >= end) return;
      await write(keepAlive);
    }
  };

  let firstTokenSeen = false;
  let stalled = false;
  let lastTokenStep = -1;
  for (let k = 0; k < items.length; k++) {
    if (signal.aborted || res.destroyed) return;
    const it = items[k] as StreamItem;
    if (it.step >= 0 && !firstTokenSeen) {
      firstTokenSeen = true;
      if (spec?.firstTokenDelayMs) await wait(spec.firstTokenDelayMs);
    }
    if (spec?.stall && !stalled && it.step >= 0 && it.step >= spec.stall.afterTokens) {
      stalled = true;
      await wait(spec.stall.resumeAfterMs ?? Infinity);
    }
    const newStep = it.kind === 'data' && it.token && it.step !== lastTokenStep;
    if (newStep) {
      lastTokenStep = it.step;
      if (spec?.tokenDelayMs && it.step % Math.max(1, Math.floor(spec.tokensPerDelay ?? 1)) === 0) {
        ctx.rec.tokenDelays++;
        await sleep(spec.tokenDelayMs, signal);
      }
    }
    if (signal.aborted || res.destroyed) return;
    // Counted as the write starts: an upper bound on what the client can have read.
    if (newStep) ctx.rec.tokensWritten++;
    await write(events[k] ?? '');
  }
  if (spec?.stall && !stalled && spec.stall.afterTokens >= 0 && items.every((it) => it.step < spec.stall!.afterTokens)) {
    // Stall point beyond the end (e.g. truncated earlier): keep the socket open anyway.
    await wait(spec.stall.resumeAfterMs ?? Infinity);
  }
  if (signal.aborted || res.destroyed) return;
  if (spec?.truncate?.destroy) {
    ctx.markServerCut();
    res.destroy();
    return;
  }
  res.end();
}
