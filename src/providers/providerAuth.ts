import { ProviderError } from '../core/errors/providerError';
import { ProviderProfile } from '../core/providers/providerProfile';
import { ApiKeyStore } from './apiKeys';

/**
 * Asks the writer whether their key may go to a provider's new address. The commands layer supplies it
 * (a modal question); it answers false when there is nobody to ask.
 */
export type ConfirmKeyOrigin = (profile: ProviderProfile, storedOrigin: string, currentOrigin: string) => Promise<boolean>;

/** The headers a request to a provider carries: its extra headers and, where it has one, its key. */
export class ProviderAuth {
  constructor(
    private readonly keys: ApiKeyStore,
    private readonly confirmOrigin: ConfirmKeyOrigin,
  ) {}

  /**
   * Throws a ProviderError with a next step when there is no key, when it was lost, or when the
   * provider's origin changed and the writer did not confirm (or, not `interactive`, was not asked).
   */
  async headers(profile: ProviderProfile, options: { interactive: boolean }): Promise<Record<string, string>> {
    const lookup = await this.keys.lookup(profile);
    const base: Record<string, string> = { ...profile.extraHeaders };
    switch (lookup.status) {
      case 'ok':
        return { ...base, Authorization: `Bearer ${lookup.key}` };
      case 'not-needed':
        return base;
      case 'none':
        throw new ProviderError({ kind: 'no-key', providerMessage: `No API key is set for ${profile.label}.` });
      case 'lost':
        throw new ProviderError({
          kind: 'no-key',
          providerMessage:
            `Your ${profile.label} key is no longer stored (this system may have no keyring VS Code can use).` +
            (profile.apiKeyEnvVar ? ` You can also set ${profile.apiKeyEnvVar} in the environment.` : ''),
        });
      case 'origin-changed':
        if (options.interactive && (await this.confirmOrigin(profile, lookup.storedOrigin, lookup.currentOrigin))) {
          await this.keys.rebind(profile);
          return this.headers(profile, options);
        }
        throw new ProviderError({
          kind: 'no-key',
          providerMessage: `Your ${profile.label} key was given for ${lookup.storedOrigin}, not ${lookup.currentOrigin}; it was not sent.`,
        });
    }
  }
}
