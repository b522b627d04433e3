// The chat's logic (src/core/chat/chatController.ts) wired to VS Code and Inkwell's services: the
// ports it needs, each a few lines over the real thing, and the events that tell it what changed.
import * as vscode from 'vscode';
import { ChatController } from '../core/chat/chatController';
import { ChatHistory } from '../core/chat/chatHistory';
import { ChatHost, ChatModel, ChatProviders, ChatTarget, realTimers } from '../core/chat/chatPorts';
import { ProviderError } from '../core/errors/providerError';
import { describeError } from '../errorMessages';
import type { ActiveTarget } from '../providers/providerTargets';
import { Services } from '../services';
import { Settings } from '../settings';
import { ManuscriptEditor } from './manuscriptEditor';
import { StoryFolders } from '../story/storyFolder';
import { chatStoryContext } from '../core/story/chatStory';
import { ProbabilityCapture } from '../probabilities/probabilityCapture';
import type { Probabilities } from '../probabilities/probabilities';

export type { Poster } from '../core/chat/chatController';

export class ChatSession extends ChatController implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[];

  constructor(
    services: Services,
    history: ChatHistory,
    manuscript: ManuscriptEditor,
    folders: StoryFolders,
    probabilities: Probabilities,
  ) {
    super({
      providers: chatProviders(services),
      model: chatModel(services, probabilities),
      host: chatHost(services, manuscript, folders),
      storage: { store: history.store, save: (changed) => history.save(changed) },
      timers: realTimers,
    });
    this.disposables = [
      services.targets.onDidChange(() => this.providersChanged()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (Settings.affects(e, 'inkwell.chat.systemPrompt', 'inkwell.contextSize', 'inkwell.tokenizer')) this.settingsChanged();
      }),
    ];
  }

  override dispose(): void {
    super.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

function chatProviders(services: Services): ChatProviders {
  const { targets, models } = services;
  return {
    active: () => {
      const { profile, model } = targets.active();
      return { providerId: profile.id, model };
    },
    profiles: () => targets.profiles().map((p) => ({ id: p.id, label: p.label })),
    selectProvider: (id) => targets.selectProvider(id),
    selectModel: (model) => targets.selectModel(model),
    listModels: async (providerId, refresh) => {
      const profile = targets.profile(providerId);
      if (!profile) return [];
      return (await models.list(profile, { interactive: false, refresh })).map((m) => m.id);
    },
  };
}

/** The full target for a chat target: the profile as the settings have it now. */
function resolve(services: Services, target: ChatTarget): ActiveTarget | undefined {
  const profile = services.targets.profile(target.providerId);
  return profile && { profile, model: target.model };
}

function chatModel(services: Services, probabilities: Probabilities): ChatModel {
  return {
    generate: async (request) => {
      const target = resolve(services, request.target);
      if (!target) return { outcome: 'error', error: new ProviderError({ kind: 'no-model' }), tokens: 0, foldedSystemPrompt: false };
      const topLogprobs = probabilities.support.topKFor(target, request.topLogprobs ?? 0);
      if (!topLogprobs) return services.generator.generate({ ...request, target, mode: 'chat', topLogprobs: 0 });
      // The reply's probabilities, as the panel shows them: its first choice, the one the panel writes.
      const capture = new ProbabilityCapture(topLogprobs);
      const result = await services.generator.generate({
        ...request,
        target,
        mode: 'chat',
        topLogprobs,
        onText: (index, text) => {
          capture.text(index, text);
          request.onText(index, text);
        },
        onLogprobs: (index, logprobs) => capture.logprobs(index, logprobs),
      });
      void probabilities.support.judge(target, capture.sawLogprobs, result);
      return capture.sawLogprobs ? { ...result, probabilities: capture.tokens() } : result;
    },
    measure: async (text, chatTarget) => {
      const target = resolve(services, chatTarget);
      if (!target) throw new Error(`no provider ${chatTarget.providerId}`);
      // The chat is about no one document: its settings are the window's.
      const settings = new Settings();
      const [used, context] = await Promise.all([services.tokens.count(text, target, settings), services.contextSize(target, settings)]);
      return { used, context: context.tokens };
    },
  };
}

function chatHost(services: Services, manuscript: ManuscriptEditor, folders: StoryFolders): ChatHost {
  return {
    writeClipboard: (text) => Promise.resolve(vscode.env.clipboard.writeText(text)),
    runCommand: async (command) => {
      await vscode.commands.executeCommand(command);
    },
    showInformation: (text) => void vscode.window.showInformationMessage(text),
    applyToEditor: (text, how) => manuscript.apply(text, how),
    log: (line) => services.log.info(line),
    describeError: (error) => describeError(error, services.secrets),
    settings: () => {
      const settings = new Settings();
      return { chatSystemPrompt: settings.chatSystemPrompt, sampling: settings.sampling, probabilitiesTopK: settings.probabilitiesTopK };
    },
    storyContext: async (conversation, chatTarget) => {
      // The chat is about the story of the manuscript in front of the writer, else the first workspace folder's.
      const anchor = vscode.window.activeTextEditor?.document.uri ?? vscode.workspace.workspaceFolders?.[0]?.uri;
      const target = resolve(services, chatTarget);
      if (!anchor || !target) return '';
      const settings = Settings.forDocument({ uri: anchor } as vscode.TextDocument);
      const context = await services.contextSize(target, settings);
      const story = await chatStoryContext(await folders.material(anchor), conversation, settings.story, context.tokens, (text) => services.tokens.count(text, target, settings));
      return story.text;
    },
  };
}
