// The probability benchmark's measuring: timers around Inkwell's own steps, and the small steps every
// scenario takes (settings, the caret, waiting for a probe).
import { performance } from 'perf_hooks';
import * as vscode from 'vscode';
import type { InkwellTestApi } from '../../src/extension';
import { sleep } from './timedRun';

export const TOP_K = 5;

export const log = (line: string) => console.log(`bench: ${line}`);

/**
 * Timers around Inkwell's own steps, on the objects its test API exposes: each wrapped method is looked
 * up on the instance where Inkwell calls it (the tint's schedule, the records' listener), so the real
 * path runs through them.
 */
export interface Probes {
  applies: { at: number; ms: number }[];
  handler: { ms: number[] };
  finishMs?: number;
  onLogprobs: { ms: number; calls: number };
}

export function probe(api: InkwellTestApi): Probes {
  const probes: Probes = { applies: [], handler: { ms: [] }, onLogprobs: { ms: 0, calls: 0 } };
  const tint = api.tint;
  const apply = tint.apply.bind(tint);
  tint.apply = (editor) => {
    const t = performance.now();
    apply(editor);
    const end = performance.now();
    probes.applies.push({ at: end, ms: end - t });
  };
  const records = api.probabilities.records as unknown as { edited(e: vscode.TextDocumentChangeEvent): void };
  const edited = records.edited.bind(records);
  records.edited = (e) => {
    const t = performance.now();
    edited(e);
    probes.handler.ms.push(performance.now() - t);
  };
  const probabilities = api.probabilities;
  const finish = probabilities.finish.bind(probabilities);
  probabilities.finish = (...args) => {
    const t = performance.now();
    const recorded = finish(...args);
    probes.finishMs = performance.now() - t;
    return recorded;
  };
  // Over timedRun's instrument(): the time Inkwell spends taking each logprobs piece.
  const generator = api.services.generator;
  const generate = generator.generate.bind(generator);
  generator.generate = (request) =>
    generate({
      ...request,
      ...(request.onLogprobs
        ? {
            onLogprobs: (index, logprobs) => {
              const t = performance.now();
              request.onLogprobs!(index, logprobs);
              probes.onLogprobs.ms += performance.now() - t;
              probes.onLogprobs.calls++;
            },
          }
        : {}),
    });
  return probes;
}

// ---------------------------------------------------------------------------------------------

export const config = () => vscode.workspace.getConfiguration();
export const setTopK = (k: number) => config().update('inkwell.probabilities.topK', k, vscode.ConfigurationTarget.Global);
export const setMaxTokens = (n: number | undefined) => config().update('inkwell.sampling.maxTokens', n, vscode.ConfigurationTarget.Global);

export function endOf(editor: vscode.TextEditor): void {
  const end = editor.document.positionAt(editor.document.getText().length);
  editor.selection = new vscode.Selection(end, end);
}

export async function until<T>(what: string, check: () => T | undefined, timeoutMs: number): Promise<T> {
  const started = performance.now();
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (performance.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(5);
  }
}
