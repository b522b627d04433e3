/** A model as a provider lists it; context length only where the provider tells it. */
export interface ModelInfo {
  id: string;
  label?: string;
  contextLength?: number;
  ownedBy?: string;
}

function positiveInt(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : undefined;
}

/**
 * Parses `GET /v1/models` (OpenAI shape, vLLM's `max_model_len`, OpenRouter's `context_length`,
 * llama.cpp's `meta.n_ctx`: the context each slot serves; `n_ctx_train` is what the model was
 * trained for, which the server may not give, so it is not taken)
 * and AI/ML API's `GET /models` (a bare array or `{data}` of `{id, type, info:{name, contextLength}}`).
 * Unknown shapes give an empty list, never a throw: the user can still type a model id.
 */
export function parseModelList(json: unknown): ModelInfo[] {
  const list = Array.isArray(json)
    ? json
    : json && typeof json === 'object' && Array.isArray((json as { data?: unknown }).data)
      ? (json as { data: unknown[] }).data
      : json && typeof json === 'object' && Array.isArray((json as { models?: unknown }).models)
        ? (json as { models: unknown[] }).models
        : [];
  const seen = new Set<string>();
  const out: ModelInfo[] = [];
  for (const entry of list) {
    if (!entry || typeof entry !== 'object') continue;
    const e = entry as Record<string, unknown>;
    const id = typeof e.id === 'string' ? e.id : typeof e.model === 'string' ? e.model : typeof e.name === 'string' ? e.name : undefined;
    if (!id || seen.has(id)) continue;
    // AI/ML API lists image, audio and embedding models too; only chat and language models write prose.
    if (typeof e.type === 'string' && !/chat|language|completion/i.test(e.type)) continue;
    seen.add(id);
    const info = (e.info && typeof e.info === 'object' ? e.info : {}) as Record<string, unknown>;
    const meta = (e.meta && typeof e.meta === 'object' ? e.meta : {}) as Record<string, unknown>;
    out.push({
      id,
      label: typeof info.name === 'string' ? info.name : undefined,
      contextLength:
        positiveInt(e.max_model_len) ??
        positiveInt(meta.n_ctx) ??
        positiveInt(info.contextLength) ??
        positiveInt(e.context_length) ??
        positiveInt(e.context_window),
      ownedBy: typeof e.owned_by === 'string' ? e.owned_by : undefined,
    });
  }
  return out.sort((a, b) => a.id.localeCompare(b.id));
}
