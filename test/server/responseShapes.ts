/**
 * The JSON of a generation's response in each flavor: a stream chunk's envelope and choice object, the
 * response id, llama.cpp's timings, and the non-streamed body. Pure.
 */
import { runChoice } from './choiceRun';
import type { Flavor, Mode } from './flavor';
import type { StreamPlanInput, Usage } from './streamPlan';
import { fnv1a } from './tokenText';

/** A response id in the flavor's style, deterministic in `seed`. */
export function makeId(flavor: Flavor, mode: Mode, seed: string): string {
  const h = (fnv1a(seed).toString(16) + fnv1a(seed + '#').toString(16) + fnv1a(seed + '$').toString(16)).padEnd(24, '0').slice(0, 24);
  switch (flavor) {
    case 'openrouter': return `gen-${1700000000 + (fnv1a(seed) % 100000)}-${h.slice(0, 20)}`;
    case 'koboldcpp': return 'koboldcpp';
    case 'llamacpp': return `chatcmpl-${h}`;
    default: return mode === 'chat' ? `chatcmpl-${h}` : `cmpl-${h}`;
  }
}

export function timings(promptN: number, predictedN: number): Record<string, number> {
  const promptMs = promptN * 0.5 + 1;
  const predictedMs = predictedN * 10 + 1;
  return {
    prompt_n: promptN,
    prompt_ms: promptMs,
    prompt_per_token_ms: promptN > 0 ? promptMs / promptN : 0,
    prompt_per_second: promptN > 0 ? (promptN * 1000) / promptMs : 0,
    predicted_n: predictedN,
    predicted_ms: predictedMs,
    predicted_per_token_ms: predictedN > 0 ? predictedMs / predictedN : 0,
    predicted_per_second: predictedN > 0 ? (predictedN * 1000) / predictedMs : 0,
  };
}

function koboldModel(model: string): string {
  return model.startsWith('koboldcpp/') ? model : `koboldcpp/${model}`;
}

export interface ChunkCtx {
  flavor: Flavor;
  mode: Mode;
  id: string;
  created: number;
  model: string;
}

export function envelope(c: ChunkCtx, choices: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  const chat = c.mode === 'chat';
  switch (c.flavor) {
    case 'litellm':
      return { id: c.id, created: c.created, model: c.model, object: chat ? 'chat.completion.chunk' : 'text_completion', choices, ...extra };
    case 'llamacpp':
      return { choices, created: c.created, id: c.id, model: c.model, system_fingerprint: 'b5000-inkwelltest', object: chat ? 'chat.completion.chunk' : 'text_completion', ...extra };
    case 'openrouter':
      return { id: c.id, provider: 'Infermatic', model: c.model, object: 'chat.completion.chunk', created: c.created, choices, ...extra };
    case 'koboldcpp':
      return { id: c.id, object: chat ? 'chat.completion.chunk' : 'text_completion', created: c.created, model: koboldModel(c.model), choices, ...extra };
    default:
      return { id: c.id, object: chat ? 'chat.completion.chunk' : 'text_completion', created: c.created, model: c.model, choices, ...extra };
  }
}

/** A choice object for a chunk. `text` undefined = the key is left out (litellm). */
export function choiceObj(c: ChunkCtx, index: number, part: { text?: string | null; role?: boolean; finish?: string | null }): Record<string, unknown> {
  const chat = c.mode === 'chat';
  const finish = part.finish ?? null;
  switch (c.flavor) {
    case 'litellm': {
      // litellm drops null keys; `text` may be null or missing.
      const o: Record<string, unknown> = { index };
      if (chat) {
        const delta: Record<string, unknown> = {};
        if (part.role) delta['role'] = 'assistant';
        if (part.text !== undefined) delta['content'] = part.text;
        o['delta'] = delta;
      } else if (part.text !== undefined) {
        o['text'] = part.text;
      }
      if (finish !== null) o['finish_reason'] = finish;
      return o;
    }
    case 'llamacpp': {
      if (chat) {
        const delta: Record<string, unknown> = {};
        if (part.role) delta['role'] = 'assistant';
        if (part.text !== undefined) delta['content'] = part.text;
        return { finish_reason: finish, index, delta };
      }
      return { text: part.text ?? '', index, logprobs: null, finish_reason: finish };
    }
    case 'openrouter': {
      if (chat) {
        return { index, delta: { role: 'assistant', content: part.text ?? '' }, finish_reason: finish, native_finish_reason: finish, logprobs: null };
      }
      return { index, text: part.text ?? '', finish_reason: finish, native_finish_reason: finish, logprobs: null };
    }
    case 'koboldcpp': {
      if (chat) return { index, finish_reason: finish, delta: { role: 'assistant', content: part.text ?? '' } };
      return { index, finish_reason: finish, text: part.text ?? '' };
    }
    case 'vllm':
    case 'aimlapi': {
      if (chat) {
        const delta: Record<string, unknown> = part.role ? { role: 'assistant', content: '' } : { content: part.text ?? '' };
        return { index, delta, logprobs: null, finish_reason: finish };
      }
      const o: Record<string, unknown> = { index, text: part.text ?? '', logprobs: null, finish_reason: finish };
      if (c.flavor === 'vllm') o['stop_reason'] = null;
      return o;
    }
  }
}

/** Non-streamed response body for the same generation. */
export function buildNonStreamBody(input: StreamPlanInput): Record<string, unknown> {
  const { flavor, mode } = input;
  const chat = mode === 'chat';
  const n = flavor === 'koboldcpp' ? 1 : Math.max(1, Math.floor(input.n ?? 1));
  const flat = input.pieces.length === 0 || typeof input.pieces[0] === 'string';
  const perChoice: (readonly string[])[] = [];
  for (let c = 0; c < n; c++) perChoice.push(flat ? (input.pieces as readonly string[]) : ((input.pieces as readonly (readonly string[])[])[c] ?? []));
  const maxTokens = input.maxTokens ?? Math.max(...perChoice.map((p) => p.length)) + 1;
  const results = perChoice.map((p) => runChoice(p, maxTokens, input.stop ?? []));
  const model = input.model ?? 'test-model';
  const created = input.created ?? 1_700_000_000;
  const id = input.id ?? makeId(flavor, mode, `${model}|${created}|${n}`);
  const promptTokens = input.promptTokens ?? 0;
  const completionTokens = flavor === 'llamacpp' ? (results[0]?.steps.length ?? 0) : results.reduce((a, r) => a + r.steps.length, 0);
  const usage: Usage = { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
  const choices = results.map((r, index) => {
    const text = r.steps.map((s) => s ?? '').join('');
    const logprobs = input.logprobs ? input.logprobs.whole(index, r.steps.length) : null;
    return chat
      ? { index, message: { role: 'assistant', content: text }, logprobs, finish_reason: r.finish }
      : { index, text, logprobs, finish_reason: r.finish };
  });
  const body: Record<string, unknown> = {
    id,
    object: chat ? 'chat.completion' : 'text_completion',
    created,
    model: flavor === 'koboldcpp' ? koboldModel(model) : model,
    choices,
    usage,
  };
  if (flavor === 'openrouter') body['provider'] = 'Infermatic';
  if (flavor === 'llamacpp') body['timings'] = timings(promptTokens, completionTokens);
  return body;
}
