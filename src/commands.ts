import * as vscode from 'vscode';
import { Services } from './services';
import { CommandId } from './core/commandIds';
import { clearApiKey, selectModel, selectProvider, setApiKey } from './providers/providerCommands';
import { ContinueWriting } from './continueWriting/continueWriting';
import { AlternativesInPlace } from './continueWriting/alternativesInPlace';
import { ChatPanel } from './chat/registerChat';
import { TokenStatusItem } from './tokens/tokenStatusItem';
import { openSamplePassage, openWalkthrough } from './walkthrough/walkthrough';
import { ContextView } from './story/contextView';
import { StoryFolders } from './story/storyFolder';
import { exportLore, importLore, newEntryFromSelection } from './story/loreCommands';
import { Probabilities } from './probabilities/probabilities';
import { Reroll } from './probabilities/rerollFromToken';
import { toggleProbabilities, toggleProbabilityTint } from './probabilities/probabilityCommands';

type CommandHandler = (...args: unknown[]) => unknown;

/**
 * The one command table: id → handler, each reaching the feature object `activate` made (nothing
 * module-level). Registered in one loop in `registerCommands`; package.json lists the same ids
 * (a unit test checks).
 */
export interface Features {
  services: Services;
  writing: ContinueWriting;
  alternatives: AlternativesInPlace;
  chat: ChatPanel;
  tokenStatus: TokenStatusItem;
  contextView: ContextView;
  storyFolders: StoryFolders;
  probabilities: Probabilities;
  reroll: Reroll;
}

export function createCommands(features: Features): Record<CommandId, CommandHandler> {
  const { services, writing, alternatives, chat, tokenStatus, contextView, storyFolders, probabilities, reroll } = features;
  return {
    'inkwell.setApiKey': (providerId) => setApiKey(services, typeof providerId === 'string' ? providerId : undefined),
    'inkwell.clearApiKey': () => clearApiKey(services),
    'inkwell.selectProvider': () => selectProvider(services),
    'inkwell.selectModel': () => selectModel(services),
    'inkwell.showLog': () => services.log.show(),
    'inkwell.continueWriting': () => writing.run(),
    'inkwell.stop': () => writing.stopAll(),
    'inkwell.sendSelectionToChat': () => chat.sendSelection(),
    'inkwell.newChat': () => chat.newChat(),
    'inkwell.chatHistory': () => chat.history(),
    'inkwell.showTokenDetails': () => tokenStatus.showDetails(),
    'inkwell.showContext': () => contextView.show(),
    'inkwell.newLoreEntry': () => newEntryFromSelection(storyFolders),
    'inkwell.importLorebook': (file) => importLore(storyFolders, file instanceof vscode.Uri ? file : undefined),
    'inkwell.exportLorebook': (file) => exportLore(storyFolders, file instanceof vscode.Uri ? file : undefined),
    'inkwell.getStarted': () => openWalkthrough(),
    'inkwell.openSamplePassage': () => openSamplePassage(),
    // From a CodeLens the document's URI comes along; from a key or the palette, the active editor's.
    'inkwell.nextAlternative': (uri) => alternatives.next(uri instanceof vscode.Uri ? uri : undefined),
    'inkwell.previousAlternative': (uri) => alternatives.previous(uri instanceof vscode.Uri ? uri : undefined),
    'inkwell.retryAlternative': (uri) => alternatives.retry(uri instanceof vscode.Uri ? uri : undefined),
    'inkwell.keepAlternative': (uri) => alternatives.keep(uri instanceof vscode.Uri ? uri : undefined),
    'inkwell.discardAlternatives': (uri) => alternatives.discard(uri instanceof vscode.Uri ? uri : undefined),
    'inkwell.toggleProbabilities': () => toggleProbabilities(probabilities),
    'inkwell.toggleProbabilityTint': () => toggleProbabilityTint(),
    // From the hover's links: the document, the generation and the token (and the alternative chosen).
    'inkwell.rerollFromHere': (uri, id, token) => reroll.fromHere(uri, id, token),
    'inkwell.rerollWithToken': (uri, id, token, alternative) => reroll.withToken(uri, id, token, alternative),
  };
}

export function registerCommands(context: vscode.ExtensionContext, table: Record<CommandId, CommandHandler>): void {
  for (const [id, handler] of Object.entries(table)) {
    context.subscriptions.push(vscode.commands.registerCommand(id, handler));
  }
}
