import * as vscode from 'vscode';
import { Services } from './services';
import { clearApiKey, selectModel, selectProvider, setApiKey } from './providerCommands';
import { continueWriting, stopAllGenerations } from './continueWriting/continueWriting';
import { GenerationStatus } from './continueWriting/generationStatus';
import { chatHistory, newChat, sendSelectionToChat } from './chat/registerChat';
import { TokenStatusItem } from './statusBar/tokenStatusItem';
import { openSamplePassage, openWalkthrough } from './walkthrough/walkthrough';

type CommandHandler = (...args: unknown[]) => unknown;

/** The one command table: id → handler. Registered in one loop in `registerCommands`. */
export function createCommands(services: Services, status: GenerationStatus, tokenStatus: TokenStatusItem): Record<string, CommandHandler> {
  return {
    'inkwell.setApiKey': (providerId) => setApiKey(services.providers, typeof providerId === 'string' ? providerId : undefined),
    'inkwell.clearApiKey': () => clearApiKey(services.providers),
    'inkwell.selectProvider': () => selectProvider(services.providers),
    'inkwell.selectModel': () => selectModel(services.providers),
    'inkwell.showLog': () => services.log.show(),
    'inkwell.continueWriting': () => continueWriting(services, status),
    'inkwell.stop': () => stopAllGenerations(),
    'inkwell.sendSelectionToChat': () => sendSelectionToChat(),
    'inkwell.newChat': () => newChat(),
    'inkwell.chatHistory': () => chatHistory(),
    'inkwell.showTokenDetails': () => tokenStatus.showDetails(),
    'inkwell.getStarted': () => openWalkthrough(),
    'inkwell.openSamplePassage': () => openSamplePassage(),
  };
}

export function registerCommands(context: vscode.ExtensionContext, table: Record<string, CommandHandler>): void {
  for (const [id, handler] of Object.entries(table)) {
    context.subscriptions.push(vscode.commands.registerCommand(id, handler));
  }
}
