/**
 * The plan of a stream: which items (chunks, comments, error fields, [DONE]) the server writes at which
 * token step, and what a correct reader must conclude from them. Pure; sseEncoding.ts turns it into bytes.
 */
import { type ChoiceResult, runChoice } from './choiceRun';
import { defaultMidStreamMessage, midStreamErrorObject } from './errorBodies';
import type { Flavor, Mode } from './flavor';
import { type ChunkCtx, choiceObj, envelope, makeId, timings } from './responseShapes';
import { keepAliveText, type StreamItem } from './sseEncoding';

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface MidStreamErrorSpec {
  /** Error after this many token steps (0 = before the first token, after the role chunk). */
  afterTokens: number;
  message?: string;
  /** HTTP-ish code inside the error object. Default 500. */
  code?: number;
  /**
   * How it is sent. Default by flavor: litellm/vllm/aimlapi/koboldcpp 'data' (`data: {"error":…}`),
   * llamacpp 'errorField' (`error: {…}` SSE field), openrouter 'openrouter' (chunk with `error`
   * and `finish_reason:"error"`).
   */
  style?: 'data' | 'errorField' | 'openrouter';
  /**
   * Whether `data: [DONE]` follows. Default by flavor: litellm false (closes without it), vllm true,
   * llamacpp true for 'errorField' and false for 'data' (recent builds), openrouter false,
   * aimlapi false, koboldcpp true.
   */
  done?: boolean;
}

export interface StreamPlanInput {
  flavor: Flavor;
  mode: Mode;
  model?: string;
  /** Token pieces per choice; a flat array is used for every choice. */
  pieces: readonly string[] | readonly (readonly string[])[];
  /** Number of choices (default 1; koboldcpp always 1). */
  n?: number;
  /** Max tokens (pieces) per choice. Default: all pieces; pieces running out first → finish "stop". */
  maxTokens?: number;
  /** Stop strings: output is cut before the first match, finish "stop". */
  stop?: readonly string[];
  /** Add the `choices: []` usage chunk before [DONE] (`stream_options.include_usage`). */
  includeUsage?: boolean;
  promptTokens?: number;
  midStreamError?: MidStreamErrorSpec;
  /** End after this many token steps: no finish_reason, no usage, no [DONE]. */
  truncateAfterTokens?: number;
  id?: string;
  /** Unix seconds for `created`. Default 1700000000 in buildStream; the server uses the clock. */
  created?: number;
  /** Token probabilities to put on each token's chunk (see logprobsWire.ts). Steps with no text are then sent too. */
  logprobs?: StreamLogprobs;
}

/** A choice's `logprobs` object for one token step, and for a whole non-streamed answer. */
export interface StreamLogprobs {
  forStep(choice: number, step: number): Record<string, unknown>;
  whole(choice: number, steps: number): Record<string, unknown>;
}

/** What a correct stream reader should conclude from the bytes. */
export interface ExpectedStream {
  /** Concatenated text per choice. */
  texts: string[];
  /** finish_reason per choice as sent (null if none was sent; "error" for OpenRouter errors). */
  finishReasons: (string | null)[];
  /** `data: [DONE]` was sent. */
  done: boolean;
  /** The error object sent mid-stream (the whole JSON value of the event), or null. */
  error: unknown;
  usage: Usage | null;
  /** Neither [DONE] nor a finish_reason on every choice: the stream was cut. */
  truncated: boolean;
  /** Token steps actually sent. */
  tokensSent: number;
}

function midErrorDefaults(flavor: Flavor, spec: MidStreamErrorSpec): { style: 'data' | 'errorField' | 'openrouter'; done: boolean } {
  const style = spec.style ?? (flavor === 'llamacpp' ? 'errorField' : flavor === 'openrouter' ? 'openrouter' : 'data');
  let done: boolean;
  if (spec.done !== undefined) done = spec.done;
  else if (flavor === 'vllm' || flavor === 'koboldcpp') done = true;
  else if (flavor === 'llamacpp') done = style === 'errorField';
  else done = false;
  return { style, done };
}

/**
 * Build the list of stream items for a generation, and what a reader should make of them.
 *
 * Steps: every token step i emits one chunk per choice that still runs (choices interleaved;
 * llama.cpp rotates the order each step). Items before the first token (role chunks, OpenRouter's
 * leading comment) have step -1; finish/usage/[DONE] items have step = number of steps.
 */
export function planStream(input: StreamPlanInput): { items: StreamItem[]; expected: ExpectedStream } {
  const { flavor, mode } = input;
  const chat = mode === 'chat';
  const n = flavor === 'koboldcpp' ? 1 : Math.max(1, Math.floor(input.n ?? 1));
  const perChoice: (readonly string[])[] = [];
  const flat = input.pieces.length === 0 || typeof input.pieces[0] === 'string';
  for (let c = 0; c < n; c++) {
    perChoice.push(flat ? (input.pieces as readonly string[]) : ((input.pieces as readonly (readonly string[])[])[c] ?? []));
  }
  const maxTokens = input.maxTokens ?? Math.max(...perChoice.map((p) => p.length)) + 1;
  const results = perChoice.map((p) => runChoice(p, maxTokens, input.stop ?? []));
  const model = input.model ?? 'test-model';
  const created = input.created ?? 1_700_000_000;
  const ctx: ChunkCtx = { flavor, mode, model, created, id: input.id ?? makeId(flavor, mode, `${model}|${created}|${n}`) };
  const promptTokens = input.promptTokens ?? 0;

  const items: StreamItem[] = [];
  const texts = results.map(() => '');
  const finishReasons: (string | null)[] = results.map(() => null);
  let done = false;
  let error: unknown = null;
  let usage: Usage | null = null;
  let sent = 0;
  const maxSteps = Math.max(0, ...results.map((r) => r.steps.length));

  const data = (value: unknown, step: number, token = false): void => { items.push({ kind: 'data', value, step, token }); };
  const finish = (): { items: StreamItem[]; expected: ExpectedStream } => {
    const truncated = !done && finishReasons.some((f) => f === null);
    return { items, expected: { texts, finishReasons, done, error, usage, truncated, tokensSent: sent } };
  };

  if (flavor === 'openrouter') items.push({ kind: 'comment', text: keepAliveText(flavor), step: -1 });
  for (let c = 0; c < n; c++) {
    if (chat && (flavor === 'vllm' || flavor === 'aimlapi' || flavor === 'litellm')) {
      data(envelope(ctx, [choiceObj(ctx, c, { role: true, text: '' })]), -1);
    } else if (chat && flavor === 'llamacpp') {
      data(envelope(ctx, [choiceObj(ctx, c, { role: true, text: null })]), -1);
    } else if (!chat && flavor === 'litellm') {
      data(envelope(ctx, [choiceObj(ctx, c, { text: null })]), -1);
    }
  }

  const inlineFinish = flavor === 'vllm' || flavor === 'aimlapi';
  const emitMidError = (step: number): void => {
    const spec = input.midStreamError as MidStreamErrorSpec;
    const { style, done: withDone } = midErrorDefaults(flavor, spec);
    const code = spec.code ?? 500;
    const obj = midStreamErrorObject(flavor, spec.message ?? defaultMidStreamMessage(flavor), code);
    if (style === 'errorField') {
      items.push({ kind: 'field', name: 'error', value: obj, step });
      error = obj;
    } else if (style === 'openrouter') {
      const value = envelope(ctx, [chat
        ? { index: 0, delta: { content: '' }, finish_reason: 'error', native_finish_reason: 'error', logprobs: null }
        : { index: 0, text: '', finish_reason: 'error', native_finish_reason: 'error', logprobs: null }], { error: obj });
      data(value, step);
      finishReasons[0] = 'error';
      error = value;
    } else {
      const value = { error: obj };
      data(value, step);
      error = value;
    }
    if (withDone) {
      items.push({ kind: 'done', step });
      done = true;
    }
  };

  for (let i = 0; i < maxSteps; i++) {
    if (input.midStreamError && i === input.midStreamError.afterTokens) {
      emitMidError(i);
      return finish();
    }
    if (input.truncateAfterTokens !== undefined && i >= input.truncateAfterTokens) return finish();
    const order = [...Array(n).keys()];
    if (flavor === 'llamacpp' && n > 1) for (let r = 0; r < i % n; r++) order.push(order.shift() as number);
    for (const c of order) {
      const r = results[c] as ChoiceResult;
      if (i >= r.steps.length) continue;
      const text = r.steps[i] ?? null;
      const last = i === r.steps.length - 1;
      const finishHere = inlineFinish && last && (r.stoppedByString || r.hitLength);
      if (text === null && !finishHere && flavor !== 'llamacpp' && !input.logprobs) continue;
      const choice = choiceObj(ctx, c, { text: text ?? '', finish: finishHere ? r.finish : null });
      if (input.logprobs) choice['logprobs'] = input.logprobs.forStep(c, i);
      data(envelope(ctx, [choice]), i, true);
      texts[c] += text ?? '';
      if (finishHere) finishReasons[c] = r.finish;
    }
    sent = i + 1;
  }
  if (input.midStreamError && input.midStreamError.afterTokens >= maxSteps) {
    emitMidError(maxSteps);
    return finish();
  }
  if (input.truncateAfterTokens !== undefined && input.truncateAfterTokens >= maxSteps) {
    // Truncated at or after the last token: nothing more (no finish, no usage, no [DONE]).
    return finish();
  }

  const completionTokens = flavor === 'llamacpp'
    ? (results[0]?.steps.length ?? 0)
    : results.reduce((a, r) => a + r.steps.length, 0);
  const u: Usage = { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
  for (let c = 0; c < n; c++) {
    const r = results[c] as ChoiceResult;
    if (finishReasons[c] !== null) continue;
    if (flavor === 'litellm') {
      data(envelope(ctx, [choiceObj(ctx, c, { finish: r.finish })]), maxSteps);
    } else if (flavor === 'llamacpp') {
      // llama.cpp runs each choice as its own task: each last chunk reports that choice alone.
      const own: Usage = { prompt_tokens: promptTokens, completion_tokens: r.steps.length, total_tokens: promptTokens + r.steps.length };
      const extra: Record<string, unknown> = chat ? { timings: timings(promptTokens, completionTokens) } : { usage: own, timings: timings(promptTokens, r.steps.length) };
      data(envelope(ctx, [chat ? choiceObj(ctx, c, { finish: r.finish }) : choiceObj(ctx, c, { text: '', finish: r.finish })], extra), maxSteps);
      if (!chat) usage = own;
    } else {
      data(envelope(ctx, [choiceObj(ctx, c, { text: '', finish: r.finish })]), maxSteps);
    }
    finishReasons[c] = r.finish;
  }
  if (input.includeUsage && !(flavor === 'llamacpp' && !chat)) {
    data(envelope(ctx, [], flavor === 'llamacpp' ? { usage: u, timings: timings(promptTokens, completionTokens) } : { usage: u }), maxSteps);
    usage = u;
  }
  items.push({ kind: 'done', step: maxSteps });
  done = true;
  return finish();
}
