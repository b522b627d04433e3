import * as vscode from 'vscode';
import { Services, createServices } from './services';
import { createCommands, registerCommands } from './commands';
import { registerModelStatusItem } from './providers/modelStatusItem';
import { ContinueWriting } from './continueWriting/continueWriting';
import { AlternativesInPlace } from './continueWriting/alternativesInPlace';
import { registerChat } from './chat/registerChat';
import { TokenStatusItem } from './tokens/tokenStatusItem';
import { registerWalkthroughContext } from './walkthrough/walkthrough';
import { StoryFolders } from './story/storyFolder';
import { StoryPrompts } from './story/storyPrompts';
import { registerLoreLanguageFeatures } from './story/loreLanguageFeatures';
import { ContextWatch } from './story/contextWatch';
import { ContextView } from './story/contextView';
import { Probabilities } from './probabilities/probabilities';
import { Reroll } from './probabilities/rerollFromToken';
import { ProbabilityTint } from './probabilities/probabilityTint';
import { registerTokenHover } from './probabilities/probabilityHover';

/** What the extension hands to its own integration tests (and to nobody else). */
export interface InkwellTestApi {
  services: Services;
  tokenStatus: TokenStatusItem;
  alternatives: AlternativesInPlace;
  /** The story folder's prompt planning and the record of what was sent. */
  prompts: StoryPrompts;
  /** What the model sees: the panel, its content and the watch that plans it. */
  contextView: ContextView;
  /** Token probabilities kept on generated text, and rerolling from them. */
  probabilities: Probabilities;
  reroll: Reroll;
  tint: ProbabilityTint;
  /** For the test that plays the next session's start against this one's storage. */
  workspaceState: vscode.Memento;
}

export function activate(context: vscode.ExtensionContext): InkwellTestApi | undefined {
  try {
    const services = createServices(context);
    // Every feature is made here and handed to the command table: nothing is module-level.
    const alternatives = new AlternativesInPlace(context.workspaceState);
    const storyFolders = new StoryFolders();
    const prompts = new StoryPrompts(services, storyFolders);
    const probabilities = new Probabilities(context.globalState, services.log, services.secrets);
    const writing = new ContinueWriting(services, alternatives, prompts, probabilities);
    const reroll = new Reroll(services, probabilities, alternatives, writing);
    const tint = new ProbabilityTint(probabilities.records);
    const tokenStatus = new TokenStatusItem(services);
    const contextView = new ContextView(services, new ContextWatch(services, prompts));
    context.subscriptions.push(storyFolders, prompts, alternatives, probabilities, writing, tint, registerTokenHover(probabilities.records), tokenStatus, contextView.watch, contextView);
    const chat = registerChat(context, services, storyFolders, probabilities);
    registerCommands(context, createCommands({ services, writing, alternatives, chat, tokenStatus, contextView, storyFolders, probabilities, reroll }));
    registerModelStatusItem(context, services, probabilities.support);
    registerWalkthroughContext(context, services);
    registerLoreLanguageFeatures(context, storyFolders);
    return context.extensionMode === vscode.ExtensionMode.Test ? { services, tokenStatus, alternatives, prompts, contextView, probabilities, reroll, tint, workspaceState: context.workspaceState } : undefined;
  } catch (error) {
    // VS Code does not show activation failures to the user; say it ourselves.
    void vscode.window.showErrorMessage(`Inkwell could not start: ${error instanceof Error ? error.message : String(error)}`);
    throw error;
  }
}

export function deactivate(): void {}
