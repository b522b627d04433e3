/**
 * The server dialects (docs/providers.md) and the two generation routes: every wire shape in this
 * folder is chosen by these two keys, so they live apart from any one shape.
 */

export type Flavor = 'litellm' | 'vllm' | 'llamacpp' | 'aimlapi' | 'openrouter' | 'koboldcpp';
export const FLAVORS: readonly Flavor[] = ['litellm', 'vllm', 'llamacpp', 'aimlapi', 'openrouter', 'koboldcpp'];

/** Which generation route: `/v1/completions` or `/v1/chat/completions`. */
export type Mode = 'completions' | 'chat';
