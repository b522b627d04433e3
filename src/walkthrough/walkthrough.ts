// The Getting Started walkthrough's glue. Each step of `contributes.walkthroughs` ticks itself off
// through a completion event; the two that depend on state (a usable key, a chosen model) read the
// context keys kept here, so a writer who already has a key sees that step done at once.
import * as vscode from 'vscode';
import type { Services } from '../services';
import { Settings } from '../settings';

/** `publisher.name#walkthroughId`, as VS Code's openWalkthrough command takes it. */
export const WALKTHROUGH_ID = 'inkwell.inkwell#gettingStarted';

export const PROVIDER_READY_CONTEXT = 'inkwell.providerReady';
export const MODEL_CHOSEN_CONTEXT = 'inkwell.modelChosen';

const SAMPLE_PASSAGE = `# The Lamplighter's Daughter

The last lamp on Wick Street never lit on the first try. Mara had learned to strike the flint twice, to
cup her hand against the wind off the river, and to wait — because the lamp, her father said, liked to
be asked politely.

Tonight it lit at once. The flame stood tall and blue, and in its light she saw that the door of the
chandler's shop, shut these three years, was standing open.
`;

/** Keeps the walkthrough's context keys true to the active provider and model. */
export function registerWalkthroughContext(context: vscode.ExtensionContext, services: Pick<Services, 'targets' | 'keys'>): void {
  let latest = 0;
  const update = async () => {
    const run = ++latest;
    const { profile } = services.targets.active();
    const lookup = await services.keys.lookup(profile);
    if (run !== latest) return; // a newer update is under way
    const ready = lookup.status === 'ok' || lookup.status === 'not-needed';
    await vscode.commands.executeCommand('setContext', PROVIDER_READY_CONTEXT, ready);
    await vscode.commands.executeCommand('setContext', MODEL_CHOSEN_CONTEXT, new Settings().model !== '');
  };
  const refresh = () => void update().catch(() => undefined);
  context.subscriptions.push(services.targets.onDidChange(refresh));
  refresh();
}

export function openWalkthrough(): Thenable<unknown> {
  return vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH_ID, false);
}

/** An untitled Markdown passage with the cursor at its end, ready for Continue Writing. */
export async function openSamplePassage(): Promise<void> {
  const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: SAMPLE_PASSAGE });
  const editor = await vscode.window.showTextDocument(document, { preview: false });
  const end = document.positionAt(document.getText().trimEnd().length);
  editor.selection = new vscode.Selection(end, end);
  editor.revealRange(new vscode.Range(end, end));
}
