import * as path from 'path';
import { Worker } from 'worker_threads';
import * as vscode from 'vscode';
import { serverRoot } from '../core/providers/providerProfile';
import {
  ContextSize,
  ServerCounter,
  TokenCount,
  TokenCounter,
  TokenizerFamily,
  TokenizerWorkerClient,
  familyForModel,
  parseServerCount,
  resolveContextSize,
  serverCountRequest,
} from '../core/tokens';
import type { ModelLists } from '../providers/modelLists';
import type { ProviderAuth } from '../providers/providerAuth';
import type { ProviderHttp } from '../providers/providerHttp';
import type { ActiveTarget } from '../providers/providerTargets';
import { Settings } from '../settings';

export type { ContextSize };

const DEFAULT_CONTEXT = 8192;
/** An estimate may be this much under the truth; prompts fitted with one keep the margin. */
const ESTIMATE_MARGIN = 1.1;

/**
 * Token counts and context sizes for the active model, shared by the status bar, Continue Writing
 * and the chat so the three agree. Exact tokenizers run in a worker thread started on first use.
 */
export class TokenService implements vscode.Disposable {
  private readonly worker: TokenizerWorkerClient;
  /** For fitting prompts: local tokenizer or estimate only (a server round trip per probe is too slow). */
  private readonly fitCounter: TokenCounter;
  /** For the status bar: the server's tokenizer too, debounced and cached by content. */
  private readonly statusCounter: TokenCounter;
  private statusTargetKey = '';
  /** Context sizes a server stated in a context-overflow error this session, by provider and model. */
  private readonly learnedContext = new Map<string, number>();

  constructor(
    context: vscode.ExtensionContext,
    private readonly providers: { auth: ProviderAuth; models: ModelLists; http: ProviderHttp },
  ) {
    const dist = path.join(context.extensionPath, 'dist');
    this.worker = new TokenizerWorkerClient(
      () => new Worker(path.join(dist, 'tokenizerWorker.js'), { workerData: { dataDir: path.join(dist, 'tokenizers') } }),
    );
    this.fitCounter = new TokenCounter({ family: 'unknown', local: this.worker });
    // The status bar's counts are of the document being typed in: each one makes the last one's worker work moot.
    this.statusCounter = new TokenCounter({ family: 'unknown', local: this.worker, supersede: 'status' });
  }

  family(target: ActiveTarget, settings: Settings): TokenizerFamily {
    const choice = settings.tokenizer;
    return familyForModel(target.model, choice === 'estimate' ? 'unknown' : choice);
  }

  /** Tokens `text` costs with the target's model, for deciding what fits (estimates carry a margin). */
  async count(text: string, target: ActiveTarget, settings: Settings): Promise<number> {
    this.fitCounter.configure({ family: this.family(target, settings) });
    const result = await this.fitCounter.count(text);
    return result.exact ? result.count : Math.ceil(result.count * ESTIMATE_MARGIN);
  }

  /** The status bar's count: each better answer arrives through onProgress (estimate → local → server). */
  countForStatus(
    text: string,
    target: ActiveTarget,
    /** Read for the document being counted: inkwell.tokenizer is resource-scoped. */
    settings: Settings,
    options: { signal: AbortSignal; onProgress(count: TokenCount): void },
  ): Promise<TokenCount> {
    const useServer = settings.tokenizer === 'auto' && settings.tokenCountOnServer;
    const key = `${target.profile.id} ${target.profile.baseUrl} ${target.model} ${settings.tokenizer} ${useServer}`;
    if (key !== this.statusTargetKey) {
      this.statusTargetKey = key;
      this.statusCounter.configure({ family: this.family(target, settings), server: useServer ? this.serverCounter(target) : null });
    }
    return this.statusCounter.count(text, options);
  }

  private serverCounter(target: ActiveTarget): ServerCounter | null {
    const { profile, model } = target;
    if (profile.tokenCount === 'none' || !model) return null;
    return async (text, signal) => {
      const request = serverCountRequest(profile.tokenCount, model, text);
      if (!request) throw new Error('no token route');
      // Never interactive: a background count must not ask about keys.
      const headers = await this.providers.auth.headers(profile, { interactive: false });
      const { json } = await this.providers.http.sendJson({
        url: `${serverRoot(profile.baseUrl)}${request.path}`,
        method: 'POST',
        headers,
        body: request.body,
        signal,
        timeouts: { firstByteMs: 15_000 },
      });
      return parseServerCount(profile.tokenCount, json);
    };
  }

  /**
   * A provider may serve a model with far less context than the model has (a Llama 3.3 fine-tune
   * at 16k, not 131k): the number its overflow error gives is what counts from then on, for that
   * server only (the same model at another address may be served with more).
   */
  learnContextSize(target: ActiveTarget, tokens: number): void {
    if (Number.isFinite(tokens) && tokens > 0) this.learnedContext.set(learnedContextKey(target), Math.floor(tokens));
  }

  /** Best first: what the provider says (or said in an overflow error), the user's setting, Inkwell's table, then 8k. */
  async contextSize(target: ActiveTarget, settings: Settings): Promise<ContextSize> {
    return resolveContextSize({
      model: target.model,
      fromProvider: this.learnedContext.get(learnedContextKey(target)) ?? (await this.providers.models.contextSize(target)),
      setting: settings.contextSizeOverride,
      fallback: DEFAULT_CONTEXT,
    });
  }

  dispose(): void {
    void this.worker.dispose();
  }
}

function learnedContextKey(target: ActiveTarget): string {
  return `${target.profile.id} ${target.profile.baseUrl} ${target.model}`;
}
