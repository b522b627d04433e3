import * as vscode from 'vscode';
import { ProviderProfile, apiBase, serverRoot } from './core/providers/providerProfile';
import { builtInProviders, customProviders, INFERMATIC_ID } from './core/providers/providerCatalog';
import { ModelInfo, parseModelList } from './core/providers/modelList';
import { ProviderError } from './core/errors/providerError';
import { sendJson } from './core/http/providerClient';
import { ApiKeyStore } from './apiKeys';
import { Settings } from './settings';
import { Log } from './log';

const MODELS_BY_PROVIDER = 'inkwell.modelsByProvider';

/** The provider and model the user chose, with the key that goes with them. */
export interface ActiveTarget {
  profile: ProviderProfile;
  model: string;
}

/**
 * Knows the providers (built-in and the user's), which one is active, their model lists (cached
 * for the session) and their keys. Everything that talks to a provider asks here for headers.
 */
export class ProviderService implements vscode.Disposable {
  private readonly modelCache = new Map<string, Promise<ModelInfo[]>>();
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changeEmitter.event;
  private readonly disposables: vscode.Disposable[] = [];
  private reportedProblems = '';

  constructor(
    readonly keys: ApiKeyStore,
    private readonly log: Log,
    private readonly globalState: vscode.Memento,
  ) {
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (Settings.affects(e, 'inkwell.provider', 'inkwell.model', 'inkwell.providers', 'inkwell.infermatic.baseUrl', 'inkwell.aimlapi.baseUrl')) {
          this.modelCache.clear();
          this.changeEmitter.fire();
        }
      }),
      keys.onDidChange(() => {
        this.modelCache.clear();
        this.changeEmitter.fire();
      }),
      this.changeEmitter,
    );
  }

  /** Every key read this session, for redacting messages. */
  knownSecrets(): string[] {
    return this.log.knownSecrets();
  }

  profiles(): ProviderProfile[] {
    const settings = new Settings();
    const builtIns = builtInProviders({ infermatic: settings.infermaticBaseUrl, aimlapi: settings.aimlapiBaseUrl });
    const { profiles, problems } = customProviders(settings.customProviders, new Set(builtIns.map((p) => p.id)));
    const text = problems.map((p) => p.message).join('; ');
    if (text && text !== this.reportedProblems) {
      this.reportedProblems = text;
      void vscode.window.showWarningMessage(`Inkwell: some entries of inkwell.providers were skipped: ${text}`, 'Open Settings').then((choice) => {
        if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', 'inkwell.providers');
      });
    }
    return [...builtIns, ...profiles];
  }

  profile(id: string): ProviderProfile | undefined {
    return this.profiles().find((p) => p.id === id);
  }

  active(): ActiveTarget {
    const settings = new Settings();
    const all = this.profiles();
    const profile = all.find((p) => p.id === settings.providerId) ?? all.find((p) => p.id === INFERMATIC_ID)!;
    return { profile, model: settings.model || profile.defaultModel || '' };
  }

  /**
   * Headers for a request to `profile`. Throws a ProviderError with a next step when there is no
   * key, when it was lost, or when the provider's origin changed and the user did not confirm.
   */
  async headers(profile: ProviderProfile, options: { interactive: boolean }): Promise<{ headers: Record<string, string>; secrets: string[] }> {
    const lookup = await this.keys.lookup(profile);
    const base: Record<string, string> = { ...profile.extraHeaders };
    switch (lookup.status) {
      case 'ok':
        return { headers: { ...base, Authorization: `Bearer ${lookup.key}` }, secrets: [lookup.key] };
      case 'not-needed':
        return { headers: base, secrets: [] };
      case 'none':
        throw new ProviderError({
          kind: 'no-key',
          providerMessage: `No API key is set for ${profile.label}.`,
        });
      case 'lost':
        throw new ProviderError({
          kind: 'no-key',
          providerMessage:
            `Your ${profile.label} key is no longer stored (this system may have no keyring VS Code can use).` +
            (profile.apiKeyEnvVar ? ` You can also set ${profile.apiKeyEnvVar} in the environment.` : ''),
        });
      case 'origin-changed': {
        if (options.interactive) {
          const send = 'Send Key There';
          const choice = await vscode.window.showWarningMessage(
            `${profile.label}'s address changed from ${lookup.storedOrigin} to ${lookup.currentOrigin}. Send your ${profile.label} key to the new address?`,
            { modal: true },
            send,
          );
          if (choice === send) {
            await this.keys.rebind(profile);
            return this.headers(profile, options);
          }
        }
        throw new ProviderError({
          kind: 'no-key',
          providerMessage: `Your ${profile.label} key was given for ${lookup.storedOrigin}, not ${lookup.currentOrigin}; it was not sent.`,
        });
      }
    }
  }

  /** The models a provider lists, cached for the session (per provider and base URL). */
  listModels(profile: ProviderProfile, options: { interactive: boolean; refresh?: boolean; signal?: AbortSignal }): Promise<ModelInfo[]> {
    const cacheKey = `${profile.id} ${profile.baseUrl}`;
    const cached = this.modelCache.get(cacheKey);
    if (cached && !options.refresh) return cached;
    const pending = this.fetchModels(profile, options);
    this.modelCache.set(cacheKey, pending);
    pending.catch(() => this.modelCache.delete(cacheKey));
    return pending;
  }

  /**
   * Tries a key the writer has typed but Inkwell has not stored yet: the stored key stays until
   * this one is proven. On success the list is cached as the session's list.
   */
  async tryKey(profile: ProviderProfile, key: string): Promise<ModelInfo[]> {
    this.log.rememberSecret(key);
    const models = await this.fetchModels(profile, { interactive: false, key });
    this.modelCache.set(`${profile.id} ${profile.baseUrl}`, Promise.resolve(models));
    return models;
  }

  private async fetchModels(profile: ProviderProfile, options: { interactive: boolean; signal?: AbortSignal; key?: string }): Promise<ModelInfo[]> {
    const { headers, secrets } = options.key
      ? { headers: { ...profile.extraHeaders, Authorization: `Bearer ${options.key}` }, secrets: [options.key] }
      : await this.headers(profile, options);
    const settings = new Settings();
    const { json } = await sendJson({
      url: `${apiBase(profile.baseUrl)}/models`,
      method: 'GET',
      headers,
      signal: options.signal ?? AbortSignal.timeout(settings.timeouts.firstByteMs),
      timeouts: settings.timeouts,
      log: (line) => this.log.info(line),
      secrets: [...secrets, ...this.log.knownSecrets()],
    });
    const models = parseModelList(json);
    if (profile.contextSizes === 'aimlapi-models') {
      // AI/ML API tells context sizes only on its public catalogue, which needs no key.
      try {
        const catalogue = parseModelList(
          (
            await sendJson({
            url: `${serverRoot(profile.baseUrl)}/models`,
            method: 'GET',
            headers: { ...profile.extraHeaders },
            signal: options.signal ?? AbortSignal.timeout(settings.timeouts.firstByteMs),
            timeouts: settings.timeouts,
            log: (line) => this.log.info(line),
            secrets: this.log.knownSecrets(),
            })
          ).json,
        );
        const sizes = new Map(catalogue.map((m) => [m.id, m.contextLength]));
        for (const m of models) m.contextLength ??= sizes.get(m.id);
      } catch (error) {
        this.log.info(`Context sizes from ${profile.label}'s catalogue are unavailable: ${String(error)}`);
      }
    }
    return models;
  }

  /** Context size the provider tells for a model, from the session's model list. */
  async providerContextSize(target: ActiveTarget): Promise<number | undefined> {
    if (target.profile.contextSizes === 'none') return undefined;
    try {
      const models = await this.listModels(target.profile, { interactive: false });
      return models.find((m) => m.id === target.model)?.contextLength;
    } catch {
      return undefined;
    }
  }

  /** Switching provider brings back the model last used with it (or its default): model ids are per provider. */
  async selectProvider(id: string): Promise<void> {
    const current = this.active();
    if (current.profile.id === id) return;
    const remembered = this.globalState.get<Record<string, string>>(MODELS_BY_PROVIDER, {});
    await this.globalState.update(MODELS_BY_PROVIDER, { ...remembered, [current.profile.id]: current.model });
    await Settings.setGlobal('inkwell.provider', id);
    await Settings.setGlobal('inkwell.model', remembered[id] ?? '');
  }

  async selectModel(model: string): Promise<void> {
    await Settings.setGlobal('inkwell.model', model);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
