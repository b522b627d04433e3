import * as vscode from 'vscode';
import { ProviderProfile } from './core/providers/providerProfile';
import { describeError, showProviderError, toProviderError } from './errorMessages';
import { redactSecrets } from './core/errors/redact';
import { ProviderService } from './providerService';

const MANUAL_ENTRY = '$(edit) Enter a model id…';
const REFRESH = '$(refresh) Refresh the list';

async function pickProvider(service: ProviderService, placeHolder: string): Promise<ProviderProfile | undefined> {
  const active = service.active().profile;
  const keyed = await Promise.all(
    service.profiles().map(async (p) => ({ p, status: (await service.keys.lookup(p)).status })),
  );
  const picked = await vscode.window.showQuickPick(
    keyed.map(({ p, status }) => ({
      label: p.label,
      description: p.id === active.id ? 'active' : undefined,
      detail: `${p.baseUrl}${status === 'ok' ? ' · key set' : status === 'not-needed' ? '' : p.requiresApiKey ? ' · no key' : ''}`,
      profile: p,
    })),
    // ignoreFocusOut: the Getting Started walkthrough moves focus to its next step as soon as this
    // command runs, which would otherwise close the pick before the writer has chosen.
    { placeHolder, matchOnDetail: true, ignoreFocusOut: true },
  );
  return picked?.profile;
}

/** Set API Key: a password box, then the key is tried at once by listing models. */
export async function setApiKey(service: ProviderService, providerId?: string): Promise<void> {
  const profile =
    (typeof providerId === 'string' ? service.profile(providerId) : undefined) ??
    (await pickProvider(service, 'Which provider is this key for?'));
  if (!profile) return;
  const key = await vscode.window.showInputBox({
    title: `Inkwell: API key for ${profile.label}`,
    prompt: `Paste your ${profile.label} API key. It is kept in VS Code's secret storage and sent only to ${new URL(profile.baseUrl).origin}.`,
    password: true,
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim().length === 0 ? 'The key is empty.' : /\s/.test(v.trim()) ? 'A key has no spaces.' : undefined),
  });
  if (key === undefined) return;
  try {
    const models = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Inkwell: checking your ${profile.label} key…` },
      () => service.tryKey(profile, key.trim()),
    );
    await service.keys.set(profile, key);
    const switchTo = 'Use It Now';
    const choice = await vscode.window.showInformationMessage(
      `Inkwell: your ${profile.label} key works (${models.length} model${models.length === 1 ? '' : 's'} available).`,
      ...(service.active().profile.id === profile.id ? ['Select Model'] : [switchTo]),
    );
    if (choice === switchTo) await service.selectProvider(profile.id);
    if (choice === switchTo || choice === 'Select Model') await vscode.commands.executeCommand('inkwell.selectModel');
  } catch (error) {
    const e = toProviderError(error);
    const why = redactSecrets(e.message, [...service.knownSecrets(), key]);
    if (e.kind === 'auth' || e.kind === 'forbidden') {
      // The refused key is not kept; a key stored before stays as it was.
      const again = 'Enter Another Key';
      const choice = await vscode.window.showErrorMessage(`Inkwell: ${profile.label} refused this key, so it was not saved. ${why}`, again);
      if (choice === again) await setApiKey(service, profile.id);
      return;
    }
    // The key may be fine and the server unreachable: keep it, say what happened.
    await service.keys.set(profile, key);
    await vscode.window.showWarningMessage(
      `Inkwell: the key for ${profile.label} is saved, but it could not be checked. ${describeError(e, [...service.knownSecrets(), key])}`,
    );
  }
}

export async function clearApiKey(service: ProviderService): Promise<void> {
  const profile = await pickProvider(service, 'Clear the key of which provider?');
  if (!profile) return;
  await service.keys.clear(profile);
  void vscode.window.showInformationMessage(`Inkwell: the ${profile.label} key was removed.`);
}

export async function selectProvider(service: ProviderService): Promise<void> {
  const profile = await pickProvider(service, 'Choose the provider Inkwell writes with');
  if (!profile) return;
  await service.selectProvider(profile.id);
  const status = (await service.keys.lookup(profile)).status;
  if (status === 'none' || status === 'lost') {
    const set = 'Set API Key';
    if ((await vscode.window.showInformationMessage(`Inkwell: ${profile.label} needs an API key.`, set)) === set) {
      await setApiKey(service, profile.id);
    }
  }
}

/** Select Model: the provider's list (searchable, cached for the session), or a typed id. */
export async function selectModel(service: ProviderService): Promise<void> {
  const { profile, model: current } = service.active();
  type Item = vscode.QuickPickItem & { model?: string };
  const quickPick = vscode.window.createQuickPick<Item>();
  quickPick.title = `Inkwell: ${profile.label} models`;
  quickPick.placeholder = 'Type to search, or type a model id and press Enter';
  quickPick.matchOnDescription = true;
  // As for the provider pick: a walkthrough button that runs this moves focus back to its page.
  quickPick.ignoreFocusOut = true;
  quickPick.busy = true;
  quickPick.items = [{ label: MANUAL_ENTRY, alwaysShow: true }];
  quickPick.show();

  const load = async (refresh: boolean) => {
    quickPick.busy = true;
    try {
      const models = await service.listModels(profile, { interactive: true, refresh });
      quickPick.items = [
        ...models.map((m) => ({
          label: m.id,
          description: [m.id === current ? 'current' : '', m.contextLength ? `${Math.round(m.contextLength / 1024)}k context` : '']
            .filter(Boolean)
            .join(' · '),
          detail: m.label && m.label !== m.id ? m.label : undefined,
          model: m.id,
        })),
        { label: '', kind: vscode.QuickPickItemKind.Separator },
        { label: MANUAL_ENTRY, alwaysShow: true },
        { label: REFRESH, alwaysShow: true },
      ];
      if (models.length === 0) quickPick.placeholder = `${profile.label} lists no models: type a model id and press Enter`;
    } catch (error) {
      quickPick.items = [{ label: MANUAL_ENTRY, alwaysShow: true }, { label: REFRESH, alwaysShow: true }];
      quickPick.placeholder = 'The list could not be loaded: type a model id and press Enter';
      void showProviderError(error, service.knownSecrets(), `listing ${profile.label}'s models`);
    } finally {
      quickPick.busy = false;
    }
  };
  void load(false);

  const chosen = await new Promise<string | undefined>((resolve) => {
    quickPick.onDidAccept(async () => {
      const item = quickPick.selectedItems[0];
      if (item?.label === REFRESH) {
        void load(true);
        return;
      }
      if (item?.model) return resolve(item.model);
      const typed = quickPick.value.trim();
      if (typed && item?.label !== MANUAL_ENTRY) return resolve(typed);
      quickPick.hide();
      resolve(
        await vscode.window.showInputBox({ title: `Inkwell: model id for ${profile.label}`, value: typed || current, ignoreFocusOut: true }),
      );
    });
    quickPick.onDidHide(() => resolve(undefined));
  });
  quickPick.dispose();
  if (chosen?.trim()) await service.selectModel(chosen.trim());
}
