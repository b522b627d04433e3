// Reroll from a token (Mikupad's and NovelAI's sharpest tool): the generated text from that token on is
// replaced, the request's prompt being the original prompt, the generated text before the token and
// the chosen alternative (or nothing, for a plain reroll), and the continuation streams in after it.
// The removal and the new text are one undo step; the replaced text stays as an alternative at the
// spot (Alt+[ brings it back), and the new text gets probabilities of its own.
import * as vscode from 'vscode';
import type { TokenAlternative } from '../core/logprobs/choiceLogprobs';
import { characterStart, rerollParts } from '../core/logprobs/reroll';
import { SeamJoiner } from '../core/continuation/seamJoiner';
import { AlternativeSet } from '../core/alternatives/alternativeSet';
import { describeError } from '../errorMessages';
import type { Services } from '../services';
import type { GenerationResult } from '../generator';
import type { AlternativesInPlace } from '../continueWriting/alternativesInPlace';
import type { ContinueWriting } from '../continueWriting/continueWriting';
import { StreamingInsertion, eolOf, normalizeEol } from '../continueWriting/streamingInsertion';
import { reportStop } from '../continueWriting/reportStop';
import type { Probabilities } from './probabilities';
import type { RecordedGeneration, RerollBasis } from './probabilityRecords';
import { Settings } from '../settings';

const TAIL_CHARS = 400;

/** What a reroll did, for its caller (the tests). */
export interface RerollResult {
  outcome: GenerationResult['outcome'] | 'not-started';
  /** The prompt as sent. */
  prompt?: string;
  /** The rerolled text's range in the document (the chosen token and what followed). */
  range?: vscode.Range;
}

const notStarted = (message?: string): RerollResult => {
  if (message) void vscode.window.showInformationMessage(`Inkwell: ${message}`);
  return { outcome: 'not-started' };
};

/** Where the generation's text from token `index` on stands in the document: to the end of its unbroken run. */
function spanFrom(generation: RecordedGeneration, index: number): { start: number; end: number } | undefined {
  const first = generation.placed.findIndex((p) => p.index >= index);
  if (first < 0) return undefined;
  let end = generation.placed[first].end;
  for (let k = first + 1; k < generation.placed.length && generation.placed[k].start === end; k++) end = generation.placed[k].end;
  return { start: generation.placed[first].start, end };
}

export class Reroll {
  private readonly busy = new Set<string>();

  constructor(
    private readonly services: Services,
    private readonly probabilities: Probabilities,
    private readonly alternatives: AlternativesInPlace,
    private readonly writing: ContinueWriting,
  ) {}

  /** From the hover: token `token` of generation `id` replaced by its alternative `alternative`. */
  async withToken(uri: unknown, id: unknown, token: unknown, alternative: unknown): Promise<RerollResult> {
    const found = this.lookup(uri, id, token);
    if (!found) return notStarted('that text has changed since; hover it again.');
    const chosen = Number.isInteger(alternative) ? found.generation.tokens[found.index].top[alternative as number] : undefined;
    if (!chosen) return notStarted('that alternative is not there any more; hover the token again.');
    return this.reroll(found.document, found.generation, found.index, chosen);
  }

  /** From the hover with a token, or from the palette: the token at the cursor. */
  async fromHere(uri?: unknown, id?: unknown, token?: unknown): Promise<RerollResult> {
    if (uri !== undefined) {
      const found = this.lookup(uri, id, token);
      return found ? this.reroll(found.document, found.generation, found.index) : notStarted('that text has changed since; hover it again.');
    }
    const editor = vscode.window.activeTextEditor;
    if (!editor) return notStarted('put the cursor in text Inkwell generated with token probabilities on (inkwell.probabilities.topK).');
    const here = this.probabilities.records.at(editor.document.uri, editor.document.offsetAt(editor.selection.active));
    if (!here) return notStarted('there is no generated text with token probabilities at the cursor. Turn them on with "Inkwell: Toggle Token Probabilities" and continue writing.');
    return this.reroll(editor.document, here.generation, here.generation.placed[here.at].index);
  }

  private lookup(uri: unknown, id: unknown, token: unknown) {
    if (typeof uri !== 'string' || !Number.isInteger(id) || !Number.isInteger(token)) return undefined;
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
    const generation = document && this.probabilities.records.find(document.uri, id as number);
    if (!document || !generation || !generation.placed.some((p) => p.index === token)) return undefined;
    return { document, generation, index: token as number };
  }

  private async reroll(document: vscode.TextDocument, generation: RecordedGeneration, tokenIndex: number, chosen?: TokenAlternative): Promise<RerollResult> {
    const basis = generation.basis;
    if (!basis) return notStarted('reroll from a token needs text written in completion mode; in chat mode the reply cannot be continued from inside.');
    const key = document.uri.toString();
    if (this.busy.has(key)) return notStarted('a reroll is already writing in this document.');
    const { tokens } = generation;
    const index = chosen ? tokenIndex : characterStart(tokens, tokenIndex);
    const parts = rerollParts(basis.prompt, tokens, index, chosen);
    if (!parts) return notStarted('this token is part of a character that an earlier token began; reroll from that one.');
    const span = spanFrom(generation, index);
    if (!span) return notStarted('that text has changed since; hover it again.');
    const editor = vscode.window.visibleTextEditors.find((e) => e.document === document) ?? (await vscode.window.showTextDocument(document));
    this.busy.add(key);
    try {
      return await this.write(editor, span, { ...basis, prompt: parts.prompt }, parts.chosen);
    } finally {
      this.busy.delete(key);
    }
  }

  private async write(editor: vscode.TextEditor, span: { start: number; end: number }, basis: RerollBasis, forced: string): Promise<RerollResult> {
    const { document } = editor;
    const eol = eolOf(document);
    const replaced = document.getText(new vscode.Range(document.positionAt(span.start), document.positionAt(span.end)));
    const removed = await editor.edit((b) => b.delete(new vscode.Range(document.positionAt(span.start), document.positionAt(span.end))), { undoStopBefore: true, undoStopAfter: false });
    if (!removed) return notStarted('the document would not take the change (is it read-only?).');
    const startAt = document.positionAt(span.start);
    const documentTail = document.getText(new vscode.Range(document.positionAt(Math.max(0, span.start - TAIL_CHARS)), startAt));
    const promptTail = basis.prompt.slice(0, basis.prompt.length - forced.length).slice(-TAIL_CHARS);
    const joiner = () => new SeamJoiner('completion', documentTail, promptTail);

    const controller = new AbortController();
    const insertion = new StreamingInsertion(document, startAt, true);
    insertion.onDidStop(() => controller.abort());
    const seam = joiner();
    const lead = seam.push(forced);
    insertion.append(lead);
    const capture = this.probabilities.capture(basis.target, Settings.forDocument(document));
    const work = this.services.generator.generate({
      target: basis.target,
      mode: 'completion',
      sampling: basis.sampling,
      prompt: basis.prompt,
      signal: controller.signal,
      topLogprobs: capture?.topK,
      onLogprobs: (i, logprobs) => capture?.logprobs(i, logprobs),
      onText: (i, text) => {
        if (i !== 0) return;
        capture?.text(i, text);
        const out = seam.push(text);
        capture?.wrote(out);
        insertion.append(out);
      },
    });
    this.writing.follow(controller, work, 'rerolling from the token', () => (controller.signal.aborted ? '$(debug-stop) Inkwell: reroll stopped' : '$(check) Inkwell: rerolled'));
    let result: GenerationResult;
    try {
      result = await work;
      await insertion.finish();
      if (insertion.editCount === 0) await editor.edit(() => undefined, { undoStopBefore: false, undoStopAfter: true });
    } finally {
      insertion.dispose();
    }
    const range = insertion.range;
    if (capture) {
      const leadEnd = document.positionAt(span.start + normalizeEol(lead, eol).length);
      this.probabilities.finish(capture, basis.target, result, document, new vscode.Range(leadEnd, range.end), basis);
    }
    if (result.outcome === 'aborted') await reportStop(insertion, this.services.log);
    else if (result.error) void vscode.window.showWarningMessage(`Inkwell: the reroll stopped early. ${describeError(result.error, this.services.secrets)}`);
    if (!document.isClosed && insertion.stopReason !== 'user-edit') this.keepReplaced(document, range, replaced, basis, forced, joiner);
    return { outcome: result.outcome, prompt: basis.prompt, range };
  }

  /** The replaced text becomes the first alternative at the spot, the reroll the second (shown); cycling past it rerolls again. */
  private keepReplaced(document: vscode.TextDocument, range: vscode.Range, replaced: string, basis: RerollBasis, forced: string, joiner: () => SeamJoiner): void {
    const set = new AlternativeSet(replaced, 2);
    set.append(0, replaced);
    set.finish(0, 'done');
    set.append(1, document.getText(range));
    set.finish(1, 'done');
    set.select(1);
    this.alternatives.open(document, range, set, async (signal, onText) => {
      const seam = joiner();
      onText(seam.push(forced));
      const r = await this.services.generator.generate({ target: basis.target, mode: 'completion', sampling: basis.sampling, prompt: basis.prompt, signal, onText: (i, t) => i === 0 && onText(seam.push(t)) });
      return { ok: r.outcome === 'done', error: r.error ? describeError(r.error, this.services.secrets) : undefined };
    }, new AbortController());
  }
}
