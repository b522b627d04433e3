import { ProviderProfile, apiBase } from '../providers/providerProfile';
import { SAMPLING_PARAMS, SamplingSettings } from '../providers/samplingParams';

export type GenerationMode = 'completion' | 'chat';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ProviderRequest {
  url: string;
  body: Record<string, unknown>;
}

function clamp(value: number, min?: number, max?: number, integer?: boolean): number {
  let v = integer ? Math.round(value) : value;
  if (min !== undefined && v < min) v = min;
  if (max !== undefined && v > max) v = max;
  return v;
}

/**
 * The sampling part of a body: only parameters that are set and that this provider accepts,
 * renamed and clamped to what it takes. `max_tokens` is always present (vLLM defaults to 16).
 */
export function samplingBody(profile: ProviderProfile, sampling: SamplingSettings): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const name of SAMPLING_PARAMS) {
    const value = sampling[name];
    if (value === undefined || value === null) continue;
    if (name !== 'max_tokens' && !profile.acceptedParams.has(name)) continue;
    const wire = profile.paramRenames[name] ?? name;
    if (name === 'stop') {
      const stops = (value as string[]).filter((s) => s.length > 0);
      if (stops.length === 0) continue;
      body[wire] = profile.maxStopSequences ? stops.slice(0, profile.maxStopSequences) : stops;
      continue;
    }
    const range = profile.paramRanges[name];
    body[wire] = range ? clamp(value as number, range.min, range.max, range.integer) : value;
  }
  return body;
}

/** Puts the system prompt at the top of the first user turn, for models that reject a system message. */
export function foldSystemPrompt(messages: readonly ChatMessage[]): ChatMessage[] {
  const system = messages.filter((m) => m.role === 'system').map((m) => m.content.trim()).filter(Boolean);
  const rest = messages.filter((m) => m.role !== 'system').map((m) => ({ ...m }));
  if (system.length === 0) return rest;
  const preface = system.join('\n\n');
  const firstUser = rest.findIndex((m) => m.role === 'user');
  if (firstUser === -1) return [{ role: 'user', content: preface }, ...rest];
  rest[firstUser] = { role: 'user', content: `${preface}\n\n${rest[firstUser].content}` };
  return rest;
}

export function rejectsSystemPrompt(profile: ProviderProfile, model: string): boolean {
  const name = model.toLowerCase();
  return profile.systemPromptRejectingModels.some((m) => name === m.toLowerCase() || name.endsWith(`/${m.toLowerCase()}`));
}

interface CommonOptions {
  profile: ProviderProfile;
  model: string;
  sampling: SamplingSettings;
  stream: boolean;
}

function streamExtras(profile: ProviderProfile, stream: boolean): Record<string, unknown> {
  if (!stream) return { stream: false };
  return profile.streamUsage ? { stream: true, stream_options: { include_usage: true } } : { stream: true };
}

export function buildCompletionRequest(options: CommonOptions & { prompt: string }): ProviderRequest {
  const { profile, model, sampling, stream, prompt } = options;
  return {
    url: `${apiBase(profile.baseUrl)}/completions`,
    body: { model, prompt, ...samplingBody(profile, sampling), ...streamExtras(profile, stream) },
  };
}

export function buildChatRequest(
  options: CommonOptions & { messages: readonly ChatMessage[]; foldSystem?: boolean },
): ProviderRequest {
  const { profile, model, sampling, stream } = options;
  const fold = options.foldSystem || rejectsSystemPrompt(profile, model);
  const messages = fold ? foldSystemPrompt(options.messages) : options.messages.filter((m) => m.content.length > 0 || m.role !== 'system');
  const body: Record<string, unknown> = { model, messages, ...samplingBody(profile, sampling), ...streamExtras(profile, stream) };
  return { url: `${apiBase(profile.baseUrl)}/chat/completions`, body };
}

export function chooseMode(profile: ProviderProfile, setting: 'auto' | GenerationMode): GenerationMode {
  if (setting === 'completion' && profile.supportsCompletions) return 'completion';
  if (setting === 'chat' && profile.supportsChat) return 'chat';
  if (setting === 'auto') return profile.supportsCompletions ? 'completion' : 'chat';
  return profile.supportsChat ? 'chat' : 'completion';
}
