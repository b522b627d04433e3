/** Which endpoint a path is, per flavor: routes match by suffix so any base URL prefix works (docs/providers.md). */
import type { Flavor } from './flavor';

export type Route =
  | 'chat' | 'completions' | 'models' | 'aimlModels' | 'tokenize' | 'tokenCounter' | 'props' | 'koboldMaxCtx' | 'health';

export function resolveRoute(flavor: Flavor, path: string): Route | undefined {
  const p = path.length > 1 ? path.replace(/\/+$/, '') : path;
  if (p.endsWith('/chat/completions')) return 'chat';
  if (p.endsWith('/completions')) return 'completions';
  if (flavor === 'aimlapi' && (p === '/models' || p.endsWith('/models'))) return 'aimlModels';
  if (p.endsWith('/models')) return 'models';
  if (p.endsWith('/utils/token_counter') && flavor === 'litellm') return 'tokenCounter';
  if (p === '/tokenize' && (flavor === 'vllm' || flavor === 'llamacpp')) return 'tokenize';
  if (p === '/props' && flavor === 'llamacpp') return 'props';
  if (p === '/api/extra/true_max_context_length' && flavor === 'koboldcpp') return 'koboldMaxCtx';
  if (p === '/health') return 'health';
  return undefined;
}

export function routeMethod(route: Route): 'GET' | 'POST' {
  return route === 'models' || route === 'aimlModels' || route === 'props' || route === 'koboldMaxCtx' || route === 'health' ? 'GET' : 'POST';
}

export function isPublic(flavor: Flavor, route: Route): boolean {
  if (route === 'health') return true;
  if (flavor === 'aimlapi' && route === 'aimlModels') return true;
  if (flavor === 'llamacpp' && (route === 'models' || route === 'props')) return true;
  return false;
}
