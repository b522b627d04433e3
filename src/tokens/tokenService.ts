import * as vscode from 'vscode';
import { ActiveTarget, ProviderService } from '../providerService';
import { Settings } from '../settings';
import { Log } from '../log';
import type { ContextSize } from '../services';

const DEFAULT_CONTEXT = 8192;

/** Token counts and context sizes for the active model (placeholder until the tokenizers land). */
export class TokenService implements vscode.Disposable {
  constructor(
    _context: vscode.ExtensionContext,
    private readonly providers: ProviderService,
    _log: Log,
  ) {}

  async count(text: string, _target: ActiveTarget): Promise<number> {
    return Math.ceil(text.length / 3.6);
  }

  async contextSize(target: ActiveTarget, settings: Settings): Promise<ContextSize> {
    const fromProvider = await this.providers.providerContextSize(target);
    if (fromProvider) return { tokens: fromProvider, source: 'provider' };
    const fromSetting = settings.contextSizeOverride;
    if (fromSetting) return { tokens: fromSetting, source: 'setting' };
    return { tokens: DEFAULT_CONTEXT, source: 'default' };
  }

  dispose(): void {}
}
