import * as vscode from 'vscode';
import { createServices } from './services';
import { createCommands, registerCommands } from './commands';
import { registerModelStatusItem } from './statusBar/modelStatusItem';
import { GenerationStatus } from './continueWriting/generationStatus';

export function activate(context: vscode.ExtensionContext): void {
  try {
    const services = createServices(context);
    const status = new GenerationStatus();
    context.subscriptions.push(status);
    registerCommands(context, createCommands(services, status));
    registerModelStatusItem(context, services.providers);
  } catch (error) {
    // VS Code does not show activation failures to the user; say it ourselves.
    void vscode.window.showErrorMessage(`Inkwell could not start: ${error instanceof Error ? error.message : String(error)}`);
    throw error;
  }
}

export function deactivate(): void {}
