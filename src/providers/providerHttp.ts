// The one way the glue talks to a provider: the core HTTP client with the log, the secret registry and
// the network settings filled in, so no call site builds its own option block (and none can forget to
// redact). Callers give the URL, headers, body and their own signal; the rest comes from here.
import type { SecretRegistry } from '../core/errors/secretRegistry';
import { sendJson, type HttpRequestOptions, type JsonResponse } from '../core/http/providerClient';
import { streamCompletion, type CompletionRequest, type StreamCompletionOptions } from '../core/http/streamCompletion';
import type { StreamPiece } from '../core/stream/completionStream';
import type { Log } from '../log';
import { Settings } from '../settings';

type Filled = 'log' | 'secrets';

export class ProviderHttp {
  constructor(
    private readonly secrets: SecretRegistry,
    private readonly log: Log,
  ) {}

  /** The network settings (application scope): timeouts and retries. */
  network(): { timeouts: Settings['timeouts']; maxRetries: number } {
    const settings = new Settings();
    return { timeouts: settings.timeouts, maxRetries: settings.maxRetries };
  }

  /** A JSON exchange. Without a signal of its own, it gives up after the first-byte timeout. */
  sendJson<T = unknown>(options: Omit<HttpRequestOptions, Filled>): Promise<JsonResponse<T>> {
    const { timeouts } = this.network();
    return sendJson<T>({
      signal: AbortSignal.timeout(timeouts.firstByteMs),
      ...options,
      timeouts: { ...timeouts, ...options.timeouts },
      log: (line) => this.log.info(line),
      secrets: this.secrets.known(),
    });
  }

  /** A streamed completion (retries before the first token, per the network settings unless given). */
  streamCompletion(request: CompletionRequest, options: Omit<StreamCompletionOptions, Filled>): AsyncGenerator<StreamPiece, void, undefined> {
    const { timeouts, maxRetries } = this.network();
    return streamCompletion(request, {
      ...options,
      timeouts: { ...timeouts, ...options.timeouts },
      retry: { maxRetries, ...options.retry },
      log: (line) => this.log.info(line),
      secrets: this.secrets.known(),
    });
  }
}
