// One chat reply, from the budget check to its final status: the logic of the chat's generation,
// apart from VS Code (see chatPorts.ts).
import { chatTemplateOverhead } from '../continuation/promptWindow';
import { actionsFor } from '../errors/errorActions';
import { ProviderError } from '../errors/providerError';
import { assertNever } from '../protocol/chatProtocol';
import { applyPreset, findPreset } from './samplingPresets';
import type { ChatHost, ChatModel, ChatTarget, ChatTimers } from './chatPorts';
import { ChatTurn, Conversation, ReplyAlternative, modelMessages } from './transcript';
import type { GeneratedToken } from '../logprobs/choiceLogprobs';

/** Streamed text goes to the page in batches this far apart. */
export const STREAM_FLUSH_MS = 30;
/** While a reply streams, its conversation is saved at most this often. */
export const SAVE_WHILE_STREAMING_MS = 1000;

/** The text a conversation's token count is taken over: what the model is sent, message by message. */
export function countedText(messages: readonly { content: string }[]): string {
  return messages.map((m) => m.content).join('\n\n');
}

export interface ReplyOutlet {
  /** Text that arrived (already added to the alternative), for the page. */
  appendText(text: string): void;
  /** The alternative's status or error changed. */
  turnChanged(): void;
  /** The conversation should be written to storage (throttled by the caller's clock). */
  save(): void;
  /** The reply came with its tokens' probabilities. */
  probabilities?(tokens: readonly GeneratedToken[]): void;
}

export interface ReplyJob {
  conversation: Conversation;
  /** The reply turn (the model is sent what comes before it). */
  reply: ChatTurn;
  /** What is written: the reply itself, or one of its alternatives (replyAlternatives.ts). */
  alternative: ReplyAlternative;
  target: ChatTarget;
  systemPrompt: string;
  signal: AbortSignal;
}

/** Runs the generation for `job.alternative` and leaves it in its final state. */
export async function generateReply(job: ReplyJob, deps: { host: ChatHost; model: ChatModel; timers: ChatTimers }, out: ReplyOutlet): Promise<void> {
  const { conversation, alternative, target } = job;
  const { host, model, timers } = deps;
  const fail = (error: ProviderError, status: 'error' | 'cut' = 'error') => {
    alternative.status = status;
    alternative.error = host.describeError(error);
    alternative.errorActions = ['retry', ...actionsFor(error)];
    out.turnChanged();
  };
  if (!target.model) return fail(new ProviderError({ kind: 'no-model' }));
  const settings = host.settings();
  const sampling = applyPreset(settings.sampling, findPreset(conversation.presetId));
  delete sampling.n; // the panel shows one reply
  const upto = conversation.messages.indexOf(job.reply);
  // The story folder follows the system prompt; a folder that cannot be read adds nothing.
  const story = host.storyContext ? await host.storyContext(countedText(modelMessages(conversation, '', upto)), target).catch(() => '') : '';
  const messages = modelMessages(conversation, [job.systemPrompt, story].filter((t) => t.trim()).join('\n\n'), upto);

  // A conversation longer than the context is refused with the numbers (docs/security.md, item 19).
  try {
    const { used, context } = await model.measure(countedText(messages), target);
    const overhead = chatTemplateOverhead(messages.length);
    if (used + overhead + sampling.max_tokens > context) {
      alternative.status = 'error';
      alternative.error =
        `The conversation is about ${(used + overhead).toLocaleString('en-US')} tokens; with ${sampling.max_tokens} kept for the reply ` +
        `it does not fit in ${target.model}'s ${context.toLocaleString('en-US')}. Nothing was sent. Start a new chat, or edit an earlier message.`;
      alternative.errorActions = ['retry'];
      out.turnChanged();
      return;
    }
  } catch (error) {
    host.log(`Chat: the token count failed (${String(error)}); sending without the check.`);
  }

  let pending = '';
  let flushTimer: unknown;
  let lastSave = timers.now();
  // Text joins the alternative when it goes to the page: a page that is sent the whole alternative
  // meanwhile (another one shown, then this one again) gets the rest, and nothing twice.
  const flush = () => {
    flushTimer = undefined;
    if (!pending) return;
    alternative.text += pending;
    out.appendText(pending);
    pending = '';
    if (timers.now() - lastSave > SAVE_WHILE_STREAMING_MS) {
      lastSave = timers.now();
      out.save();
    }
  };
  const result = await model.generate({
    target,
    sampling,
    messages,
    signal: job.signal,
    topLogprobs: settings.probabilitiesTopK,
    onText: (index, text) => {
      if (index !== 0 || !text) return;
      pending += text;
      flushTimer ??= timers.setTimeout(flush, STREAM_FLUSH_MS);
    },
  });
  if (flushTimer !== undefined) timers.clearTimeout(flushTimer);
  flush();
  if (result.probabilities?.length) out.probabilities?.(result.probabilities);
  if (result.foldedSystemPrompt) alternative.foldedSystemPrompt = true;
  host.log(`Chat: ${target.model} ${result.outcome}, ${result.tokens} pieces${result.foldedSystemPrompt ? ', system prompt folded' : ''}`);
  switch (result.outcome) {
    case 'done':
      alternative.status = 'done';
      delete alternative.error;
      delete alternative.errorActions;
      out.turnChanged();
      return;
    case 'aborted':
      alternative.status = 'stopped';
      out.turnChanged();
      return;
    case 'truncated':
      return fail(result.error ?? new ProviderError({ kind: 'cut', nextStep: 'The text so far is kept; Retry asks again.' }), 'cut');
    case 'error':
      return fail(result.error ?? new ProviderError({ kind: 'server' }), alternative.text ? 'cut' : 'error');
    default:
      assertNever(result.outcome);
  }
}
