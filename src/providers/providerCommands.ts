import * as vscode from 'vscode';
import { ProviderProfile } from '../core/providers/providerProfile';
import { describeError, showProviderError, toProviderError } from '../errorMessages';
import type { Services } from '../services';
import type { ConfirmKeyOrigin } from './providerAuth';

/** What the provider commands use. */
type ProviderServices = Pick<Services, 'targets' | 'keys' | 'models' | 'secrets'>;

/** The question before a key goes to a provider's new address: modal, so it cannot be missed. */
export const confirmKeyOrigin: ConfirmKeyOrigin = async (profile, storedOrigin, currentOrigin) => {
  const send = 'Send Key There';
  const choice = await vscode.window.showWarningMessage(
    `${profile.label}'s address changed from ${storedOrigin} to ${currentOrigin}. Send your ${profile.label} key to the new address?`,
    { modal: true },
    send,
  );
  return choice === send;
};

const MANUAL_ENTRY = '$(edit) Enter a model id…';
const REFRESH = '$(refresh) Refresh the list';

async function pickProvider(services: ProviderServices, placeHolder: string): Promise<ProviderProfile | undefined> {
  const active = services.targets.active().profile;
  const keyed = await Promise.all(
    services.targets.profiles().map(async (p) => ({ p, status: (await services.keys.lookup(p)).status })),
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
export async function setApiKey(services: ProviderServices, providerId?: string): Promise<void> {
  const profile =
    (typeof providerId === 'string' ? services.targets.profile(providerId) : undefined) ??
    (await pickProvider(services, 'Which provider is this key for?'));
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
      () => services.models.tryKey(profile, key.trim()),
    );
    await services.keys.set(profile, key);
    const switchTo = 'Use It Now';
    const choice = await vscode.window.showInformationMessage(
      `Inkwell: your ${profile.label} key works (${models.length} model${models.length === 1 ? '' : 's'} available).`,
      ...(services.targets.active().profile.id === profile.id ? ['Select Model'] : [switchTo]),
    );
    if (choice === switchTo) await services.targets.selectProvider(profile.id);
    if (choice === switchTo || choice === 'Select Model') await vscode.commands.executeCommand('inkwell.selectModel');
  } catch (error) {
    const e = toProviderError(error);
    const why = services.secrets.redact(e.message);
    if (e.kind === 'auth' || e.kind === 'forbidden') {
      // The refused key is not kept; a key stored before stays as it was.
      const again = 'Enter Another Key';
      const choice = await vscode.window.showErrorMessage(`Inkwell: ${profile.label} refused this key, so it was not saved. ${why}`, again);
      if (choice === again) await setApiKey(services, profile.id);
      return;
    }
    // The key may be fine and the server unreachable: keep it, say what happened.
    await services.keys.set(profile, key);
    await vscode.window.showWarningMessage(
      `Inkwell: the key for ${profile.label} is saved, but it could not be checked. ${describeError(e, services.secrets)}`,
    );
  }
}

export async function clearApiKey(services: ProviderServices): Promise<void> {
  const profile = await pickProvider(services, 'Clear the key of which provider?');
  if (!profile) return;
  await services.keys.clear(profile);
  void vscode.window.showInformationMessage(`Inkwell: the ${profile.label} key was removed.`);
}

export async function selectProvider(services: ProviderServices): Promise<void> {
  const profile = await pickProvider(services, 'Choose the provider Inkwell writes with');
  if (!profile) return;
  await services.targets.selectProvider(profile.id);
  const status = (await services.keys.lookup(profile)).status;
  if (status === 'none' || status === 'lost') {
    const set = 'Set API Key';
    if ((await vscode.window.showInformationMessage(`Inkwell: ${profile.label} needs an API key.`, set)) === set) {
      await setApiKey(services, profile.id);
    }
  }
}

/** Select Model: the provider's list (searchable, cached for the session), or a typed id. */
export async function selectModel(services: ProviderServices): Promise<void> {
  const { profile, model: current } = services.targets.active();
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
      const models = await services.models.list(profile, { interactive: true, refresh });
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
      void showProviderError(error, services.secrets, `listing ${profile.label}'s models`);
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
  if (chosen?.trim()) await services.targets.selectModel(chosen.trim());
}
