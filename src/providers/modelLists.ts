import * as vscode from 'vscode';
import type { SecretRegistry } from '../core/errors/secretRegistry';
import { ModelInfo, parseModelList } from '../core/providers/modelList';
import { ProviderProfile, apiBase, serverRoot } from '../core/providers/providerProfile';
import type { Log } from '../log';
import type { ProviderAuth } from './providerAuth';
import type { ProviderHttp } from './providerHttp';
import type { ActiveTarget } from './providerTargets';

/**
 * The models each provider lists, fetched once per session (per provider and base URL) and shared by
 * every surface: the model picker, the chat's model menu, context sizes. Cleared when the providers or
 * keys change.
 */
export class ModelLists implements vscode.Disposable {
  private readonly cache = new Map<string, Promise<ModelInfo[]>>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly auth: ProviderAuth,
    private readonly http: ProviderHttp,
    private readonly secrets: SecretRegistry,
    private readonly log: Log,
    invalidatedBy: vscode.Event<unknown>[],
  ) {
    for (const event of invalidatedBy) this.disposables.push(event(() => this.cache.clear()));
  }

  list(profile: ProviderProfile, options: { interactive: boolean; refresh?: boolean; signal?: AbortSignal }): Promise<ModelInfo[]> {
    const key = cacheKey(profile);
    const cached = this.cache.get(key);
    if (cached && !options.refresh) return cached;
    const pending = this.fetch(profile, options);
    this.cache.set(key, pending);
    pending.catch(() => this.cache.delete(key));
    return pending;
  }

  /**
   * Tries a key the writer has typed but Inkwell has not stored yet: the stored key stays until this
   * one is proven. On success the list is cached as the session's list.
   */
  async tryKey(profile: ProviderProfile, key: string): Promise<ModelInfo[]> {
    this.secrets.remember(key);
    const models = await this.fetch(profile, { interactive: false, key });
    this.cache.set(cacheKey(profile), Promise.resolve(models));
    return models;
  }

  /** Context size the provider tells for a model, from the session's model list. */
  async contextSize(target: ActiveTarget): Promise<number | undefined> {
    if (target.profile.contextSizes === 'none') return undefined;
    try {
      const models = await this.list(target.profile, { interactive: false });
      return models.find((m) => m.id === target.model)?.contextLength;
    } catch {
      return undefined;
    }
  }

  private async fetch(profile: ProviderProfile, options: { interactive: boolean; signal?: AbortSignal; key?: string }): Promise<ModelInfo[]> {
    const headers = options.key
      ? { ...profile.extraHeaders, Authorization: `Bearer ${options.key}` }
      : await this.auth.headers(profile, options);
    const signal = options.signal ? { signal: options.signal } : {};
    const { json } = await this.http.sendJson({ url: `${apiBase(profile.baseUrl)}/models`, method: 'GET', headers, ...signal });
    const models = parseModelList(json);
    if (profile.contextSizes === 'aimlapi-models') {
      // AI/ML API tells context sizes only on its public catalogue, which needs no key.
      try {
        const catalogue = await this.http.sendJson({ url: `${serverRoot(profile.baseUrl)}/models`, method: 'GET', headers: { ...profile.extraHeaders }, ...signal });
        const sizes = new Map(parseModelList(catalogue.json).map((m) => [m.id, m.contextLength]));
        for (const m of models) m.contextLength ??= sizes.get(m.id);
      } catch (error) {
        this.log.info(`Context sizes from ${profile.label}'s catalogue are unavailable: ${String(error)}`);
      }
    }
    return models;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

function cacheKey(profile: ProviderProfile): string {
  return `${profile.id} ${profile.baseUrl}`;
}
