// What the writer does to the conversation's replies: send, regenerate (a new alternative of the
// reply), edit and resend, retry, stop, show another alternative, copy and put a reply in the editor.
// One reply is written at a time; the messages that reach here are already validated
// (chatProtocol.ts). Part of ChatController, apart so that each file stays readable.
import type { ExtensionToWebview, Passage } from '../protocol/chatProtocol';
import { generateReply } from './chatGeneration';
import type { ChatHost, ChatModel, ChatProviders, ChatTimers } from './chatPorts';
import { isShown, regenerateReply, shownAlternative, showAlternative, syncShown } from './replyAlternatives';
import { ChatTurn, Conversation, ChatStore, addExchange, editAndResend, findTurn, turnView } from './transcript';
import { ReplyProbabilities } from './replyProbabilities';

interface Running {
  requestId: string;
  messageId: string;
  controller: AbortController;
  done: Promise<void>;
}

/** What the replies need from the controller around them. */
export interface RepliesContext {
  providers: ChatProviders;
  model: ChatModel;
  host: ChatHost;
  timers: ChatTimers;
  store(): ChatStore;
  post(message: ExtensionToWebview): void;
  postConversation(): void;
  save(changed: Conversation): void;
  systemPromptFor(conversation: Conversation): string;
  /** What the model is sent changed: the token count is taken again. */
  countChanged(): void;
}

export class ChatReplies {
  private running: Running | undefined;
  private readonly probabilities = new ReplyProbabilities();

  constructor(private readonly context: RepliesContext) {}

  /** The kept token probabilities of the current conversation's replies, for a page drawn again. */
  postProbabilities(): void {
    for (const message of this.probabilities.for(this.current.messages.map((m) => m.id))) this.context.post(message);
  }

  get isRunning(): boolean {
    return this.running !== undefined;
  }

  /** The request and message being written, for the page. */
  get runningView(): { requestId: string; messageId: string } | undefined {
    return this.running && { requestId: this.running.requestId, messageId: this.running.messageId };
  }

  /** Resolves when the running generation (if any) has ended and been recorded. */
  async idle(): Promise<void> {
    await this.running?.done;
  }

  /** Stops the reply being written, whichever request it is (a new chat, another conversation, disposal). */
  abort(): void {
    this.running?.controller.abort();
  }

  stop(requestId: string): void {
    if (this.running?.requestId === requestId) this.running.controller.abort();
  }

  send(requestId: string, text: string, passage: Passage | undefined): Promise<void> {
    return this.start(requestId, (model) => (!text.trim() && !passage ? undefined : addExchange(this.current, text, passage, model)), true);
  }

  /** Regenerate and Retry: one more alternative of the last reply, shown as it streams in. */
  regenerate(requestId: string, messageId: string): Promise<void> {
    return this.start(requestId, (model) => regenerateReply(this.current, messageId, model));
  }

  editResend(requestId: string, messageId: string, text: string): Promise<void> {
    return this.start(
      requestId,
      (model) => {
        const turn = findTurn(this.current, messageId);
        if (!turn || turn.role !== 'user' || (!text.trim() && !turn.passage)) return undefined;
        return editAndResend(this.current, messageId, text, model);
      },
      true,
    );
  }

  /**
   * Shows another alternative of a reply, also while one of its alternatives streams (that one goes
   * on; the page gets its text again when it is shown again). The model is sent the shown one.
   */
  showAlternative(messageId: string, index: number): void {
    const conversation = this.current;
    const turn = findTurn(conversation, messageId);
    if (!turn || turn.role !== 'assistant' || !showAlternative(turn, index)) return;
    this.context.post({ type: 'message', message: turnView(turn) });
    this.context.save(conversation);
    this.context.countChanged();
  }

  async copy(messageId: string): Promise<void> {
    const turn = findTurn(this.current, messageId);
    if (!turn) return;
    await this.context.host.writeClipboard(turn.text);
    this.context.post({ type: 'notice', text: 'Copied.' });
  }

  async applyToEditor(messageId: string, how: 'insert' | 'replace'): Promise<void> {
    const turn = findTurn(this.current, messageId);
    if (!turn || !turn.text) return;
    const result = await this.context.host.applyToEditor(turn.text, how);
    if (!result.ok) {
      this.context.post({ type: 'notice', text: result.reason });
      this.context.host.showInformation(`Inkwell: ${result.reason}`);
    }
  }

  private get current(): Conversation {
    return this.context.store().current;
  }

  /** One reply at a time: `make` adds the reply (or an alternative of it) to the current conversation, or finds nothing to do. */
  private async start(requestId: string, make: (model: string) => ChatTurn | undefined, touched = false): Promise<void> {
    if (this.running) {
      this.context.post({ type: 'notice', text: 'A reply is still being written. Stop it first.' });
      return;
    }
    const conversation = this.current;
    const reply = make(this.context.providers.active().model);
    if (!reply) return;
    if (touched) this.context.store().touch();
    this.context.postConversation();
    await this.generate(requestId, conversation, reply);
  }

  private generate(requestId: string, conversation: Conversation, reply: ChatTurn): Promise<void> {
    const { context } = this;
    const alternative = shownAlternative(reply);
    const controller = new AbortController();
    let finish!: () => void;
    const done = new Promise<void>((resolve) => (finish = resolve));
    this.running = { requestId, messageId: reply.id, controller, done };
    context.post({ type: 'generation', state: 'started', requestId, messageId: reply.id });
    const job = { conversation, reply, alternative, target: context.providers.active(), systemPrompt: context.systemPromptFor(conversation), signal: controller.signal };
    // While another alternative is shown, this one is written out of sight: none of its text is posted.
    return generateReply(job, context, {
      appendText: (text) => {
        if (!isShown(reply, alternative)) return;
        syncShown(reply);
        context.post({ type: 'appendText', messageId: reply.id, text });
      },
      turnChanged: () => {
        syncShown(reply);
        context.post({ type: 'message', message: turnView(reply) });
      },
      save: () => {
        syncShown(reply);
        context.save(conversation);
      },
      probabilities: (tokens) => context.post(this.probabilities.remember(reply.id, alternative.text, tokens)),
    }).finally(() => {
      this.running = undefined;
      syncShown(reply);
      context.post({ type: 'generation', state: 'ended', requestId, messageId: reply.id });
      context.save(conversation);
      context.countChanged();
      finish();
    });
  }
}
