import * as vscode from 'vscode';
import { Services, createServices } from './services';
import { createCommands, registerCommands } from './commands';
import { registerModelStatusItem } from './statusBar/modelStatusItem';
import { GenerationStatus } from './continueWriting/generationStatus';
import { registerChat } from './chat/registerChat';

/** What the extension hands to its own integration tests (and to nobody else). */
export interface InkwellTestApi {
  services: Services;
}

export function activate(context: vscode.ExtensionContext): InkwellTestApi | undefined {
  try {
    const services = createServices(context);
    const status = new GenerationStatus();
    context.subscriptions.push(status);
    registerCommands(context, createCommands(services, status));
    registerModelStatusItem(context, services.providers);
    registerChat(context, services);
    return context.extensionMode === vscode.ExtensionMode.Test ? { services } : undefined;
  } catch (error) {
    // VS Code does not show activation failures to the user; say it ourselves.
    void vscode.window.showErrorMessage(`Inkwell could not start: ${error instanceof Error ? error.message : String(error)}`);
    throw error;
  }
}

export function deactivate(): void {}
