import * as vscode from 'vscode';
import { ProviderProfile, originOf } from '../core/providers/providerProfile';
import type { SecretRegistry } from '../core/errors/secretRegistry';

interface StoredKey {
  key: string;
  /** The origin the key was given for; it is not sent elsewhere without the user's word. */
  origin: string;
}

const secretName = (providerId: string) => `inkwell.apiKey.${providerId}`;
const EVER_STORED = 'inkwell.keysEverStored';

export type KeyLookup =
  | { status: 'ok'; key: string; from: 'secrets' | 'environment' }
  | { status: 'none' }
  | { status: 'lost' } // stored once, gone now: SecretStorage without a keyring
  | { status: 'origin-changed'; storedOrigin: string; currentOrigin: string }
  | { status: 'not-needed' };

/** "provider origin" pairs the writer allowed an environment key to be sent to. */
const ENV_ORIGINS_CONFIRMED = 'inkwell.environmentKeyOrigins';
const envOriginKey = (providerId: string, origin: string) => `${providerId} ${origin}`;

/** API keys in SecretStorage, one per provider and bound to that provider's origin. */
export class ApiKeyStore {
  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly globalState: vscode.Memento,
    /** Every key read or given is remembered here, so it is masked wherever text is shown. */
    private readonly known: SecretRegistry,
  ) {}

  get onDidChange(): vscode.Event<vscode.SecretStorageChangeEvent> {
    return this.secrets.onDidChange;
  }

  private environmentOrigins(): string[] {
    return this.globalState.get<string[]>(ENV_ORIGINS_CONFIRMED, []);
  }

  async set(profile: ProviderProfile, key: string): Promise<void> {
    const stored: StoredKey = { key: key.trim(), origin: originOf(profile.baseUrl) };
    this.known.remember(stored.key);
    await this.secrets.store(secretName(profile.id), JSON.stringify(stored));
    const ever = new Set(this.globalState.get<string[]>(EVER_STORED, []));
    ever.add(profile.id);
    await this.globalState.update(EVER_STORED, [...ever]);
  }

  async clear(profile: ProviderProfile): Promise<void> {
    await this.secrets.delete(secretName(profile.id));
    const ever = this.globalState.get<string[]>(EVER_STORED, []).filter((id) => id !== profile.id);
    await this.globalState.update(EVER_STORED, ever);
  }

  async lookup(profile: ProviderProfile): Promise<KeyLookup> {
    const raw = await this.secrets.get(secretName(profile.id));
    if (raw) {
      let stored: StoredKey | undefined;
      try {
        stored = JSON.parse(raw) as StoredKey;
      } catch {
        stored = undefined;
      }
      if (stored && typeof stored.key === 'string' && stored.key) {
        this.known.remember(stored.key);
        const currentOrigin = originOf(profile.baseUrl);
        if (stored.origin !== currentOrigin) {
          return { status: 'origin-changed', storedOrigin: stored.origin, currentOrigin };
        }
        return { status: 'ok', key: stored.key, from: 'secrets' };
      }
    }
    const fromEnv = profile.apiKeyEnvVar ? process.env[profile.apiKeyEnvVar]?.trim() : undefined;
    if (fromEnv) {
      this.known.remember(fromEnv);
      const currentOrigin = originOf(profile.baseUrl);
      const meantFor = profile.apiKeyEnvOrigin;
      if (meantFor && meantFor !== currentOrigin && !this.environmentOrigins().includes(envOriginKey(profile.id, currentOrigin))) {
        return { status: 'origin-changed', storedOrigin: meantFor, currentOrigin };
      }
      return { status: 'ok', key: fromEnv, from: 'environment' };
    }
    if (this.globalState.get<string[]>(EVER_STORED, []).includes(profile.id)) return { status: 'lost' };
    return profile.requiresApiKey ? { status: 'none' } : { status: 'not-needed' };
  }

  /** After the user confirmed the new origin: the key now belongs to it. */
  async rebind(profile: ProviderProfile): Promise<void> {
    const raw = await this.secrets.get(secretName(profile.id));
    if (!raw) {
      // The key comes from the environment: remember that the writer let it go to this origin.
      const confirmed = new Set(this.environmentOrigins());
      confirmed.add(envOriginKey(profile.id, originOf(profile.baseUrl)));
      await this.globalState.update(ENV_ORIGINS_CONFIRMED, [...confirmed]);
      return;
    }
    const stored = JSON.parse(raw) as StoredKey;
    await this.set(profile, stored.key);
  }
}
