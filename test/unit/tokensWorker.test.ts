import * as assert from 'assert';
import * as path from 'path';
import { EventEmitter } from 'events';
import { Worker } from 'worker_threads';
import { TokenizerWorkerClient, WorkerLike } from '../../src/core/tokens/workerClient';
import { TokenCounter } from '../../src/core/tokens/tokenCounter';
import { sharedLocalTokenizer } from './sharedTokenizers';
import { createWorkerHandler } from '../../src/core/tokens/workerProtocol';
import { LOCAL_FAMILIES } from '../../src/core/tokens/types';
import { generateProse } from '../../bench/tokenCountProse';

// The tsc output of src/tokenizerWorker.ts (out/src/tokenizerWorker.js); it finds the vocabularies in node_modules.
const WORKER = path.join(__dirname, '..', '..', 'src', 'tokenizerWorker.js');
const realWorker = (): WorkerLike => new Worker(WORKER);

describe('tokens: worker client with a real worker thread', function () {
  this.timeout(60_000);
  let client: TokenizerWorkerClient;

  before(() => {
    client = new TokenizerWorkerClient(realWorker);
  });
  after(async () => {
    await client.dispose();
  });

  it('loads each family lazily and counts exactly like the tokenizer in-process', async () => {
    const texts = [generateProse(800, 31), 'Hello world', '', 'ax\n####\nboo'];
    for (const family of LOCAL_FAMILIES) {
      const loaded = await client.load(family);
      assert.strictEqual(loaded.family, family);
      const counts = await client.count(family, texts, [true, false, false, false]);
      const local = sharedLocalTokenizer(family);
      assert.deepStrictEqual(counts, texts.map((t, i) => local.count(t, i === 0)), family);
    }
    assert.deepStrictEqual(await client.encode('llama3', 'Hello world'), [9906, 1917]);
    const stats = await client.stats();
    assert.strictEqual(stats.loaded.length, 2, 'keeps at most two tokenizers');
    assert.ok(stats.rss > 0);
  });

  it('reports errors per request without killing the worker', async () => {
    await assert.rejects(client.count('nope' as never, ['x']), /no local tokenizer/);
    assert.deepStrictEqual(await client.count('mistral-nemo', ['Hello world']), [2]);
  });

  it('drives TokenCounter: the paragraph-cached total equals the whole-text count', async () => {
    const text = generateProse(20_000, 32);
    const counter = new TokenCounter({ family: 'mistral-nemo', local: client });
    const r = await counter.count(text);
    assert.strictEqual(r.source, 'local');
    assert.strictEqual(r.count, sharedLocalTokenizer('mistral-nemo').count(text, true));
    const r2 = await counter.count(text.replace('Chapter 1', 'Chapter 1.'));
    assert.strictEqual(counter.lastStats.localCounted, 1);
    assert.strictEqual(r2.count, sharedLocalTokenizer('mistral-nemo').count(text.replace('Chapter 1', 'Chapter 1.'), true));
  });

  it('stops an idle worker and starts a new one on demand', async () => {
    const c = new TokenizerWorkerClient(realWorker, { idleMs: 100 });
    try {
      assert.deepStrictEqual(await c.count('mistral-nemo', ['Hello world']), [2]);
      assert.strictEqual(c.running, true);
      await new Promise((r) => setTimeout(r, 300));
      assert.strictEqual(c.running, false);
      assert.deepStrictEqual(await c.count('mistral-nemo', ['Hello world']), [2]);
    } finally {
      await c.dispose();
    }
  });
});

/** A worker that never answers and dies on request. */
class DyingWorker extends EventEmitter implements WorkerLike {
  posted: unknown[] = [];
  postMessage(v: unknown): void {
    this.posted.push(v);
    setImmediate(() => this.emit('exit', 1));
  }
  terminate(): void {}
}

describe('tokens: worker client failures', () => {
  it('rejects pending requests when the worker dies, then gives up after maxCrashes', async () => {
    let created = 0;
    const c = new TokenizerWorkerClient(
      () => {
        created++;
        return new DyingWorker();
      },
      { maxCrashes: 2 },
    );
    await assert.rejects(c.count('llama3', ['a']), /exited with code 1/);
    await assert.rejects(c.count('llama3', ['a']), /exited with code 1/);
    await assert.rejects(c.count('llama3', ['a']), /unavailable/);
    assert.strictEqual(created, 2);
  });

  it('a worker that cannot be created fails fast', async () => {
    const c = new TokenizerWorkerClient(() => {
      throw new Error('no such file');
    });
    await assert.rejects(c.load('qwen2'), /no such file/);
    await assert.rejects(c.load('qwen2'), /unavailable/);
  });

  it('the handler remembers a family that failed to load', () => {
    let loads = 0;
    const handle = createWorkerHandler({
      load: () => {
        loads++;
        throw new Error('data missing');
      },
    });
    const r1 = handle({ id: 1, op: 'count', family: 'qwen2', texts: ['a'] });
    const r2 = handle({ id: 2, op: 'count', family: 'qwen2', texts: ['a'] });
    assert.ok(!r1.ok && /data missing/.test(r1.error));
    assert.ok(!r2.ok && /data missing/.test(r2.error));
    assert.strictEqual(loads, 1);
  });
});
