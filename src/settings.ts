import * as vscode from 'vscode';
import { SETTINGS, SettingKey, clampToDeclaration, workspaceMayDecide } from './core/settingsSchema';
import { SamplingSettings } from './core/providers/samplingParams';
import { CustomProviderSetting } from './core/providers/providerCatalog';
import { GenerationMode } from './core/requests/buildRequest';
import { StoryOptions } from './core/story/storyPrompt';

type Section = SettingKey extends `inkwell.${infer S}` ? S : never;

const SAMPLING_KEYS = {
  temperature: 'inkwell.sampling.temperature',
  top_p: 'inkwell.sampling.topP',
  top_k: 'inkwell.sampling.topK',
  min_p: 'inkwell.sampling.minP',
  top_a: 'inkwell.sampling.topA',
  repetition_penalty: 'inkwell.sampling.repetitionPenalty',
  frequency_penalty: 'inkwell.sampling.frequencyPenalty',
  presence_penalty: 'inkwell.sampling.presencePenalty',
  seed: 'inkwell.sampling.seed',
  min_tokens: 'inkwell.sampling.minTokens',
  n: 'inkwell.sampling.n',
} as const satisfies Partial<Record<keyof SamplingSettings, SettingKey>>;

/**
 * The one place Inkwell reads its settings. Application-scoped settings (everything that decides
 * where a request goes) are read from user settings and defaults only, whatever a workspace says;
 * so are the restricted ones (prompts, cost) in an untrusted workspace. Numbers are held to the
 * range the schema declares.
 */
export class Settings {
  constructor(private readonly scope?: vscode.Uri) {}

  static forDocument(document?: vscode.TextDocument): Settings {
    return new Settings(document?.uri);
  }

  private get<T>(key: SettingKey): T {
    const declaration = SETTINGS[key];
    const section = key.slice('inkwell.'.length) as Section;
    const config = vscode.workspace.getConfiguration('inkwell', this.scope);
    if (!workspaceMayDecide(key, vscode.workspace.isTrusted)) {
      const inspected = config.inspect<T>(section);
      return clampToDeclaration(key, inspected?.globalValue ?? inspected?.defaultValue ?? declaration.default) as T;
    }
    return clampToDeclaration(key, config.get<T>(section, declaration.default as T)) as T;
  }

  get providerId(): string {
    return this.get<string>('inkwell.provider');
  }
  get model(): string {
    return this.get<string>('inkwell.model').trim();
  }
  get infermaticBaseUrl(): string {
    return this.get<string>('inkwell.infermatic.baseUrl');
  }
  get aimlapiBaseUrl(): string {
    return this.get<string>('inkwell.aimlapi.baseUrl');
  }
  get customProviders(): CustomProviderSetting[] {
    const value = this.get<unknown>('inkwell.providers');
    return Array.isArray(value) ? (value as CustomProviderSetting[]) : [];
  }
  get generationMode(): 'auto' | GenerationMode {
    const v = this.get<string>('inkwell.generation.mode');
    return v === 'completion' || v === 'chat' ? v : 'auto';
  }
  get generationSystemPrompt(): string {
    return this.get<string>('inkwell.generation.systemPrompt');
  }
  get contextOverflow(): 'trimStart' | 'refuse' {
    return this.get<string>('inkwell.generation.contextOverflow') === 'refuse' ? 'refuse' : 'trimStart';
  }
  get chatSystemPrompt(): string {
    return this.get<string>('inkwell.chat.systemPrompt');
  }
  get contextSizeOverride(): number | undefined {
    const v = this.get<number | null>('inkwell.contextSize');
    return typeof v === 'number' && v > 0 ? v : undefined;
  }
  get tokenizer(): string {
    return this.get<string>('inkwell.tokenizer');
  }
  get tokenCountOnServer(): boolean {
    return this.get<boolean>('inkwell.tokenCount.useServer') !== false;
  }
  get manuscriptLanguages(): string[] {
    const value = this.get<unknown>('inkwell.manuscript.languages');
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  }
  get sampling(): SamplingSettings {
    const out: SamplingSettings = { max_tokens: Math.max(1, Math.floor(this.get<number>('inkwell.sampling.maxTokens') || 300)) };
    for (const [param, key] of Object.entries(SAMPLING_KEYS) as [keyof typeof SAMPLING_KEYS, SettingKey][]) {
      const v = this.get<unknown>(key);
      if (typeof v === 'number' && Number.isFinite(v)) out[param] = v;
    }
    // Counts are whole numbers, and asking for more tokens at least than at most is a contradiction.
    if (out.n !== undefined) out.n = Math.floor(out.n);
    if (out.min_tokens !== undefined) out.min_tokens = Math.min(Math.floor(out.min_tokens), out.max_tokens);
    const stop = this.get<unknown>('inkwell.sampling.stop');
    if (Array.isArray(stop)) {
      const strings = stop.filter((s): s is string => typeof s === 'string' && s.length > 0);
      if (strings.length) out.stop = strings;
    }
    return out;
  }
  get timeouts(): { connectMs: number; firstByteMs: number; idleMs: number } {
    const seconds = (key: SettingKey) => Math.max(1, this.get<number>(key)) * 1000;
    return {
      connectMs: seconds('inkwell.network.connectTimeoutSeconds'),
      firstByteMs: seconds('inkwell.network.firstByteTimeoutSeconds'),
      idleMs: seconds('inkwell.network.idleTimeoutSeconds'),
    };
  }
  /** Continuations per Continue Writing (clamped to 1–8 by the schema's bounds). */
  get alternativesCount(): number {
    return Math.max(1, Math.floor(this.get<number>('inkwell.alternatives.count') || 1));
  }
  get storyFolder(): string {
    return this.get<string>('inkwell.story.folder');
  }
  /** The top alternatives to ask for with each token; 0: probabilities are not asked for. */
  get probabilitiesTopK(): number {
    const v = this.get<unknown>('inkwell.probabilities.topK');
    return typeof v === 'number' && Number.isFinite(v) ? Math.round(v) : 0;
  }
  get probabilityTint(): boolean {
    return this.get<unknown>('inkwell.probabilities.tint') === true;
  }
  /** How the story folder's parts go into a prompt (README "Story memory"). */
  get story(): StoryOptions {
    const num = (key: SettingKey) => {
      const v = this.get<unknown>(key);
      return typeof v === 'number' && Number.isFinite(v) ? v : (SETTINGS[key].default as number);
    };
    const whole = (key: SettingKey) => Math.floor(num(key));
    const text = (key: SettingKey, fallback: string) => {
      const v = this.get<unknown>(key);
      return typeof v === 'string' ? v.slice(0, 200) : fallback;
    };
    return {
      loreShare: num('inkwell.story.loreBudget'),
      scanTokens: whole('inkwell.story.scanTokens'),
      recursionRounds: whole('inkwell.story.recursionRounds'),
      authorsNoteDepth: whole('inkwell.story.authorsNoteDepth'),
      partSeparator: text('inkwell.story.partSeparator', '\n\n'),
      storySeparator: text('inkwell.story.storySeparator', '\n***\n'),
    };
  }
  /** The whole generation's limit, retries included. */
  get generationTimeoutMs(): number {
    return Math.max(10, this.get<number>('inkwell.network.generationTimeoutSeconds')) * 1000;
  }
  get maxRetries(): number {
    return Math.max(0, Math.min(10, Math.floor(this.get<number>('inkwell.network.maxRetries'))));
  }

  static async setGlobal(key: SettingKey, value: unknown): Promise<void> {
    await vscode.workspace
      .getConfiguration('inkwell')
      .update(key.slice('inkwell.'.length), value, vscode.ConfigurationTarget.Global);
  }

  /**
   * Sets `key` where its value now comes from (this folder's or workspace's settings when they set it,
   * else the user's), so that a toggle changes what the writer actually gets.
   */
  static async setEffective(key: SettingKey, value: unknown, scope?: vscode.Uri): Promise<void> {
    const section = key.slice('inkwell.'.length);
    const config = vscode.workspace.getConfiguration('inkwell', scope);
    const inspected = config.inspect(section);
    const target =
      inspected?.workspaceFolderValue !== undefined
        ? vscode.ConfigurationTarget.WorkspaceFolder
        : inspected?.workspaceValue !== undefined
          ? vscode.ConfigurationTarget.Workspace
          : vscode.ConfigurationTarget.Global;
    await config.update(section, value, target);
  }

  static affects(event: vscode.ConfigurationChangeEvent, ...keys: SettingKey[]): boolean {
    return keys.length === 0 ? event.affectsConfiguration('inkwell') : keys.some((k) => event.affectsConfiguration(k));
  }
}
