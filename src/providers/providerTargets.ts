import * as vscode from 'vscode';
import { ProviderProfile } from '../core/providers/providerProfile';
import { builtInProviders, customProviders, INFERMATIC_ID } from '../core/providers/providerCatalog';
import { Settings } from '../settings';

const MODELS_BY_PROVIDER = 'inkwell.modelsByProvider';

/** The provider and model the writer chose. */
export interface ActiveTarget {
  profile: ProviderProfile;
  model: string;
}

/**
 * The providers (built-in and the writer's own, from settings) and which one, with which model, is
 * active. Fires `onDidChange` when any of that changes in settings, or a key is set or cleared.
 */
export class ProviderTargets implements vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changeEmitter.event;
  private readonly disposables: vscode.Disposable[] = [this.changeEmitter];
  private reportedProblems = '';

  constructor(
    private readonly globalState: vscode.Memento,
    /** Other changes that change what the providers offer (a key set or cleared). */
    alsoChangedBy: vscode.Event<unknown>[] = [],
  ) {
    for (const event of alsoChangedBy) this.disposables.push(event(() => this.changeEmitter.fire()));
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (Settings.affects(e, 'inkwell.provider', 'inkwell.model', 'inkwell.providers', 'inkwell.infermatic.baseUrl', 'inkwell.aimlapi.baseUrl')) {
          this.changeEmitter.fire();
        }
      }),
    );
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
