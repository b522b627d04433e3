import * as assert from 'node:assert/strict';
import { parseModelList } from '../../src/core/providers/modelList';

describe('parseModelList', () => {
  it('reads the OpenAI shape Infermatic sends (no context sizes)', () => {
    const models = parseModelList({ data: [{ id: 'B-model', object: 'model', created: 1, owned_by: 'openai' }, { id: 'A-model', object: 'model' }] });
    assert.deepEqual(models.map((m) => m.id), ['A-model', 'B-model']);
    assert.equal(models[0].contextLength, undefined);
  });
  it("reads vLLM's max_model_len and OpenRouter's context_length", () => {
    const [v] = parseModelList({ object: 'list', data: [{ id: 'm', max_model_len: 32768 }] });
    assert.equal(v.contextLength, 32768);
    const [o] = parseModelList({ data: [{ id: 'o', context_length: 131072 }] });
    assert.equal(o.contextLength, 131072);
  });
  it("reads llama.cpp's meta.n_ctx (the served context), never n_ctx_train (the trained one)", () => {
    const [served] = parseModelList({ object: 'list', data: [{ id: 'm.gguf', owned_by: 'llamacpp', meta: { n_ctx_train: 131072, n_ctx: 8192, n_vocab: 128256 } }] });
    assert.equal(served.contextLength, 8192);
    const [trainedOnly] = parseModelList({ object: 'list', data: [{ id: 'm.gguf', owned_by: 'llamacpp', meta: { n_ctx_train: 131072 } }] });
    assert.equal(trainedOnly.contextLength, undefined);
  });
  it("reads AI/ML API's catalogue and skips models that do not write text", () => {
    const models = parseModelList([
      { id: 'anthracite-org/magnum-v4-72b', type: 'chat-completion', info: { name: 'Magnum v4 72B', contextLength: 32768 } },
      { id: 'flux/dev', type: 'image', info: { name: 'Flux' } },
    ]);
    assert.deepEqual(models, [{ id: 'anthracite-org/magnum-v4-72b', label: 'Magnum v4 72B', contextLength: 32768, ownedBy: undefined }]);
  });
  it('gives an empty list for shapes it does not know', () => {
    assert.deepEqual(parseModelList('nope'), []);
    assert.deepEqual(parseModelList({ error: 'x' }), []);
  });
});
