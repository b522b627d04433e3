import * as assert from 'assert';
import * as path from 'path';
import { EventEmitter } from 'events';
import { Worker } from 'worker_threads';
import { TokenizerWorkerClient, WorkerLike } from '../../src/core/tokens/workerClient';
import { TokenCounter } from '../../src/core/tokens/tokenCounter';
import { sharedLocalTokenizer } from './sharedTokenizers';
import { WorkerRequest, WorkerResponse, createWorkerHandler } from '../../src/core/tokens/workerProtocol';
import { isAbortError } from '../../src/core/tokens/scheduler';
import { LOCAL_FAMILIES } from '../../src/core/tokens/types';
import { generateProse } from '../../bench/tokenCountProse';

// The tsc output of src/tokenizerWorker.ts (out/src/tokenizerWorker.js); it finds the vocabularies in node_modules.
const WORKER = path.join(__dirname, '..', '..', 'src', 'tokenizerWorker.js');
const realWorker = (): WorkerLike => new Worker(WORKER);

/** A real worker thread, with what it answered and a promise for its termination, for the client's choices to be seen. */
class WatchedWorker implements WorkerLike {
  readonly answers: WorkerResponse[] = [];
  readonly terminated: Promise<void>;
  private readonly worker = new Worker(WORKER);
  private onTerminate!: () => void;
  constructor() {
    this.terminated = new Promise((resolve) => (this.onTerminate = resolve));
    this.worker.on('message', (m: WorkerResponse) => this.answers.push(m));
  }
  postMessage(value: unknown): void {
    this.worker.postMessage(value);
  }
  on(event: 'message' | 'error' | 'exit', listener: (value: never) => void): this {
    this.worker.on(event, listener as (value: unknown) => void);
    return this;
  }
  terminate(): Promise<number> {
    this.onTerminate();
    return this.worker.terminate();
  }
}

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
      const { counts, forcedCuts } = await client.count(family, texts, { atStart: [true, false, false, false] });
      const local = sharedLocalTokenizer(family);
      assert.deepStrictEqual(counts, texts.map((t, i) => local.count(t, i === 0)), family);
      assert.deepStrictEqual(forcedCuts, [0, 0, 0, 0], family);
    }
    assert.deepStrictEqual(await client.encode('llama3', 'Hello world'), [9906, 1917]);
    const stats = await client.stats();
    assert.strictEqual(stats.loaded.length, 2, 'keeps at most two tokenizers');
    assert.ok(stats.rss > 0);
  });

  it('reports errors per request without killing the worker', async () => {
    await assert.rejects(client.count('nope' as never, ['x']), /no local tokenizer/);
    assert.deepStrictEqual((await client.count('mistral-nemo', ['Hello world'])).counts, [2]);
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
    const workers: WatchedWorker[] = [];
    const c = new TokenizerWorkerClient(() => {
      workers.push(new WatchedWorker());
      return workers[workers.length - 1];
    }, { idleMs: 100 });
    try {
      assert.deepStrictEqual((await c.count('mistral-nemo', ['Hello world'])).counts, [2]);
      assert.strictEqual(c.running, true);
      await workers[0].terminated;
      assert.strictEqual(c.running, false);
      assert.deepStrictEqual((await c.count('mistral-nemo', ['Hello world'])).counts, [2]);
    } finally {
      await c.dispose();
    }
  });

  it('an aborted count is dropped in the worker: the next count does not wait for it', async () => {
    // Llama 2 over 2 MB of one line takes many seconds; dropped, it must not delay a short count behind it.
    const huge = 'lorem ipsum dolor sit amet '.repeat(80_000).replace(/ /g, '');
    const worker = new WatchedWorker();
    const c = new TokenizerWorkerClient(() => worker);
    try {
      await c.load('llama2');
      const ctl = new AbortController();
      const big = c.count('llama2', [huge], { signal: ctl.signal });
      ctl.abort();
      await assert.rejects(big, (e) => isAbortError(e));
      assert.deepStrictEqual((await c.count('llama2', ['Hello world'], { atStart: [true] })).counts, [sharedLocalTokenizer('llama2').count('Hello world', true)]);
      // The worker's own answers, in order: the load, the 2 MB count dropped (answered `aborted` at the pause
      // after the cancel came in, not with a count), then the short count. One that kept counting the dropped
      // text would have answered it with a count, seconds later, before the short one.
      assert.deepStrictEqual(
        worker.answers.map((a) => (a.ok ? 'ok' : a.aborted ? 'aborted' : 'failed')),
        ['ok', 'aborted', 'ok'],
      );
    } finally {
      await c.dispose();
    }
  });

  it('a newer count with the same supersede key drops the older ones, queued or running', async () => {
    const text = generateProse(60_000, 5);
    const outcomes = await Promise.allSettled(
      [0, 1, 2, 3, 4].map((i) => client.count('llama2', [text + String(i)], { supersede: 'status' })),
    );
    assert.deepStrictEqual(
      outcomes.map((o) => o.status),
      ['rejected', 'rejected', 'rejected', 'rejected', 'fulfilled'],
    );
    for (const o of outcomes.slice(0, 4)) assert.ok(o.status === 'rejected' && isAbortError(o.reason));
    const last = outcomes[4];
    assert.ok(last.status === 'fulfilled');
    assert.deepStrictEqual(last.value.counts, [sharedLocalTokenizer('llama2').count(text + '4', false)]);
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

/** A worker that answers every count with zeros, on a later turn. */
class AnsweringWorker extends EventEmitter implements WorkerLike {
  postMessage(v: unknown): void {
    const req = v as { id: number; texts: string[] };
    setImmediate(() => this.emit('message', { id: req.id, ok: true, result: { counts: req.texts.map(() => 0), forcedCuts: req.texts.map(() => 0) } }));
  }
  terminate(): void {}
}

describe('tokens: worker client failures', () => {
  it('a dead worker fails its requests and is restarted after a wait that doubles, reset by an answer', async () => {
    let t = 0;
    const workers: WorkerLike[] = [];
    let dying = 3;
    const c = new TokenizerWorkerClient(
      () => {
        const w = dying-- > 0 ? new DyingWorker() : new AnsweringWorker();
        workers.push(w);
        return w;
      },
      { restartBackoffMs: 1000, maxRestartBackoffMs: 3000, now: () => t },
    );
    await assert.rejects(c.count('llama3', ['a']), /exited with code 1/);
    await assert.rejects(c.count('llama3', ['a']), /next try in 1 s/, 'within the first wait, no new worker');
    t += 1000;
    await assert.rejects(c.count('llama3', ['a']), /exited with code 1/);
    t += 1999;
    await assert.rejects(c.count('llama3', ['a']), /next try in 1 s/, 'the second wait is 2 s');
    t += 1;
    await assert.rejects(c.count('llama3', ['a']), /exited with code 1/);
    t += 3000; // capped at 3 s
    assert.deepStrictEqual((await c.count('llama3', ['a'])).counts, [0]);
    assert.strictEqual(workers.length, 4);
    await c.dispose();
  });

  it('a worker that cannot be created fails, and is tried again after the wait', async () => {
    let t = 0;
    let tries = 0;
    const c = new TokenizerWorkerClient(
      () => {
        tries++;
        throw new Error('no such file');
      },
      { now: () => t },
    );
    await assert.rejects(c.load('qwen2'), /no such file/);
    await assert.rejects(c.load('qwen2'), /next try/);
    t += 1000;
    await assert.rejects(c.load('qwen2'), /no such file/);
    assert.strictEqual(tries, 2);
  });

  it('the handler remembers a family that failed to load', async () => {
    let loads = 0;
    const handle = createWorkerHandler({
      load: () => {
        loads++;
        throw new Error('data missing');
      },
    });
    const ask = (req: WorkerRequest) => new Promise<WorkerResponse>((resolve) => handle(req, resolve));
    const r1 = await ask({ id: 1, op: 'count', family: 'qwen2', texts: ['a'] });
    const r2 = await ask({ id: 2, op: 'count', family: 'qwen2', texts: ['a'] });
    assert.ok(!r1.ok && /data missing/.test(r1.error));
    assert.ok(!r2.ok && /data missing/.test(r2.error));
    assert.strictEqual(loads, 1);
  });

  it('the handler pauses every slice and drops a cancelled count there, answering the rest in order', async () => {
    let t = 0;
    let pauses = 0;
    let release: (() => void) | undefined;
    // A tokenizer that takes one "ms" per step and 100 steps per text.
    const tok = {
      family: 'llama3' as const,
      name: 'fake',
      encode: () => [],
      count: () => 100,
      *countSteps(): Generator<void, { tokens: number; forcedCuts: number }> {
        for (let i = 0; i < 100; i++) {
          t++;
          yield;
        }
        return { tokens: 100, forcedCuts: 0 };
      },
    };
    const handle = createWorkerHandler({
      load: () => tok,
      now: () => t,
      sliceMs: 10,
      pause: () => {
        pauses++;
        return new Promise<void>((r) => (release = r));
      },
    });
    const answers: WorkerResponse[] = [];
    handle({ id: 1, op: 'count', family: 'llama3', texts: ['x'] }, (r) => answers.push(r));
    handle({ id: 2, op: 'count', family: 'llama3', texts: ['y'] }, (r) => answers.push(r));
    await Promise.resolve();
    assert.strictEqual(pauses, 1, 'the first count paused after its first slice');
    handle({ id: 3, op: 'cancel', target: 1 }, () => assert.fail('cancel has no answer'));
    while (answers.length < 2) {
      const r = release;
      release = undefined;
      r?.();
      await new Promise((res) => setImmediate(res));
    }
    assert.deepStrictEqual(answers.map((a) => [a.id, a.ok]), [[1, false], [2, true]]);
    assert.ok(!answers[0].ok && answers[0].aborted);
    assert.ok(answers[1].ok);
    assert.deepStrictEqual(answers[1].result, { counts: [100], forcedCuts: [0] });
    assert.ok(t < 120, `the cancelled count stopped at its first pause (${t} steps in all)`);
  });
});
