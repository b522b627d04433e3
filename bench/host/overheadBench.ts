// The main benchmark's overhead scenario: a 2,000-token stream written into the document by Continue Writing,
// first byte to last character, against the same bytes read by a bare client in this same process (the
// physical limit), with where the time went.
import * as http from 'http';
import { performance } from 'perf_hooks';
import * as vscode from 'vscode';
import { profiled } from './cpuProfile';
import type { GenerationTiming, OverheadPair } from './results';
import {
  KEY, RecordedGeneration, SERVER, lastGenerationRequest, oneCharacterEdit, restore, serverDurations, setScenario, sleep, timedContinueWriting,
} from './timedRun';

// ---------------------------------------------------------------------------------------------
// The physical limit: the same bytes, read by a bare client in this same process

interface RawRead {
  firstByte: number;
  lastByte: number;
  bytes: number;
}

function rawRead(recorded: RecordedGeneration): Promise<RawRead> {
  return new Promise((resolve, reject) => {
    const payload = Buffer.from(JSON.stringify(recorded.body));
    const req = http.request(
      `${SERVER}${recorded.path}`,
      {
        method: 'POST',
        agent: false,
        headers: {
          accept: 'text/event-stream',
          authorization: `Bearer ${KEY}`,
          'content-type': 'application/json',
          'content-length': payload.length,
        },
      },
      (res) => {
        const firstByte = performance.now();
        let bytes = 0;
        res.on('data', (chunk: Buffer) => (bytes += chunk.length));
        res.on('end', () => resolve({ firstByte, lastByte: performance.now(), bytes }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

// ---------------------------------------------------------------------------------------------
// The overhead, run against it

function describe(g: GenerationTiming): string {
  const span = (from: number, to: number) => `${(to - from).toFixed(1)} ms`;
  return (
    `first byte → last byte off the socket ${span(g.firstByte, g.lastArrival)} (${g.bytes} bytes), → last token parsed ${span(g.lastArrival, g.lastText)}, ` +
    `→ stream closed ${span(g.lastText, g.generated)}, → last edit ${span(g.generated, g.lastChange)}; ${g.edits} edits ` +
    // Before the last byte, the first edit was in flight or done; after it, it carried everything.
    `(the first ${g.firstChange < g.lastArrival ? `${span(g.firstChange, g.lastArrival)} before` : `${span(g.lastArrival, g.firstChange)} after`} the last byte), ${g.tokens} tokens, ${g.outcome}`
  );
}

export async function overhead(
  editor: vscode.TextEditor,
  runs: number,
  label: string,
  scenario: Record<string, unknown> | null,
  log: (line: string) => void,
): Promise<OverheadPair[]> {
  const original = editor.document.getText();
  await setScenario(scenario);
  await vscode.workspace.getConfiguration().update('inkwell.sampling.maxTokens', 2000, vscode.ConfigurationTarget.Global);
  // Warm-up: JIT, the first connection, the token counter's first look at the document.
  await timedContinueWriting(editor);
  await restore(editor, original);
  const recorded = await lastGenerationRequest();
  await rawRead(recorded);
  const profileFile = process.env.INKWELL_BENCH_PROFILE;
  if (profileFile && !scenario) {
    const timing = await profiled(profileFile, () => timedContinueWriting(editor), log);
    log(`profiled run: ${describe(timing)}`);
    await restore(editor, original);
  }

  const pairs: OverheadPair[] = [];
  for (let i = 0; i < runs; i++) {
    // Alternate which goes first, so a trend in machine load does not favour one side.
    const rawFirst = i % 2 === 1;
    const raw1 = rawFirst ? await rawRead(recorded) : undefined;
    await sleep(200);
    const generation = await timedContinueWriting(editor);
    const written = editor.document.getText().slice(original.length);
    await sleep(200);
    const raw = raw1 ?? (await rawRead(recorded));
    const stops = await restore(editor, original);
    await sleep(20);
    const editMs = await oneCharacterEdit(editor);
    await sleep(20);
    // The same edit carrying the generation's own text: what one edit of that size costs.
    const sizedEditMs = await oneCharacterEdit(editor, written || ' ');
    const [first, second] = await serverDurations(2);
    const [serverRaw, serverGeneration] = rawFirst ? [first, second] : [second, first];
    const pair: OverheadPair = {
      generation,
      rawMs: raw.lastByte - raw.firstByte,
      rawBytes: raw.bytes,
      generationMs: generation.lastChange - generation.firstByte,
      ratio: (generation.lastChange - generation.firstByte) / (raw.lastByte - raw.firstByte),
      undoStops: stops,
      editMs,
      sizedEditMs,
    };
    pairs.push(pair);
    log(
      `overhead ${label}, run ${i + 1}: raw ${pair.rawMs.toFixed(1)} ms (${raw.bytes} bytes), ` +
        `Continue Writing ${pair.generationMs.toFixed(1)} ms → ${pair.ratio.toFixed(3)}x [${describe(generation)}; ` +
        `the server spent ${serverGeneration} ms on Continue Writing's request, ${serverRaw} ms on the raw one; a one-character edit ${editMs.toFixed(1)} ms, one with the generation's ${written.length} characters ${sizedEditMs.toFixed(1)} ms]`,
    );
    await sleep(200);
  }
  return pairs;
}
