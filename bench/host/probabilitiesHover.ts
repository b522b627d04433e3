// The token-probability benchmark, scenario 2: the hover provider's function on every token of the
// generation, and vscode.executeHoverProvider end to end, on the generation and on the writer's own text.
import { performance } from 'perf_hooks';
import * as vscode from 'vscode';
import type { InkwellTestApi } from '../../src/extension';
import { tokenHover } from '../../src/probabilities/probabilityHover';
import type { ProbabilitiesFigures } from './probabilitiesFigures';
import { MANUSCRIPT } from './timedRun';

/** Tokens hovered through the workbench (evenly spread over the generation), and on the writer's text. */
const HOVERS = 300;
const PLAIN_HOVERS = 60;

export async function hoverFigures(api: InkwellTestApi, document: vscode.TextDocument): Promise<ProbabilitiesFigures['hover']> {
  const generation = api.probabilities.records.generations(document.uri).at(-1);
  if (!generation) throw new Error('no recorded generation to hover');
  const positions = generation.placed.map((p) => document.positionAt(p.start));
  const providerMs: number[] = [];
  let markdownChars = 0;
  for (let pass = 0; pass < 3; pass++) {
    for (const position of positions) {
      const t = performance.now();
      const hover = tokenHover(api.probabilities.records, document, position);
      const ms = performance.now() - t;
      if (!hover) throw new Error(`no hover at ${position.line}:${position.character}`);
      if (pass > 0) providerMs.push(ms);
      markdownChars = Math.max(markdownChars, (hover.contents[0] as vscode.MarkdownString).value.length);
    }
  }
  const hoverText = async (position: vscode.Position) => {
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, position);
    return hovers.flatMap((h) => h.contents).map((c) => (typeof c === 'string' ? c : c.value)).join('\n');
  };
  const endToEndMs: number[] = [];
  const plainEndToEndMs: number[] = [];
  const plainAt = (i: number) => document.positionAt(5 + ((i * 37) % (MANUSCRIPT.length - 10)));
  const step = Math.max(1, Math.floor(positions.length / HOVERS));
  for (let i = 0; i < 20; i++) await hoverText(positions[i]); // warm-up
  for (let i = 0, k = 0; i < positions.length && endToEndMs.length < HOVERS; i += step, k++) {
    const t = performance.now();
    const text = await hoverText(positions[i]);
    endToEndMs.push(performance.now() - t);
    if (!text.includes('probability')) throw new Error(`the hover at token ${i} shows no probabilities: ${text.slice(0, 200)}`);
    if (k % Math.ceil(HOVERS / PLAIN_HOVERS) === 0) {
      const p = performance.now();
      const plain = await hoverText(plainAt(k));
      plainEndToEndMs.push(performance.now() - p);
      if (plain.includes('probability')) throw new Error('a hover on the writer’s own text shows probabilities');
    }
  }
  return { providerMs, endToEndMs, plainEndToEndMs, markdownChars };
}
