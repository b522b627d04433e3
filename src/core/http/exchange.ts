// One request and its answer over node:http / node:https (why not fetch: providerClient.ts). Each
// phase is timed (phaseTimer.ts); an abort, a timeout or a broken connection ends it at once.

import * as http from 'node:http';
import * as https from 'node:https';
import type { Socket } from 'node:net';
import { ProviderError } from '../errors/providerError';
import { parseErrorBody } from '../errors/errorBody';
import { redactSecrets } from '../errors/redact';
import { requestBody, requestTarget, safeLocation } from './exchangeRequest';
import { DEFAULT_TIMEOUTS, PhaseTimer } from './phaseTimer';
import type { HttpRequestOptions, Timeouts } from './providerClient';

export interface Exchange {
  status: number;
  headers: http.IncomingHttpHeaders;
  body(): AsyncGenerator<Uint8Array, void, undefined>;
  readText(capBytes: number): Promise<string>;
  close(): void;
}

const DEFAULT_MAX_ERROR_BODY = 64 * 1024;

/**
 * Sends the request and waits for a 2xx status line. 3xx → 'redirect' (nothing followed);
 * other statuses → the body is read (capped) and parsed into a ProviderError.
 */
export function startExchange(options: HttpRequestOptions, accept: string): Promise<Exchange> {
  const secrets = options.secrets ?? [];
  const timeouts: Timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  const started = Date.now();
  const elapsed = (): number => Date.now() - started;

  let target: ReturnType<typeof requestTarget>;
  try {
    target = requestTarget(options, secrets);
  } catch (error) {
    return Promise.reject(error as ProviderError);
  }
  const { url, method, label } = target;
  const log = (line: string): void => options.log?.(redactSecrets(line, secrets));

  if (options.signal?.aborted) {
    log(`${label} → cancelled before sending`);
    return Promise.reject(new ProviderError({ kind: 'aborted' }));
  }

  const { payload, headers } = requestBody(options, accept);

  return new Promise<Exchange>((resolve, reject) => {
    const lib = url.protocol === 'https:' ? https : http;
    const req = lib.request(url, { method, headers, agent: options.agent ?? false });

    let res: http.IncomingMessage | undefined;
    let failure: ProviderError | undefined;
    let settled = false; // the promise of this function
    let finished = false; // connection no longer needed
    let bodyBytes = 0;
    const timer = new PhaseTimer(timeouts, (error) => fail(error));

    const cleanup = (): void => {
      finished = true;
      timer.stop();
      options.signal?.removeEventListener('abort', onAbort);
    };

    // Ends the exchange with an error: destroys the socket, rejects or makes the body throw.
    const fail = (error: ProviderError): void => {
      if (failure || finished) return;
      failure = error;
      cleanup();
      log(`${label} → ${error.kind}${res ? ` after ${bodyBytes} bytes` : ''}: ${error.message} (${elapsed()} ms)`);
      res?.destroy(error);
      req.destroy(error);
      if (!settled) {
        settled = true;
        reject(error);
      }
    };

    const close = (): void => {
      if (finished) return;
      cleanup();
      res?.destroy();
      req.destroy();
    };

    function onAbort(): void {
      fail(new ProviderError({ kind: 'aborted' }));
    }
    options.signal?.addEventListener('abort', onAbort, { once: true });

    timer.enter('connect');
    req.on('socket', (socket: Socket) => {
      const connected = (): void => {
        if (!res) timer.enter('first-byte');
      };
      if (socket.connecting) socket.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', connected);
      else connected();
    });

    req.on('error', (err) => {
      if (failure) return; // our own destroy
      fail(networkError(err, res !== undefined, secrets));
    });

    req.on('response', (response) => {
      res = response;
      const status = response.statusCode ?? 0;
      log(`${label} → ${status} (${elapsed()} ms)`);
      response.on('error', () => {
        // Surfaced by the body iterator / readText; listening keeps it from being unhandled.
      });
      response.on('end', () => {
        if (!failure) cleanup();
      });

      if (status >= 300 && status < 400) {
        const location = response.headers.location;
        const error = new ProviderError({
          kind: 'redirect',
          status,
          ...(location ? { location: safeLocation(location, url) } : {}),
          secrets,
        });
        settled = true;
        close();
        reject(error);
        return;
      }

      const exchange: Exchange = {
        status,
        headers: response.headers,
        close,
        body: () => readBody(),
        readText: (capBytes) => readCapped(readBody(), capBytes),
      };

      if (status >= 200 && status < 300) {
        settled = true;
        resolve(exchange);
        return;
      }
      // From here on this status decides the error, even if reading its body fails or times out.
      settled = true;
      errorFromAnswer(exchange, options.maxErrorBodyBytes ?? DEFAULT_MAX_ERROR_BODY, secrets).then(
        (error) => {
          close();
          reject(error);
        },
        // parseErrorBody never throws today; should it ever, the caller still hears of it.
        (error: unknown) => {
          close();
          reject(error);
        },
      );
    });

    async function* readBody(): AsyncGenerator<Uint8Array, void, undefined> {
      if (!res) return;
      if (failure) throw failure;
      let completed = false;
      try {
        for await (const chunk of res as AsyncIterable<Buffer>) {
          if (chunk.length === 0) continue;
          bodyBytes += chunk.length;
          timer.enter('idle');
          yield chunk;
        }
        completed = true;
        if (failure) throw failure;
      } catch (err) {
        if (failure) throw failure;
        const error = networkError(err, true, secrets);
        fail(error);
        throw error;
      } finally {
        if (completed) {
          log(`${label} body ended (${bodyBytes} bytes, ${elapsed()} ms)`);
          cleanup();
        } else close(); // consumer stopped early, or failure: drop the connection
      }
    }

    req.end(payload);
  });
}

/** A non-2xx, non-3xx answer as the error it means, in the provider's words when its body can be read. */
function errorFromAnswer(exchange: Exchange, capBytes: number, secrets: readonly string[]): Promise<ProviderError> {
  const { status, headers } = exchange;
  return exchange.readText(capBytes).then(
    (text) => parseErrorBody(status, text, headers, secrets),
    (err: unknown) => (err instanceof ProviderError && err.kind === 'aborted' ? err : parseErrorBody(status, '', headers, secrets)),
  );
}

/** Reads at most `capBytes` of a body; the rest is dropped with the connection. */
async function readCapped(body: AsyncIterable<Uint8Array>, capBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    const buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const room = capBytes - total;
    chunks.push(room < buf.length ? buf.subarray(0, room) : buf);
    total += Math.min(room, buf.length);
    if (total >= capBytes) break; // enough to explain the error; the rest is dropped with the connection
  }
  return Buffer.concat(chunks).toString('utf8');
}

function networkError(err: unknown, afterResponse: boolean, secrets: readonly string[]): ProviderError {
  if (err instanceof ProviderError) return err;
  const code = typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : '';
  const text = err instanceof Error ? err.message : String(err);
  const detail = code && !text.includes(code) ? `${code}: ${text}` : text;
  const certificate = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|TLS/i.test(code);
  const noSuchHost = code === 'ENOTFOUND';
  return new ProviderError({
    kind: 'network',
    message: afterResponse ? `The connection to the provider broke: ${detail}` : `Could not reach the provider: ${detail}`,
    providerMessage: detail,
    // Retrying cannot fix a bad certificate or a host name that does not exist.
    retryable: !afterResponse && !certificate && !noSuchHost,
    ...(certificate
      ? { nextStep: "The server's TLS certificate was not accepted. Check the base URL; behind a company proxy, set NODE_EXTRA_CA_CERTS." }
      : noSuchHost
        ? { nextStep: "The host name was not found. Check the provider's base URL in Inkwell's settings." }
        : {}),
    cause: err,
    secrets,
  });
}
