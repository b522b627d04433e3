// The chat's state and behaviour, apart from VS Code and from the webview that shows it: the
// transcript (kept through ChatStorage), what each protocol message does (the replies' part is in
// chatReplies.ts, with the one generation that may run; the token count in chatTokenCount.ts). The
// page posts here what it sent (already validated); this posts back through the poster once the page
// said it is ready. The glue is src/chat/chatSession.ts; the tests drive this class with fakes
// (test/unit/chatController.test.ts).
import { ERROR_ACTION_TABLE } from '../errors/errorActions';
import type { ExtensionToWebview, InitialState, InitialStateMessage, PanelConfig, Passage, WebviewToExtension } from '../protocol/chatProtocol';
import { assertNever } from '../protocol/chatProtocol';
import type { ChatHost, ChatModel, ChatProviders, ChatStorage, ChatTimers } from './chatPorts';
import { ChatProbe } from './chatProbe';
import { ChatReplies } from './chatReplies';
import { ChatTokenCount } from './chatTokenCount';
import { ModelMenu } from './modelMenu';
import { SAMPLING_PRESETS, findPreset } from './samplingPresets';
import { Conversation, toView } from './transcript';

export type Poster = (message: ExtensionToWebview) => void;

export interface ChatDeps {
  providers: ChatProviders;
  model: ChatModel;
  host: ChatHost;
  storage: ChatStorage;
  timers: ChatTimers;
}

export class ChatController {
  private poster: Poster | undefined;
  private readonly replies: ChatReplies;
  private pendingPassage: Passage | undefined;
  private focusWhenReady = false;
  private readonly modelMenu: ModelMenu;
  private readonly tokens: ChatTokenCount;
  private testProbe: ChatProbe | undefined;

  constructor(private readonly deps: ChatDeps) {
    this.modelMenu = new ModelMenu(deps.providers, (error) => deps.host.describeError(error), () => this.postConfig());
    this.replies = new ChatReplies({
      ...deps,
      store: () => this.store,
      post: (message) => this.post(message),
      postConversation: () => this.postConversation(),
      save: (changed) => this.save(changed),
      systemPromptFor: (conversation) => this.systemPromptFor(conversation),
      countChanged: () => this.tokens.schedule(),
    });
    this.tokens = new ChatTokenCount({
      ...deps,
      current: () => this.store.current,
      systemPromptFor: (conversation) => this.systemPromptFor(conversation),
      listening: () => this.anyoneListening,
      post: (message) => this.post(message),
    });
  }

  get store() {
    return this.deps.storage.store;
  }

  get isRunning(): boolean {
    return this.replies.isRunning;
  }

  /** Resolves when the running generation (if any) has ended and been recorded. */
  idle(): Promise<void> {
    return this.replies.idle();
  }

  /** For tests and benchmarks: made on first use, so an untested session pays nothing for it. */
  probe(): ChatProbe {
    return (this.testProbe ??= new ChatProbe());
  }

  /** The probe if a test made one: what the glue counts for tests goes there, and nowhere otherwise. */
  get probeIfMade(): ChatProbe | undefined {
    return this.testProbe;
  }

  // -------------------------------------------------------------------------------------------
  // The page

  /** A page loaded and said ready: from now on it gets everything, starting with the state. */
  connect(poster: Poster): void {
    this.poster = poster;
    if (this.testProbe) this.testProbe.readyCount++;
    this.postConversation();
    this.postConfig();
    this.tokens.schedule(0);
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
    this.tokens.schedule();
  }

  /** A chat setting (system prompt, context size, tokenizer) changed. */
  settingsChanged(): void {
    this.postConfig();
    this.tokens.schedule();
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
    this.replies.abort();
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
    this.replies.abort();
    if (!this.store.open(id)) return false;
    this.conversationSwitched();
    return true;
  }

  /** Another conversation is current: keep the store, and show it with its config and count. */
  private conversationSwitched(): void {
    this.save();
    this.postConversation();
    this.postConfig();
    this.tokens.schedule();
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
        return this.replies.send(message.requestId, message.text, message.passage);
      case 'stop':
        return this.replies.stop(message.requestId);
      case 'regenerate':
        return this.replies.regenerate(message.requestId, message.messageId);
      case 'editResend':
        return this.replies.editResend(message.requestId, message.messageId, message.text);
      case 'errorAction': {
        if (message.action === 'retry') return this.replies.regenerate(message.requestId, message.messageId);
        const command = ERROR_ACTION_TABLE[message.action].command;
        if (command) await host.runCommand(command);
        return;
      }
      case 'showAlternative':
        return this.replies.showAlternative(message.messageId, message.index);
      case 'copy':
        return this.replies.copy(message.messageId);
      case 'applyToEditor':
        return this.replies.applyToEditor(message.messageId, message.how);
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
        this.tokens.schedule();
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

  // -------------------------------------------------------------------------------------------
  // Posting state

  systemPromptFor(conversation: Conversation): string {
    return conversation.systemPrompt ?? this.deps.host.settings().chatSystemPrompt;
  }

  private conversationMessage(): InitialStateMessage {
    const running = this.replies.runningView;
    return { type: 'conversation', conversation: toView(this.store.current), ...(running ? { running } : {}) };
  }

  private postConversation(): void {
    this.post(this.conversationMessage());
    this.replies.postProbabilities();
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

  /** Writes `changed` (the current conversation unless said) and whatever else is not stored yet. */
  private save(changed: Conversation = this.store.current): void {
    this.deps.storage.save(changed);
  }

  dispose(): void {
    this.replies.abort();
    this.tokens.dispose();
    this.save();
  }
}
