import * as vscode from 'vscode';
import { SecretRegistry } from './core/errors/secretRegistry';
import { Generator } from './generator';
import { Log } from './log';
import { ApiKeyStore } from './providers/apiKeys';
import { ModelLists } from './providers/modelLists';
import { ProviderAuth } from './providers/providerAuth';
import { confirmKeyOrigin } from './providers/providerCommands';
import { ProviderHttp } from './providers/providerHttp';
import { ActiveTarget, ProviderTargets } from './providers/providerTargets';
import { Settings } from './settings';
import { ContextSize, TokenService } from './tokens/tokenService';
export type { ContextSize };

/** What the features share, each made once in activate. */
export interface Services {
  readonly log: Log;
  /** Every key read this session: everything shown or logged is redacted through it. */
  readonly secrets: SecretRegistry;
  readonly keys: ApiKeyStore;
  /** The providers, and the active provider and model. */
  readonly targets: ProviderTargets;
  readonly auth: ProviderAuth;
  readonly http: ProviderHttp;
  /** Each provider's model list, one cache for every surface. */
  readonly models: ModelLists;
  readonly generator: Generator;
  readonly tokens: TokenService;
  contextSize(target: ActiveTarget, settings?: Settings): Promise<ContextSize>;
}

export function createServices(context: vscode.ExtensionContext): Services {
  const secrets = new SecretRegistry();
  const log = new Log(secrets);
  const keys = new ApiKeyStore(context.secrets, context.globalState, secrets);
  const targets = new ProviderTargets(context.globalState, [keys.onDidChange]);
  const http = new ProviderHttp(secrets, log);
  const auth = new ProviderAuth(keys, confirmKeyOrigin);
  // Made before any feature subscribes to targets.onDidChange, so its cache is cleared before they refetch.
  const models = new ModelLists(auth, http, secrets, log, [targets.onDidChange]);
  const tokens = new TokenService(context, { auth, models, http });
  context.subscriptions.push(log, targets, models, tokens);
  return {
    log,
    secrets,
    keys,
    targets,
    auth,
    http,
    models,
    generator: new Generator(auth, http, log),
    tokens,
    contextSize: (target, settings = new Settings()) => tokens.contextSize(target, settings),
  };
}
