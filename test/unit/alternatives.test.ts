import * as assert from 'assert';
import fc from 'fast-check';
import { AlternativeSet } from '../../src/core/alternatives/alternativeSet';
import { nLimitFrom } from '../../src/core/alternatives/nLimit';
import { runParallel } from '../../src/core/alternatives/parallelRuns';
import { KEPT_LIMITS, keepSpots, readKeptSpots } from '../../src/core/alternatives/keptAlternatives';
import { SeamJoiner } from '../../src/core/continuation/seamJoiner';
import { PARALLEL_ALTERNATIVES, gatherAlternatives } from '../../src/continueWriting/gatherAlternatives';
import type { GenerationResult } from '../../src/generator';

describe('alternatives: llama.cpp n limit', () => {
  it("reads the slot count from llama.cpp's 400 (docs/story.md)", () => {
    assert.strictEqual(nLimitFrom("Field 'n': Value must be between 1 <= value <= 2, but got 3"), 2);
    assert.strictEqual(nLimitFrom("Field 'n': Value must be between 1 <= value <= 16, but got 20"), 16);
  });
  it('ignores every other message', () => {
    for (const m of [undefined, '', 'Value must be between 1 <= value <= 2', "Field 'top_k': Value must be between 1 <= value <= 2", 'context length exceeded']) {
      assert.strictEqual(nLimitFrom(m), undefined, String(m));
    }
  });
});

describe('alternatives: parallel requests', () => {
  it('runs at most `concurrency` at once, keeps each outcome apart, in index order', async () => {
    let running = 0;
    let most = 0;
    const outcomes = await runParallel(
      5,
      async (i) => {
        running++;
        most = Math.max(most, running);
        await new Promise((r) => setImmediate(r));
        running--;
        if (i === 2) throw new Error('server said no');
        return `text ${i}`;
      },
      { concurrency: 2, signal: new AbortController().signal },
    );
    assert.strictEqual(most, 2);
    assert.deepStrictEqual(outcomes.map((o) => o.index), [0, 1, 2, 3, 4]);
    assert.deepStrictEqual(outcomes.map((o) => o.ok), [true, true, false, true, true]);
    assert.deepStrictEqual(outcomes.filter((o) => o.ok).map((o) => (o.ok ? o.value : '')), ['text 0', 'text 1', 'text 3', 'text 4']);
  });

  it('an abort reaches every started run and starts no more', async () => {
    const ctl = new AbortController();
    const started: number[] = [];
    const signals: AbortSignal[] = [];
    const done = runParallel(
      6,
      (i, signal) => {
        started.push(i);
        signals.push(signal);
        return new Promise<string>((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))));
      },
      { concurrency: 3, signal: ctl.signal },
    );
    await new Promise((r) => setImmediate(r));
    assert.deepStrictEqual(started, [0, 1, 2]);
    ctl.abort();
    const outcomes = await done;
    assert.deepStrictEqual(started, [0, 1, 2], 'nothing started after the abort');
    assert.ok(signals.every((s) => s.aborted));
    assert.ok(outcomes.every((o) => !o.ok));
    assert.strictEqual(outcomes.length, 6);
  });
});

describe('alternatives: gathered by requests of their own', () => {
  it('a stop while some wait their turn ends every started request and leaves none "coming"', async () => {
    const stop = new AbortController();
    const started: AbortSignal[] = [];
    const gathering = gatherAlternatives({
      count: 4,
      perRequest: 1,
      joiner: () => new SeamJoiner('completion', 'The lamp went out.'),
      // A request that sends one piece, then streams until it is aborted, as a server would.
      generate: (signal, onText) => {
        started.push(signal);
        onText(' More');
        return new Promise<GenerationResult>((resolve) =>
          signal.addEventListener('abort', () => resolve({ outcome: 'aborted', tokens: 1, foldedSystemPrompt: false })),
        );
      },
      signal: stop.signal,
      describe: () => undefined,
    });
    await new Promise((r) => setImmediate(r));
    assert.strictEqual(started.length, PARALLEL_ALTERNATIVES, 'two at a time; the third waits its turn');
    stop.abort();
    await gathering.background;
    assert.strictEqual(started.length, PARALLEL_ALTERNATIVES, 'the waiting one was never sent');
    assert.ok(started.every((s) => s.aborted), 'every started request was aborted');
    const others = gathering.set.items.slice(1);
    assert.deepStrictEqual(others.map((a) => a.state), ['cut', 'cut', 'error'], 'none is left streaming');
    assert.deepStrictEqual(others.map((a) => a.text), [' More', ' More', '']);
  });
});

describe('alternatives: one spot', () => {
  it('assembles interleaved n > 1 pieces per choice index (property)', () => {
    const texts = fc.array(fc.array(fc.string({ minLength: 1, maxLength: 5 }), { maxLength: 12 }), { minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(texts, fc.array(fc.nat()), (choices, order) => {
        // Interleave the pieces of every choice in an order fast-check picks, each choice's own order kept.
        const queues = choices.map((pieces) => [...pieces]);
        const set = new AlternativeSet('', choices.length);
        let k = 0;
        while (queues.some((q) => q.length)) {
          const open = queues.map((q, i) => (q.length ? i : -1)).filter((i) => i >= 0);
          const i = open[(order[k++] ?? 0) % open.length];
          set.append(i, queues[i].shift()!);
        }
        set.append(choices.length, 'from a server that sent more');
        assert.deepStrictEqual(set.items.map((a) => a.text), choices.map((pieces) => pieces.join('')));
      }),
    );
  });

  it('cycles through those with text, waits for ones still streaming, and asks for a new one past the end', () => {
    const set = new AlternativeSet('', 3);
    set.append(0, 'First.');
    set.append(2, 'Third.');
    assert.deepStrictEqual(set.next(), { kind: 'show', index: 2, text: 'Third.' }, 'an empty one is skipped');
    assert.strictEqual(set.label(), '3/3');
    assert.deepStrictEqual(set.previous(), { kind: 'show', index: 0, text: 'First.' });
    assert.deepStrictEqual(set.previous(), { kind: 'none' });
    set.next();
    assert.deepStrictEqual(set.next(), { kind: 'none' }, 'the second still streams: no new request yet');
    set.finish(1, 'error', 'Server error');
    set.finish(0, 'done');
    set.finish(2, 'done');
    assert.deepStrictEqual(set.next(), { kind: 'generate' });
    assert.strictEqual(set.add(), 3);
    set.append(3, 'Fourth.');
    assert.deepStrictEqual(set.next(), { kind: 'show', index: 3, text: 'Fourth.' });
    assert.deepStrictEqual(set.previous(), { kind: 'show', index: 2, text: 'Third.' });
    assert.deepStrictEqual(set.previous(), { kind: 'show', index: 0, text: 'First.' }, 'one that failed before any text is skipped');
    assert.deepStrictEqual(set.failures(), ['Server error']);
    set.append(0, 'late');
    assert.strictEqual(set.items[0].text, 'First.', 'a finished alternative takes no more text');
  });
});

describe('alternatives: kept in workspace storage', () => {
  const spot = (uri: string, texts = ['a', 'b']) => ({ uri, start: 0, end: 1, original: '', texts, shown: 0 });

  it('reads only well-formed spots, whatever storage holds', () => {
    assert.deepStrictEqual(readKeptSpots(undefined), []);
    assert.deepStrictEqual(readKeptSpots({ uri: 'x' }), []);
    const bad = [spot('ok'), { ...spot('neg'), start: -1 }, { ...spot('inverted'), start: 5, end: 2 }, { ...spot('shown'), shown: 2 }, { ...spot('texts'), texts: [1] }, null, 'text'];
    assert.deepStrictEqual(readKeptSpots(bad).map((s) => s.uri), ['ok']);
  });

  it('is bounded: the 20 most recent spots, no spot over the size bounds', () => {
    const many = Array.from({ length: 30 }, (_, i) => spot(`file:///${i}`));
    assert.strictEqual(keepSpots(many).length, KEPT_LIMITS.spots);
    assert.strictEqual(keepSpots(many)[0].uri, 'file:///0');
    assert.deepStrictEqual(keepSpots([spot('big', ['x'.repeat(KEPT_LIMITS.chars + 1)]), spot('many', Array(9).fill('t')), spot('fine')]).map((s) => s.uri), ['fine']);
  });
});
