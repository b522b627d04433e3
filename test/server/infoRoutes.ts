/** The routes that are not generation: health, model lists, tokenizers, llama.cpp's /props, KoboldCpp's context size. */
import { notFound } from './errorResponses';
import { isObj, sendJson } from './httpHelpers';
import { messagesText } from './promptText';
import type { Route } from './routes';
import type { RequestContext, ServerRuntime } from './serverContext';
import { contextOf, findModel, firstModel, type ResolvedOptions } from './serverOptions';
import { countTokens, estimateOpenAiTokens, tokenIds } from './tokenText';

export function answerInfoRoute(server: ServerRuntime, route: Route, ctx: RequestContext, body: unknown): void {
  const o = server.opts;
  const flavor = o.flavor;
  const res = ctx.res;
  const b = isObj(body) ? body : {};
  const created = Math.floor(o.clock() / 1000);
  switch (route) {
    case 'health':
      return sendJson(res, 200, { status: 'ok' });
    case 'models':
      return sendJson(res, 200, modelsList(server.opts, created));
    case 'aimlModels':
      return sendJson(res, 200, {
        object: 'list',
        data: o.models.map((m) => ({
          id: m.id,
          type: 'chat-completion',
          info: { name: m.id, developer: m.id.includes('/') ? m.id.split('/')[0] : 'Test', description: `${m.id} (test server)`, contextLength: m.contextLength, maxTokens: m.maxOutputTokens ?? 4096, url: '', docs_url: '' },
          features: ['openai/chat-completion', 'openai/chat-completion.stream', 'openai/chat-completion.max-tokens', 'openai/chat-completion.stop'],
          endpoints: ['/v1/chat/completions'],
        })),
      });
    case 'tokenize': {
      if (flavor === 'llamacpp') {
        const content = typeof b['content'] === 'string' ? b['content'] : '';
        return sendJson(res, 200, { tokens: tokenIds(content) });
      }
      const model = typeof b['model'] === 'string' ? b['model'] : firstModel(server.opts).id;
      const text = Array.isArray(b['messages']) ? messagesText(b['messages']) : typeof b['prompt'] === 'string' ? b['prompt'] : '';
      const tokens = tokenIds(text);
      return sendJson(res, 200, { count: tokens.length, max_model_len: contextOf(server.opts, model), tokens });
    }
    case 'tokenCounter': {
      const model = typeof b['model'] === 'string' ? b['model'] : '';
      const text = Array.isArray(b['messages']) ? messagesText(b['messages']) : typeof b['prompt'] === 'string' ? b['prompt'] : '';
      const known = findModel(server.opts, model) !== undefined;
      return sendJson(res, 200, known
        ? { total_tokens: countTokens(text), request_model: model, model_used: `Infermatic/${model}`, tokenizer_type: 'huggingface_tokenizer' }
        : { total_tokens: estimateOpenAiTokens(text), request_model: model, model_used: model, tokenizer_type: 'openai_tokenizer' });
    }
    case 'props': {
      const m = firstModel(server.opts);
      return sendJson(res, 200, {
        default_generation_settings: { n_ctx: m.contextLength, model: `/models/${m.id}.gguf`, n_predict: -1, temperature: 0.8 },
        total_slots: 1,
        model_path: `/models/${m.id}.gguf`,
        chat_template: '',
        build_info: 'b5000-inkwelltest',
      });
    }
    case 'koboldMaxCtx':
      return sendJson(res, 200, { value: firstModel(server.opts).contextLength });
    default:
      return notFound(res, server.opts.flavor, ctx.path);
  }
}

function modelsList(opts: ResolvedOptions, created: number): unknown {
  const o = opts;
  const models = o.flavor === 'llamacpp' || o.flavor === 'koboldcpp' ? [firstModel(opts)] : o.models;
  switch (o.flavor) {
    case 'litellm':
      return { data: models.map((m) => ({ id: m.id, object: 'model', created: 1677610602, owned_by: 'openai' })), object: 'list' };
    case 'vllm':
      return { object: 'list', data: models.map((m) => ({ id: m.id, object: 'model', created, owned_by: 'vllm', root: m.id, parent: null, max_model_len: m.contextLength, permission: [] })) };
    case 'llamacpp':
      return {
        models: models.map((m) => ({ name: m.id, model: m.id, modified_at: '', size: '', digest: '', type: 'model', description: '', tags: [''], capabilities: ['completion'], parameters: '', details: { parent_model: '', format: 'gguf', family: '', families: [''], parameter_size: '', quantization_level: '' } })),
        object: 'list',
        // n_ctx_train is the training context, not the server's n_ctx (that is in /props).
        data: models.map((m) => ({ id: m.id, object: 'model', created, owned_by: 'llamacpp', meta: { vocab_type: 2, n_vocab: 128256, n_ctx_train: 131072, n_ctx: m.contextLength, n_embd: 4096, n_params: 8030261248, size: 4920733696 } })),
      };
    case 'openrouter':
      return {
        data: models.map((m) => ({
          id: m.id, canonical_slug: m.id, name: m.id, created, description: '', context_length: m.contextLength,
          architecture: { modality: 'text->text', input_modalities: ['text'], output_modalities: ['text'], tokenizer: 'Other', instruct_type: null },
          pricing: { prompt: '0.0000008', completion: '0.0000012', request: '0', image: '0' },
          top_provider: { context_length: m.contextLength, max_completion_tokens: m.maxOutputTokens ?? null, is_moderated: false },
          per_request_limits: null,
          supported_parameters: ['max_tokens', 'temperature', 'top_p', 'stop', 'seed', 'top_k', 'min_p', 'top_a', 'repetition_penalty', 'frequency_penalty', 'presence_penalty'],
        })),
      };
    case 'koboldcpp':
      return { object: 'list', data: models.map((m) => ({ id: `koboldcpp/${m.id}`, object: 'model', created: 1, owned_by: 'koboldcpp', permission: [], root: 'koboldcpp' })) };
    case 'aimlapi':
      return { object: 'list', data: models.map((m) => ({ id: m.id, object: 'model', created, owned_by: 'aimlapi' })) };
  }
}
