// The chat's state and behaviour, apart from VS Code and from the webview that shows it: the
// transcript (kept through ChatStorage), the one generation that may run, and what each protocol
// message does. The page posts here what it sent (already validated); this posts back through the
// poster once the page said it is ready. The glue is src/chat/chatSession.ts; the tests drive this
// class with fakes (test/unit/chatController.test.ts).
import { ERROR_ACTION_TABLE } from '../errors/errorActions';
import type { ExtensionToWebview, InitialState, InitialStateMessage, PanelConfig, Passage, WebviewToExtension } from '../protocol/chatProtocol';
import { assertNever } from '../protocol/chatProtocol';
import { countedText, generateReply } from './chatGeneration';
import type { ChatHost, ChatModel, ChatProviders, ChatStorage, ChatTimers } from './chatPorts';
import { ChatProbe } from './chatProbe';
import { ModelMenu } from './modelMenu';
import { SAMPLING_PRESETS, findPreset } from './samplingPresets';
import { ChatTurn, Conversation, addExchange, editAndResend, findTurn, modelMessages, regenerateReply, toView, turnView } from './transcript';

/** Quiet time before the conversation's token count is taken again. */
export const TOKENS_DEBOUNCE_MS = 250;

export type Poster = (message: ExtensionToWebview) => void;

interface Running {
  requestId: string;
  messageId: string;
  controller: AbortController;
  done: Promise<void>;
}

export interface ChatDeps {
  providers: ChatProviders;
  model: ChatModel;
  host: ChatHost;
  storage: ChatStorage;
  timers: ChatTimers;
}

export class ChatController {
  private poster: Poster | undefined;
  private running: Running | undefined;
  private pendingPassage: Passage | undefined;
  private focusWhenReady = false;
  private readonly modelMenu: ModelMenu;
  private tokensTimer: unknown;
  private tokensGeneration = 0;
  private testProbe: ChatProbe | undefined;

  constructor(private readonly deps: ChatDeps) {
    this.modelMenu = new ModelMenu(deps.providers, (error) => deps.host.describeError(error), () => this.postConfig());
  }

  get store() {
    return this.deps.storage.store;
  }

  get isRunning(): boolean {
    return this.running !== undefined;
  }

  /** Resolves when the running generation (if any) has ended and been recorded. */
  async idle(): Promise<void> {
    await this.running?.done;
  }

  /** For tests and benchmarks: made on first use, so an untested session pays nothing for it. */
  probe(): ChatProbe {
    return (this.testProbe ??= new ChatProbe());
  }

  // -------------------------------------------------------------------------------------------
  // The page

  /** A page loaded and said ready: from now on it gets everything, starting with the state. */
  connect(poster: Poster): void {
    this.poster = poster;
    if (this.testProbe) this.testProbe.readyCount++;
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
    this.testProbe?.posted(message);
    this.poster?.(message);
  }

  private get anyoneListening(): boolean {
    return this.poster !== undefined || this.testProbe?.listening === true;
  }

  /**
   * The conversation and the panel's config as they are now, for the page's HTML: the page paints
   * them before its ready handshake; connect() posts them again and the page takes those as final.
   */
  initialState(): InitialState {
    return { messages: [this.conversationMessage(), { type: 'config', config: this.configView() }] };
  }

  // -------------------------------------------------------------------------------------------
  // What changed outside

  /** The providers, the active one or a key changed: the model menu and the count are stale. */
  providersChanged(): void {
    this.modelMenu.forget();
    this.postConfig();
    this.scheduleTokens();
  }

  /** A chat setting (system prompt, context size, tokenizer) changed. */
  settingsChanged(): void {
    this.postConfig();
    this.scheduleTokens();
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
    this.running?.controller.abort();
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
    this.running?.controller.abort();
    if (!this.store.open(id)) return false;
    this.conversationSwitched();
    return true;
  }

  /** Another conversation is current: keep the store, and show it with its config and count. */
  private conversationSwitched(): void {
    this.save();
    this.postConversation();
    this.postConfig();
    this.scheduleTokens();
  }

  // -------------------------------------------------------------------------------------------
  // Protocol messages

  async handle(message: WebviewToExtension): Promise<void> {
    const { providers, host } = this.deps;
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
        return this.startReply(message.requestId, (model) => regenerateReply(this.store.current, message.messageId, model));
      case 'editResend':
        return this.startReply(
          message.requestId,
          (model) => {
            const turn = findTurn(this.store.current, message.messageId);
            if (!turn || turn.role !== 'user' || (!message.text.trim() && !turn.passage)) return undefined;
            return editAndResend(this.store.current, message.messageId, message.text, model);
          },
          true,
        );
      case 'errorAction': {
        if (message.action === 'retry') return this.startReply(message.requestId, (model) => regenerateReply(this.store.current, message.messageId, model));
        const command = ERROR_ACTION_TABLE[message.action].command;
        if (command) await host.runCommand(command);
        return;
      }
      case 'copy': {
        const turn = findTurn(this.store.current, message.messageId);
        if (!turn) return;
        await host.writeClipboard(turn.text);
        this.post({ type: 'notice', text: 'Copied.' });
        return;
      }
      case 'applyToEditor':
        return this.applyToEditor(message.messageId, message.how);
      case 'selectProvider':
        if (!providers.profiles().some((p) => p.id === message.providerId)) return;
        await providers.selectProvider(message.providerId);
        return;
      case 'selectModel': {
        // Only a model the provider listed: the page does not choose what goes into settings.
        const active = providers.active();
        if (!this.modelMenu.listed(active.providerId)?.includes(message.model) && message.model !== active.model) return;
        await providers.selectModel(message.model);
        return;
      }
      case 'selectPreset':
        if (!SAMPLING_PRESETS.some((p) => p.id === message.presetId)) return;
        this.store.current.presetId = message.presetId;
        this.save();
        this.postConfig();
        return;
      case 'setSystemPrompt': {
        const conversation = this.store.current;
        if (message.text === null || message.text === host.settings().chatSystemPrompt) delete conversation.systemPrompt;
        else conversation.systemPrompt = message.text;
        this.save();
        this.postConfig();
        this.scheduleTokens();
        return;
      }
      case 'refreshModels':
        this.postConfig(true);
        return;
      case 'newChat':
        this.newChat();
        return;
      case 'rendered':
        if (this.testProbe) this.testProbe.lastRender = { messages: message.messages, ms: message.ms };
        host.log(`Chat: rendered ${message.messages} messages in ${message.ms.toFixed(1)} ms`);
        return;
      default:
        assertNever(message);
    }
  }

  private send(requestId: string, text: string, passage: Passage | undefined): Promise<void> {
    return this.startReply(requestId, (model) => (!text.trim() && !passage ? undefined : addExchange(this.store.current, text, passage, model)), true);
  }

  /** One reply at a time: `make` adds the reply turn to the current conversation (or finds nothing to do). */
  private async startReply(requestId: string, make: (model: string) => ChatTurn | undefined, touched = false): Promise<void> {
    if (this.running) {
      this.post({ type: 'notice', text: 'A reply is still being written. Stop it first.' });
      return;
    }
    const conversation = this.store.current;
    const reply = make(this.deps.providers.active().model);
    if (!reply) return;
    if (touched) this.store.touch();
    this.postConversation();
    await this.generate(requestId, conversation, reply);
  }

  private async applyToEditor(messageId: string, how: 'insert' | 'replace'): Promise<void> {
    const turn = findTurn(this.store.current, messageId);
    if (!turn || !turn.text) return;
    const result = await this.deps.host.applyToEditor(turn.text, how);
    if (!result.ok) {
      this.post({ type: 'notice', text: result.reason });
      this.deps.host.showInformation(`Inkwell: ${result.reason}`);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Generation

  systemPromptFor(conversation: Conversation): string {
    return conversation.systemPrompt ?? this.deps.host.settings().chatSystemPrompt;
  }

  private generate(requestId: string, conversation: Conversation, reply: ChatTurn): Promise<void> {
    const controller = new AbortController();
    let finish!: () => void;
    const done = new Promise<void>((resolve) => (finish = resolve));
    this.running = { requestId, messageId: reply.id, controller, done };
    this.post({ type: 'generation', state: 'started', requestId, messageId: reply.id });
    const job = { conversation, reply, target: this.deps.providers.active(), systemPrompt: this.systemPromptFor(conversation), signal: controller.signal };
    return generateReply(job, this.deps, {
      appendText: (text) => this.post({ type: 'appendText', messageId: reply.id, text }),
      turnChanged: () => this.post({ type: 'message', message: turnView(reply) }),
      save: () => this.save(conversation),
    }).finally(() => {
      this.running = undefined;
      this.post({ type: 'generation', state: 'ended', requestId, messageId: reply.id });
      this.save(conversation);
      this.scheduleTokens();
      finish();
    });
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

  private configView(): PanelConfig {
    const { providers } = this.deps;
    const { providerId, model } = providers.active();
    const conversation = this.store.current;
    const config: PanelConfig = {
      providers: providers.profiles().map((p) => ({ id: p.id, label: p.label })),
      providerId,
      model,
      presets: SAMPLING_PRESETS.map(({ id, label, description }) => ({ id, label, description })),
      presetId: findPreset(conversation.presetId).id,
      systemPrompt: this.systemPromptFor(conversation),
      systemPromptIsDefault: conversation.systemPrompt === undefined,
    };
    this.modelMenu.fill(config, providerId);
    return config;
  }

  /** The panel's provider, model, preset and system prompt; the model list follows when loaded. */
  postConfig(refresh = false): void {
    if (!this.anyoneListening) return;
    this.post({ type: 'config', config: this.configView() });
    this.modelMenu.load(this.deps.providers.active().providerId, refresh);
  }

  private scheduleTokens(delay = TOKENS_DEBOUNCE_MS): void {
    const { timers } = this.deps;
    if (this.tokensTimer !== undefined) timers.clearTimeout(this.tokensTimer);
    this.tokensTimer = timers.setTimeout(() => void this.postTokens(), delay);
  }

  private async postTokens(): Promise<void> {
    this.tokensTimer = undefined;
    if (!this.anyoneListening) return;
    const generation = ++this.tokensGeneration;
    const conversation = this.store.current;
    const text = countedText(modelMessages(conversation, this.systemPromptFor(conversation)));
    try {
      const { used, context } = await this.deps.model.measure(text, this.deps.providers.active());
      if (generation === this.tokensGeneration) this.post({ type: 'tokens', tokens: { used, context } });
    } catch (error) {
      this.deps.host.log(`Chat: token count unavailable: ${String(error)}`);
      if (generation === this.tokensGeneration) this.post({ type: 'tokens', tokens: undefined });
    }
  }

  /** Writes `changed` (the current conversation unless said) and whatever else is not stored yet. */
  private save(changed: Conversation = this.store.current): void {
    this.deps.storage.save(changed);
  }

  dispose(): void {
    this.running?.controller.abort();
    if (this.tokensTimer !== undefined) this.deps.timers.clearTimeout(this.tokensTimer);
    this.save();
  }
}
