// One Continue Writing in the benchmark host, timed from the outside, and the test server's control
// routes around it: shared by the scenarios of bench/host/index.ts (overheadBench.ts, editAndLagBench.ts, alternativesBench.ts).
import * as dc from 'diagnostics_channel';
import * as http from 'http';
import { IntervalHistogram, monitorEventLoopDelay, performance } from 'perf_hooks';
import * as vscode from 'vscode';
import type { InkwellTestApi } from '../../src/extension';
import type { GenerationTiming, LagFigures } from './results';

export const SERVER = process.env.INKWELL_BENCH_SERVER ?? '';
export const KEY = process.env.INKWELL_BENCH_KEY ?? 'bench-key';

/** The passage the host benchmarks continue. */
export const MANUSCRIPT =
  'The rain had been falling on Harrow Street since noon, and by the time Wren reached the ' +
  "lamplighter's shop the gutters were running like small, impatient rivers.\n\n" +
  'She stood under the awning and counted the lamps along the street. Eleven. There had always been ' +
  "twelve. The one outside the chandler's was dark, its glass cracked in a shape like a closed eye.";

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// The test server's control routes

function control(method: 'GET' | 'POST', route: string, body?: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = http.request(
      `${SERVER}/__control/${route}`,
      { method, agent: false, headers: payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          try {
            resolve(text ? JSON.parse(text) : undefined);
          } catch {
            resolve(text);
          }
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

export const setScenario = (scenario: Record<string, unknown> | null) => control('POST', 'scenario', scenario);

export interface RecordedGeneration {
  path: string;
  body: unknown;
  authorization?: string;
  /** Arrival and end of the response on the server (Date.now()). */
  time: number;
  endTime?: number;
}

/** A generation request's path: /v1/completions or /v1/chat/completions. */
const isGeneration = (path: string | undefined) => path !== undefined && /\/completions$/.test(path);

/** The generation requests the server has recorded, oldest first. */
async function generationRequests(): Promise<RecordedGeneration[]> {
  const requests = (await control('GET', 'requests')) as RecordedGeneration[];
  return requests.filter((r) => isGeneration(r.path));
}

/** How long the server took to send the last `count` generation responses, oldest first. */
export async function serverDurations(count: number): Promise<number[]> {
  return (await generationRequests()).slice(-count).map((r) => (r.endTime ?? NaN) - r.time);
}

export async function lastGenerationRequest(): Promise<RecordedGeneration> {
  const generations = await generationRequests();
  const last = generations[generations.length - 1];
  if (!last) throw new Error('the test server recorded no generation request');
  return last;
}

// ---------------------------------------------------------------------------------------------
// One Continue Writing, timed from the outside

/**
 * Where the time goes inside a generation: the generator the test API exposes is wrapped so the
 * last token handed to Continue Writing and the end of the stream are timed (one performance.now()
 * per token). Everything else is Inkwell's own code path.
 */
const probe = { lastText: NaN, generated: NaN };

export function instrument(api: InkwellTestApi): void {
  const generator = api.services.generator;
  const generate = generator.generate.bind(generator);
  generator.generate = async (request) => {
    const result = await generate({
      ...request,
      onText: (index, text) => {
        probe.lastText = performance.now();
        request.onText(index, text);
      },
    });
    probe.generated = performance.now();
    return result;
  };
}

/**
 * Node publishes every HTTP response of this process on this channel when its headers are parsed:
 * that is where the stream's first byte is seen, with no change to Inkwell's code.
 */
export const RESPONSE_CHANNEL = 'http.client.response.finish';

export async function timedContinueWriting(editor: vscode.TextEditor, options: { lag?: boolean } = {}): Promise<GenerationTiming> {
  const document = editor.document;
  let firstByte = NaN;
  let lastByte = NaN;
  let lastArrival = NaN;
  let bytes = 0;
  const onResponse = (message: unknown) => {
    const { request, response } = message as { request: http.ClientRequest; response: http.IncomingMessage };
    if (!isGeneration(request.path) || request.method !== 'POST') return;
    firstByte = performance.now();
    // Listening to 'end' and counting from the socket leaves the body's flow to its reader.
    response.once('end', () => (lastByte = performance.now()));
    response.socket?.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      lastArrival = performance.now();
    });
  };
  const changes: number[] = [];
  const subscription = vscode.workspace.onDidChangeTextDocument((e) => {
    if (e.document === document && e.contentChanges.length > 0) changes.push(performance.now());
  });
  const histogram = options.lag ? monitorEventLoopDelay({ resolution: 1 }) : undefined;
  dc.subscribe(RESPONSE_CHANNEL, onResponse);
  const before = document.getText();
  probe.lastText = probe.generated = NaN;
  editor.selection = new vscode.Selection(document.positionAt(before.length), document.positionAt(before.length));
  histogram?.enable();
  const started = performance.now();
  let result: { outcome: string; tokens: number } | undefined;
  try {
    result = await vscode.commands.executeCommand<{ outcome: string; tokens: number }>('inkwell.continueWriting');
  } finally {
    histogram?.disable();
    dc.unsubscribe(RESPONSE_CHANNEL, onResponse);
  }
  const commandDone = performance.now();
  await sleep(150); // a change event still in flight is counted; its time was taken on arrival
  subscription.dispose();
  const lag = histogram && lagFigures(histogram);
  return {
    outcome: result?.outcome ?? 'none',
    tokens: result?.tokens ?? 0,
    startedAt: started,
    firstByte,
    lastByte,
    lastArrival,
    lastText: probe.lastText,
    generated: probe.generated,
    firstChange: changes[0] ?? NaN,
    lastChange: changes[changes.length - 1] ?? NaN,
    commandDone,
    edits: changes.length,
    chars: document.getText().length - before.length,
    bytes,
    lag,
  };
}

/** An event-loop delay histogram's figures, in ms. */
export function lagFigures(histogram: IntervalHistogram): LagFigures {
  return { p50: histogram.percentile(50) / 1e6, p99: histogram.percentile(99) / 1e6, max: histogram.max / 1e6 };
}

/** Undo until the document is back to `original`; how many it took (-1: it never got there). */
export async function undoStops(editor: vscode.TextEditor, original: string): Promise<number> {
  await vscode.window.showTextDocument(editor.document, { preserveFocus: false, preview: false });
  for (let n = 1; n <= 50; n++) {
    await vscode.commands.executeCommand('undo');
    if (editor.document.getText() === original) return n;
  }
  return -1;
}

/** Back to `original` whatever happened, for the next run. */
export async function restore(editor: vscode.TextEditor, original: string): Promise<number> {
  const stops = await undoStops(editor, original);
  if (stops < 0) {
    const all = new vscode.Range(editor.document.positionAt(0), editor.document.positionAt(editor.document.getText().length));
    await editor.edit((b) => b.replace(all, original));
  }
  return stops;
}

/**
 * The round trip under every edit: `text` (by default one character) typed at the top and taken away
 * again, timed from the call to its promise settling. (An edit with nothing in it never leaves the
 * extension host.)
 */
export async function oneCharacterEdit(editor: vscode.TextEditor, text = ' '): Promise<number> {
  const at = editor.document.positionAt(0);
  const started = performance.now();
  await editor.edit((b) => b.insert(at, text), { undoStopBefore: false, undoStopAfter: false });
  const ms = performance.now() - started;
  await editor.edit((b) => b.delete(new vscode.Range(at, editor.document.positionAt(text.length))), { undoStopBefore: false, undoStopAfter: false });
  return ms;
}
