import * as vscode from 'vscode';
import { ProviderError } from '../core/errors/providerError';
import { SeamJoiner } from '../core/continuation/seamJoiner';
import { Services } from '../services';
import { GenerationResult } from '../generator';
import { describeError, showProviderError } from '../errorMessages';
import { StreamingInsertion } from './streamingInsertion';
import { AlternativesInPlace, MoreAlternatives } from './alternativesInPlace';
import { Gathering, gatherAlternatives } from './gatherAlternatives';
import { nLimitFrom } from '../core/alternatives/nLimit';
import { TrackedPosition } from './trackedPosition';
import { GenerationStatus } from './generationStatus';
import { StoryPrompts } from '../story/storyPrompts';
import { refusePrompt } from './refusePrompt';
import { LaterRuns } from './laterRuns';
import { reportStop } from './reportStop';
import { Probabilities } from '../probabilities/probabilities';

const TAIL_CHARS = 400;

/** What happened, for the command's caller (the tests). */
export interface ContinueWritingResult {
  outcome: GenerationResult['outcome'] | 'not-started';
  tokens: number;
  error?: ProviderError;
  /** Where the generated text is in the document now. */
  range?: vscode.Range;
}

const notStarted = (error?: ProviderError): ContinueWritingResult => ({ outcome: 'not-started', tokens: 0, error });

/**
 * Continue Writing: the selection (or the text before the cursor) goes to the model and the
 * continuation streams into the document at the end of it. Owns its runs (one per document, all
 * stopped by "Inkwell: Stop") and its status-bar item.
 */
export class ContinueWriting implements vscode.Disposable {
  private readonly running = new Map<string, AbortController>();
  /** The most `n` a server took, learnt from its refusal (llama.cpp's slot count), by provider and address. */
  private readonly nLimits = new Map<string, number>();
  readonly status = new GenerationStatus();
  /** Alternatives still written after the command returned: Stop and Escape reach them too. */
  private readonly later = new LaterRuns(this.status);

  constructor(
    private readonly services: Services,
    private readonly alternatives: AlternativesInPlace,
    private readonly prompts: StoryPrompts,
    private readonly probabilities: Probabilities,
  ) {}

  /** Writing that goes on after its command returned (a reroll's): Stop and Escape reach it too. */
  follow(controller: AbortController, work: Promise<unknown>, what: string, summary: () => string): void {
    this.later.follow(controller, work, what, summary);
  }

  /** Aborts every running generation, alternatives still being written included; returns how many there were. */
  stopAll(): number {
    const count = this.running.size;
    for (const controller of this.running.values()) controller.abort();
    return count + this.later.stopAll();
  }

  dispose(): void {
    this.stopAll();
    this.status.dispose();
  }

  /**
   * Several alternatives were asked for: the first is the text in the document; cycling starts there
   * unless the writer took over (typed inside it, closed the document) or nothing arrived.
   */
  private offerAlternatives(
    gathering: Gathering,
    result: GenerationResult,
    insertion: StreamingInsertion,
    controller: AbortController,
    describe: (r: GenerationResult) => string | undefined,
    more: MoreAlternatives,
  ): void {
    gathering.firstEnded(result, describe);
    const first = gathering.set.items[0];
    first.text = insertion.document.getText(insertion.range);
    gathering.set.finish(0, result.outcome === 'done' ? 'done' : first.text ? 'cut' : 'error', describe(result));
    const tookOver = insertion.stopReason !== undefined && insertion.stopReason !== 'finished';
    if (tookOver || insertion.document.isClosed || (!first.text && result.outcome !== 'done')) {
      controller.abort();
      return;
    }
    this.alternatives.open(insertion.document, insertion.range, gathering.set, more, controller);
    const coming = gathering.set.items.filter((a) => a.state === 'streaming').length;
    if (coming > 0) {
      this.later.follow(controller, gathering.background, `${coming} more alternative${coming === 1 ? '' : 's'} coming`, () => {
        const complete = gathering.set.items.filter((a) => a.state === 'done').length;
        const of = `${complete} of ${gathering.set.items.length} alternatives complete`;
        return controller.signal.aborted ? `$(debug-stop) Inkwell: stopped; ${of}` : `$(check) Inkwell: ${of}`;
      });
    }
    const poll = setInterval(() => this.alternatives.changed(), 500);
    void gathering.background.finally(() => {
      clearInterval(poll);
      this.alternatives.changed();
      const { requests, promptTokens, completionTokens } = gathering.usage;
      if (requests > 0) {
        const first = result.usage ? `${result.usage.promptTokens} + ${result.usage.completionTokens} tokens in the first request, ` : '';
        this.services.log.info(`Continue Writing: alternatives used ${first}${promptTokens} + ${completionTokens} tokens (prompt + completion) in ${requests} more.`);
      }
    });
  }

  async run(
    editor = vscode.window.activeTextEditor,
    /** True on the one retry after the server named a smaller context than Inkwell assumed. */
    refitted = false,
  ): Promise<ContinueWritingResult> {
    if (!editor) {
      void vscode.window.showInformationMessage('Inkwell: open a manuscript and put the cursor where the story should go on.');
      return notStarted();
    }
    const document = editor.document;
    if (vscode.workspace.fs.isWritableFileSystem(document.uri.scheme) === false) {
      void vscode.window.showInformationMessage('Inkwell: this document is read-only, so there is nowhere to write. Open a manuscript you can edit.');
      return notStarted();
    }
    const key = document.uri.toString();
    if (this.running.has(key)) {
      void vscode.window.showInformationMessage('Inkwell is already writing in this document. Press Escape or run "Inkwell: Stop" first.');
      return notStarted();
    }
    if (!this.services.targets.active().model) {
      const error = new ProviderError({ kind: 'no-model' });
      void showProviderError(error, this.services.secrets, 'Continue Writing');
      return notStarted(error);
    }
    const plan = await this.prompts.plan(document, editor.selection);
    if (!plan) {
      void vscode.window.showInformationMessage('Inkwell: there is no text before the cursor to continue. Write a line first, or select a passage.');
      return notStarted();
    }
    const { target, settings, mode, sampling, contextSize, anchor, built } = plan;
    if (!built.fits) return notStarted(refusePrompt(plan, built, this.prompts.folders, this.services.log));
    if (built.trimmedChars > 0) this.services.log.info(`Continue Writing: the story text starts ${built.trimmedChars} characters in, to fit ${contextSize.tokens} tokens.`);

    const controller = new AbortController();
    this.running.set(key, controller);
    const insertion = new StreamingInsertion(document, anchor);
    const documentTail = document.getText(new vscode.Range(document.positionAt(Math.max(0, document.offsetAt(anchor) - TAIL_CHARS)), anchor));
    const joiner = new SeamJoiner(mode, documentTail, built.storyText.slice(-TAIL_CHARS));
    insertion.onDidStop((reason) => {
      this.services.log.info(`Continue Writing: stopped (${reason}) after ${insertion.editCount} edits; the document is ${document.isDirty ? 'dirty' : 'clean'}.`);
      controller.abort();
    });
    const startedAt = Date.now();
    let firstTokenAt: number | undefined;
    this.status.start();

    const { prompt, messages } = plan;
    const describe = (r: GenerationResult) => (r.error ? describeError(r.error, this.services.secrets) : undefined);
    const newJoiner = () => new SeamJoiner(mode, documentTail, built.storyText.slice(-TAIL_CHARS));
    const oneMore = async (signal: AbortSignal, onText: (text: string) => void) => {
      const seam = newJoiner();
      const r = await this.services.generator.generate({
        target,
        mode,
        sampling: { ...sampling, n: undefined },
        prompt,
        messages,
        signal,
        onText: (index, text) => index === 0 && onText(seam.push(text)),
      });
      onText(seam.end());
      return r;
    };
    const alternativesCount = settings.alternativesCount;
    const nLimitKey = `${target.profile.id} ${target.profile.baseUrl}`;
    const gathering =
      alternativesCount > 1
        ? gatherAlternatives({
            count: alternativesCount,
            perRequest: target.profile.acceptedParams.has('n') ? (this.nLimits.get(nLimitKey) ?? alternativesCount) : 1,
            joiner: newJoiner,
            generate: oneMore,
            signal: controller.signal,
            describe,
          })
        : undefined;
    const capture = this.probabilities.capture(target, settings);
    let result;
    try {
      result = await this.services.generator.generate({
        target,
        mode,
        sampling: gathering ? { ...sampling, n: gathering.n } : sampling,
        prompt,
        messages,
        signal: controller.signal,
        topLogprobs: capture?.topK,
        onLogprobs: (index, logprobs) => capture?.logprobs(index, logprobs),
        onText: (index, text) => {
          capture?.text(index, text);
          if (index !== 0) return gathering?.onChoiceText(index, text);
          firstTokenAt ??= Date.now();
          const out = joiner.push(text);
          capture?.wrote(out);
          insertion.append(out);
        },
        onProgress: (tokens) => this.status.progress(tokens, startedAt, firstTokenAt),
        onWaiting: (what) => this.status.waiting(what),
        onRequest: (url, body) => this.prompts.record(document.uri, plan, url, body),
      });
      insertion.append(joiner.end());
      await insertion.finish();
    } finally {
      this.running.delete(key);
      insertion.dispose();
    }
    if (capture) {
      const basis = mode === 'completion' && prompt !== undefined ? { target, sampling: { ...sampling, n: undefined }, prompt, topLogprobs: capture.topK } : undefined;
      this.probabilities.finish(capture, target, result, document, insertion.range, basis);
    }

    const overflow = result.error?.kind === 'context-overflow' ? result.error.contextLength : undefined;
    if (overflow !== undefined && result.tokens === 0 && !refitted && overflow < contextSize.tokens) {
      // The server serves this model with less context than Inkwell assumed: remember its number and
      // fit the prompt to it, once (a selection that cannot fit is then refused with the real numbers).
      this.services.tokens.learnContextSize(target, overflow);
      this.services.log.info(`${target.model} is served with ${overflow} tokens of context, not ${contextSize.tokens}; fitting the prompt again.`);
      this.status.end('$(sync) Inkwell: fitting the prompt to the server’s context');
      return this.run(editor, true);
    }
    const nLimit = gathering?.n && result.outcome === 'error' && result.tokens === 0 ? nLimitFrom(result.error?.providerMessage) : undefined;
    if (nLimit !== undefined && nLimit < (gathering?.n ?? 0)) {
      // llama.cpp takes n up to its slot count and names it: ask for that many, the rest one by one.
      controller.abort();
      this.nLimits.set(nLimitKey, nLimit);
      this.services.log.info(`${target.profile.label} takes n up to ${nLimit}; asking again with that many.`);
      this.status.end('$(sync) Inkwell: asking again with fewer alternatives per request');
      return this.run(editor, refitted);
    }
    if (gathering) this.offerAlternatives(gathering, result, insertion, controller, describe, async (spotEnded, onText) => {
      // Its own controller, so Stop ends this one and not the spot it is for.
      const own = new AbortController();
      const forward = () => own.abort();
      spotEnded.addEventListener('abort', forward, { once: true });
      if (spotEnded.aborted) own.abort();
      const work = oneMore(own.signal, onText);
      this.later.follow(own, work, 'writing another alternative', () =>
        own.signal.aborted ? '$(debug-stop) Inkwell: stopped the alternative' : '$(check) Inkwell: another alternative',
      );
      try {
        const r = await work;
        return { ok: r.outcome === 'done', error: describe(r) };
      } finally {
        spotEnded.removeEventListener('abort', forward);
      }
    });
    const tokens = result.usage?.completionTokens ?? result.tokens;
    const summary: ContinueWritingResult = { outcome: result.outcome, tokens: result.tokens, error: result.error, range: insertion.range };
    const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
    const usage = result.usage ? ` (prompt ${result.usage.promptTokens}, total ${result.usage.totalTokens})` : '';
    if (result.outcome === 'done') {
      this.status.end(`$(check) Inkwell: ${tokens} tokens`, `${tokens} tokens in ${seconds} s${usage}`);
      return summary;
    }
    if (result.outcome === 'aborted') {
      const why = await reportStop(insertion, this.services.log);
      this.status.end(`$(debug-stop) Inkwell: stopped at ${result.tokens} tokens`, why);
      return summary;
    }
    const secrets = this.services.secrets;
    this.status.end('$(warning) Inkwell: cut short', result.error ? describeError(result.error, secrets) : undefined);
    const gotText = result.tokens > 0;
    const error = result.error ?? new ProviderError({ kind: 'cut' });
    // The writer may go on editing before answering: the resume point follows their edits.
    const resumeAt = new TrackedPosition(document, gotText ? insertion.range.end : anchor);
    // Not awaited: the command finishes when the text is in; the message waits for the writer.
    void showProviderError(
      error,
      secrets,
      'Continue Writing',
      [gotText ? 'Continue' : 'Retry'],
      gotText ? `Continue Writing stopped after ${result.tokens} tokens; the text so far is kept.` : undefined,
    ).then(async (choice) => {
      const resume = resumeAt.position;
      resumeAt.dispose();
      if (choice !== 'Continue' && choice !== 'Retry') return;
      if (document.isClosed) return;
      const visible = vscode.window.visibleTextEditors.find((e) => e.document === document) ?? (await vscode.window.showTextDocument(document));
      visible.selection = new vscode.Selection(resume, resume);
      await this.run(visible);
    });
    return summary;
  }
}
