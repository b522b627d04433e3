import * as vscode from 'vscode';
import {
  ExtensionToWebview,
  InitialState,
  InitialStateMessage,
  PanelConfig,
  Passage,
  WebviewToExtension,
  assertNever,
} from '../core/protocol/chatProtocol';
import { ChatHistory } from '../core/chat/chatHistory';
import {
  ChatStore,
  ChatTurn,
  Conversation,
  addExchange,
  editAndResend,
  findTurn,
  modelMessages,
  regenerateReply,
  toView,
  turnView,
} from '../core/chat/transcript';
import { SAMPLING_PRESETS, applyPreset, findPreset } from '../core/chat/samplingPresets';
import { ProviderError } from '../core/errors/providerError';
import { chatTemplateOverhead } from '../core/continuation/promptWindow';
import { describeError } from '../errorMessages';
import { ERROR_ACTION_TABLE, actionsFor } from '../core/errors/errorActions';
import { Services } from '../services';
import { Settings } from '../settings';
import { ManuscriptEditor } from './manuscriptEditor';

const STREAM_FLUSH_MS = 30;
const SAVE_WHILE_STREAMING_MS = 1000;
const TOKENS_DEBOUNCE_MS = 250;

interface Running {
  requestId: string;
  messageId: string;
  controller: AbortController;
  done: Promise<void>;
}

export type Poster = (message: ExtensionToWebview) => void;

/** The text a conversation's token count is taken over: what the model is sent, message by message. */
function countedText(messages: readonly { content: string }[]): string {
  return messages.map((m) => m.content).join('\n\n');
}

/**
 * The chat's state and behaviour, apart from the webview that shows it: the transcript (kept in
 * workspace storage by ChatHistory), the one generation that may run, and what each protocol message does.
 * The view posts here what it received (already validated); this posts back through `post` once
 * the webview said it is ready.
 */
export class ChatSession implements vscode.Disposable {
  readonly store: ChatStore;
  private poster: Poster | undefined;
  private running: Running | undefined;
  private pendingPassage: Passage | undefined;
  private focusWhenReady = false;
  private models: { providerId: string; list?: string[]; error?: string } | undefined;
  private tokensTimer: NodeJS.Timeout | undefined;
  private tokensGeneration = 0;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly postListeners = new Set<(message: ExtensionToWebview) => void>();
  /** Messages the webview sent that passed validation, and the render timings it reported. */
  readonly stats = { readyCount: 0, lastRender: undefined as { messages: number; ms: number } | undefined };

  constructor(
    private readonly services: Services,
    private readonly history: ChatHistory,
    private readonly manuscript: ManuscriptEditor,
  ) {
    this.store = history.store;
    this.disposables.push(
      services.providers.onDidChange(() => {
        this.models = undefined;
        this.postConfig();
        this.scheduleTokens();
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (Settings.affects(e, 'inkwell.chat.systemPrompt', 'inkwell.contextSize', 'inkwell.tokenizer')) {
          this.postConfig();
          this.scheduleTokens();
        }
      }),
    );
  }

  get isRunning(): boolean {
    return this.running !== undefined;
  }

  /** Resolves when the running generation (if any) has ended and been recorded. */
  async idle(): Promise<void> {
    await this.running?.done;
  }

  /** For tests and benchmarks: every message posted (or that would be posted) to the webview. */
  onDidPost(listener: (message: ExtensionToWebview) => void): vscode.Disposable {
    this.postListeners.add(listener);
    return new vscode.Disposable(() => this.postListeners.delete(listener));
  }

  // -------------------------------------------------------------------------------------------
  // The webview connection

  /** A webview page loaded and said ready: from now on it gets everything, starting with the state. */
  connect(poster: Poster): void {
    this.poster = poster;
    this.stats.readyCount++;
    this.postConversation();
    this.postConfig();
    this.scheduleTokens(0);
    if (this.pendingPassage) {
      this.post({ type: 'attachPassage', passage: this.pendingPassage });
      this.pendingPassage = undefined;
      this.focusWhenReady = false;
    } else if (this.focusWhenReady) {
      this.post({ type: 'focusInput' });
      this.focusWhenReady = false;
    }
  }

  /** The page went away (hidden, disposed or reloading); nothing is posted until the next ready. */
  disconnect(): void {
    this.poster = undefined;
  }

  private post(message: ExtensionToWebview): void {
    for (const listener of this.postListeners) listener(message);
    this.poster?.(message);
  }

  // -------------------------------------------------------------------------------------------
  // Entry points for commands

  attachPassage(passage: Passage): void {
    if (this.poster) this.post({ type: 'attachPassage', passage });
    else this.pendingPassage = passage;
  }

  focusInput(): void {
    if (this.poster) this.post({ type: 'focusInput' });
    else this.focusWhenReady = true;
  }

  newChat(): void {
    if (this.running) this.running.controller.abort();
    const previous = this.store.current;
    const fresh = this.store.newConversation();
    if (fresh !== previous) {
      if (previous.systemPrompt !== undefined) fresh.systemPrompt = previous.systemPrompt;
      if (previous.presetId) fresh.presetId = previous.presetId;
    }
    this.conversationSwitched();
    this.focusInput();
  }

  openConversation(id: string): boolean {
    if (this.running) this.running.controller.abort();
    if (!this.store.open(id)) return false;
    this.conversationSwitched();
    return true;
  }

  /** Another conversation is current: keep the store, and show it with its config and count. */
  private conversationSwitched(): void {
    this.saveNow();
    this.postConversation();
    this.postConfig();
    this.scheduleTokens();
  }

  // -------------------------------------------------------------------------------------------
  // Protocol messages

  async handle(message: WebviewToExtension): Promise<void> {
    switch (message.type) {
      case 'ready':
        // The view connects the poster before handing 'ready' on; nothing more to do here.
        return;
      case 'send':
        return this.send(message.requestId, message.text, message.passage);
      case 'stop':
        if (this.running?.requestId === message.requestId) this.running.controller.abort();
        return;
      case 'regenerate':
        return this.regenerate(message.requestId, message.messageId);
      case 'editResend':
        return this.editResend(message.requestId, message.messageId, message.text);
      case 'errorAction':
        if (message.action === 'retry') return this.regenerate(message.requestId, message.messageId);
        await vscode.commands.executeCommand(ERROR_ACTION_TABLE[message.action].command);
        return;
      case 'copy': {
        const turn = findTurn(this.store.current, message.messageId);
        if (!turn) return;
        await vscode.env.clipboard.writeText(turn.text);
        this.post({ type: 'notice', text: 'Copied.' });
        return;
      }
      case 'applyToEditor':
        return this.applyToEditor(message.messageId, message.how);
      case 'selectProvider':
        if (!this.services.providers.profiles().some((p) => p.id === message.providerId)) return;
        await this.services.providers.selectProvider(message.providerId);
        return;
      case 'selectModel': {
        // Only a model the provider listed: the webview does not choose what goes into settings.
        const active = this.services.providers.active();
        const list = this.models?.providerId === active.profile.id ? this.models.list : undefined;
        if (!list?.includes(message.model) && message.model !== active.model) return;
        await this.services.providers.selectModel(message.model);
        return;
      }
      case 'selectPreset':
        if (!SAMPLING_PRESETS.some((p) => p.id === message.presetId)) return;
        this.store.current.presetId = message.presetId;
        this.saveNow();
        this.postConfig();
        return;
      case 'setSystemPrompt': {
        const conversation = this.store.current;
        if (message.text === null || message.text === new Settings().chatSystemPrompt) delete conversation.systemPrompt;
        else conversation.systemPrompt = message.text;
        this.saveNow();
        this.postConfig();
        this.scheduleTokens();
        return;
      }
      case 'refreshModels':
        this.models = undefined;
        this.postConfig(true);
        return;
      case 'newChat':
        this.newChat();
        return;
      case 'rendered':
        this.stats.lastRender = { messages: message.messages, ms: message.ms };
        this.services.log.info(`Chat: rendered ${message.messages} messages in ${message.ms.toFixed(1)} ms`);
        return;
      default:
        assertNever(message);
    }
  }

  private busyNotice(): boolean {
    if (!this.running) return false;
    this.post({ type: 'notice', text: 'A reply is still being written. Stop it first.' });
    return true;
  }

  private async send(requestId: string, text: string, passage: Passage | undefined): Promise<void> {
    if (this.busyNotice()) return;
    if (!text.trim() && !passage) return;
    const conversation = this.store.current;
    const reply = addExchange(conversation, text, passage, this.services.providers.active().model);
    this.store.touch();
    this.postConversation();
    await this.generate(requestId, conversation, reply);
  }

  private async regenerate(requestId: string, messageId: string): Promise<void> {
    if (this.busyNotice()) return;
    const conversation = this.store.current;
    const reply = regenerateReply(conversation, messageId, this.services.providers.active().model);
    if (!reply) return;
    this.postConversation();
    await this.generate(requestId, conversation, reply);
  }

  private async editResend(requestId: string, messageId: string, text: string): Promise<void> {
    if (this.busyNotice()) return;
    const conversation = this.store.current;
    const turn = findTurn(conversation, messageId);
    if (!turn || turn.role !== 'user' || (!text.trim() && !turn.passage)) return;
    const reply = editAndResend(conversation, messageId, text, this.services.providers.active().model);
    if (!reply) return;
    this.store.touch();
    this.postConversation();
    await this.generate(requestId, conversation, reply);
  }

  private async applyToEditor(messageId: string, how: 'insert' | 'replace'): Promise<void> {
    const turn = findTurn(this.store.current, messageId);
    if (!turn || !turn.text) return;
    const result = await this.manuscript.apply(turn.text, how);
    if (!result.ok) {
      this.post({ type: 'notice', text: result.reason });
      void vscode.window.showInformationMessage(`Inkwell: ${result.reason}`);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Generation

  systemPromptFor(conversation: Conversation): string {
    return conversation.systemPrompt ?? new Settings().chatSystemPrompt;
  }

  private generate(requestId: string, conversation: Conversation, reply: ChatTurn): Promise<void> {
    const controller = new AbortController();
    let finish!: () => void;
    const done = new Promise<void>((resolve) => (finish = resolve));
    this.running = { requestId, messageId: reply.id, controller, done };
    this.post({ type: 'generation', state: 'started', requestId, messageId: reply.id });
    const run = this.runGeneration(conversation, reply, controller).finally(() => {
      this.running = undefined;
      this.post({ type: 'generation', state: 'ended', requestId, messageId: reply.id });
      this.saveNow(conversation);
      this.scheduleTokens();
      finish();
    });
    return run;
  }

  private async runGeneration(conversation: Conversation, reply: ChatTurn, controller: AbortController): Promise<void> {
    const services = this.services;
    const target = services.providers.active();
    const secrets = services.providers.knownSecrets();
    const fail = (error: ProviderError, status: 'error' | 'cut' = 'error') => {
      reply.status = status;
      reply.error = describeError(error, secrets);
      reply.errorActions = ['retry', ...actionsFor(error)];
      this.postTurn(reply);
    };
    if (!target.model) {
      fail(new ProviderError({ kind: 'no-model' }));
      return;
    }
    const settings = new Settings();
    const preset = findPreset(conversation.presetId);
    const sampling = applyPreset(settings.sampling, preset);
    delete sampling.n; // the panel shows one reply
    const messages = modelMessages(conversation, this.systemPromptFor(conversation), conversation.messages.indexOf(reply));

    // A conversation longer than the context is refused with the numbers (docs/security.md, item 19).
    try {
      const [used, context] = await Promise.all([
        services.tokens.count(countedText(messages), target, settings),
        services.contextSize(target, settings),
      ]);
      const overhead = chatTemplateOverhead(messages.length);
      if (used + overhead + sampling.max_tokens > context.tokens) {
        reply.status = 'error';
        reply.error =
          `The conversation is about ${(used + overhead).toLocaleString('en-US')} tokens; with ${sampling.max_tokens} kept for the reply ` +
          `it does not fit in ${target.model}'s ${context.tokens.toLocaleString('en-US')}. Nothing was sent. Start a new chat, or edit an earlier message.`;
        reply.errorActions = ['retry'];
        this.postTurn(reply);
        return;
      }
    } catch (error) {
      services.log.info(`Chat: the token count failed (${String(error)}); sending without the check.`);
    }

    let pending = '';
    let flushTimer: NodeJS.Timeout | undefined;
    let lastSave = Date.now();
    const flush = () => {
      flushTimer = undefined;
      if (!pending) return;
      this.post({ type: 'appendText', messageId: reply.id, text: pending });
      pending = '';
      if (Date.now() - lastSave > SAVE_WHILE_STREAMING_MS) {
        lastSave = Date.now();
        this.saveNow(conversation);
      }
    };
    const result = await services.generator.generate({
      target,
      mode: 'chat',
      sampling,
      messages,
      signal: controller.signal,
      onText: (index, text) => {
        if (index !== 0 || !text) return;
        reply.text += text;
        pending += text;
        flushTimer ??= setTimeout(flush, STREAM_FLUSH_MS);
      },
    });
    if (flushTimer) clearTimeout(flushTimer);
    flush();
    if (result.foldedSystemPrompt) reply.foldedSystemPrompt = true;
    services.log.info(`Chat: ${target.model} ${result.outcome}, ${result.tokens} pieces${result.foldedSystemPrompt ? ', system prompt folded' : ''}`);
    switch (result.outcome) {
      case 'done':
        reply.status = 'done';
        delete reply.error;
        delete reply.errorActions;
        this.postTurn(reply);
        return;
      case 'aborted':
        reply.status = 'stopped';
        this.postTurn(reply);
        return;
      case 'truncated':
        fail(result.error ?? new ProviderError({ kind: 'cut', nextStep: 'The text so far is kept; Retry asks again.' }), 'cut');
        return;
      case 'error':
        fail(result.error ?? new ProviderError({ kind: 'server' }), reply.text ? 'cut' : 'error');
        return;
      default:
        assertNever(result.outcome);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Posting state

  private conversationMessage(): InitialStateMessage {
    const running = this.running ? { requestId: this.running.requestId, messageId: this.running.messageId } : undefined;
    return { type: 'conversation', conversation: toView(this.store.current), ...(running ? { running } : {}) };
  }

  private postConversation(): void {
    this.post(this.conversationMessage());
  }

  /**
   * The conversation and the panel's config as they are now, for the page's HTML: the page paints
   * them before its ready handshake; connect() posts them again and the page takes those as final.
   */
  initialState(): InitialState {
    return { messages: [this.conversationMessage(), { type: 'config', config: this.configView() }] };
  }

  private configView(): PanelConfig {
    const { profile, model } = this.services.providers.active();
    const conversation = this.store.current;
    const config: PanelConfig = {
      providers: this.services.providers.profiles().map((p) => ({ id: p.id, label: p.label })),
      providerId: profile.id,
      model,
      presets: SAMPLING_PRESETS.map(({ id, label, description }) => ({ id, label, description })),
      presetId: findPreset(conversation.presetId).id,
      systemPrompt: this.systemPromptFor(conversation),
      systemPromptIsDefault: conversation.systemPrompt === undefined,
    };
    const known = this.models?.providerId === profile.id ? this.models : undefined;
    if (known?.list) config.models = known.list;
    if (known?.error) config.modelsError = known.error;
    return config;
  }

  private postTurn(turn: ChatTurn): void {
    this.post({ type: 'message', message: turnView(turn) });
  }

  /** The panel's provider, model, preset and system prompt; the model list follows when loaded. */
  postConfig(refresh = false): void {
    if (!this.poster && this.postListeners.size === 0) return;
    const { profile } = this.services.providers.active();
    const known = this.models?.providerId === profile.id ? this.models : undefined;
    this.post({ type: 'config', config: this.configView() });
    if (known && !refresh) return;
    this.models = { providerId: profile.id };
    this.services.providers.listModels(profile, { interactive: false, refresh }).then(
      (models) => {
        if (this.models?.providerId !== profile.id) return;
        this.models.list = models.map((m) => m.id);
        this.postConfig();
      },
      (error: unknown) => {
        if (this.models?.providerId !== profile.id) return;
        this.models.error = describeError(error, this.services.providers.knownSecrets());
        this.postConfig();
      },
    );
  }

  private scheduleTokens(delay = TOKENS_DEBOUNCE_MS): void {
    if (this.tokensTimer) clearTimeout(this.tokensTimer);
    this.tokensTimer = setTimeout(() => void this.postTokens(), delay);
  }

  private async postTokens(): Promise<void> {
    this.tokensTimer = undefined;
    if (!this.poster && this.postListeners.size === 0) return;
    const generation = ++this.tokensGeneration;
    const target = this.services.providers.active();
    const conversation = this.store.current;
    const text = countedText(modelMessages(conversation, this.systemPromptFor(conversation)));
    try {
      // The chat is about no one document: its settings are the window's.
      const settings = new Settings();
      const [used, context] = await Promise.all([this.services.tokens.count(text, target, settings), this.services.contextSize(target, settings)]);
      if (generation === this.tokensGeneration) this.post({ type: 'tokens', tokens: { used, context: context.tokens } });
    } catch (error) {
      this.services.log.info(`Chat: token count unavailable: ${String(error)}`);
      if (generation === this.tokensGeneration) this.post({ type: 'tokens', tokens: undefined });
    }
  }

  /** What workspace storage holds now: what a reloaded window would start from. */
  persisted(): ChatStore {
    return this.history.persisted();
  }

  /** Writes `changed` (the current conversation unless said) and whatever else is not stored yet. */
  private saveNow(changed: Conversation = this.store.current): void {
    this.history.save(changed);
  }

  dispose(): void {
    this.running?.controller.abort();
    if (this.tokensTimer) clearTimeout(this.tokensTimer);
    this.saveNow();
    for (const d of this.disposables) d.dispose();
  }
}
