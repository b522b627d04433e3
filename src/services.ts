import * as vscode from 'vscode';
import { ApiKeyStore } from './apiKeys';
import { Generator } from './generator';
import { Log } from './log';
import { ActiveTarget, ProviderService } from './providerService';
import { Settings } from './settings';
import { ContextSize, TokenService } from './tokens/tokenService';
export type { ContextSize };

/** What the features share: one log, one provider service, one generator, one token counter. */
export interface Services {
  readonly log: Log;
  readonly providers: ProviderService;
  readonly generator: Generator;
  readonly tokens: TokenService;
  contextSize(target: ActiveTarget, settings?: Settings): Promise<ContextSize>;
}

export function createServices(context: vscode.ExtensionContext): Services {
  const log = new Log();
  const keys = new ApiKeyStore(context.secrets, context.globalState, log);
  const providers = new ProviderService(keys, log, context.globalState);
  const tokens = new TokenService(context, providers, log);
  context.subscriptions.push(log, providers, tokens);
  return {
    log,
    providers,
    generator: new Generator(providers, log),
    tokens,
    contextSize: (target, settings = new Settings()) => tokens.contextSize(target, settings),
  };
}
