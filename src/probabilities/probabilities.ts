// Token probabilities for the editor: what to ask for, and after a generation, the provider's verdict
// and the tokens' places in the document (hover, tint and reroll read them from `records`).
import * as vscode from 'vscode';
import type { GenerationResult } from '../generator';
import type { ActiveTarget } from '../providers/providerTargets';
import type { Settings } from '../settings';
import type { Log } from '../log';
import type { SecretRegistry } from '../core/errors/secretRegistry';
import { ProbabilityCapture } from './probabilityCapture';
import { ProbabilityRecords, RecordedGeneration, RerollBasis } from './probabilityRecords';
import { ProbabilitySupport } from './probabilitySupport';

export class Probabilities implements vscode.Disposable {
  readonly records = new ProbabilityRecords();
  readonly support: ProbabilitySupport;

  constructor(storage: vscode.Memento, log: Log, secrets: SecretRegistry) {
    this.support = new ProbabilitySupport(storage, log, secrets);
  }

  /** A capture for one generation, or undefined when probabilities are off (or this model refused them). */
  capture(target: ActiveTarget, settings: Settings): ProbabilityCapture | undefined {
    const k = this.support.topKFor(target, settings.probabilitiesTopK);
    return k > 0 ? new ProbabilityCapture(k) : undefined;
  }

  /**
   * The generation ended with its text at `range`: the provider's verdict is judged (and told once when
   * it gave none), and the tokens are kept on the text. `basis` makes them rerollable.
   */
  finish(
    capture: ProbabilityCapture,
    target: ActiveTarget,
    result: GenerationResult,
    document: vscode.TextDocument,
    range: vscode.Range,
    basis?: RerollBasis,
  ): RecordedGeneration | undefined {
    void this.support.judge(target, capture.sawLogprobs, result);
    if (document.isClosed) return undefined;
    const placed = capture.place(document, range);
    return placed ? this.records.add(document, placed.tokens, placed.placed, basis) : undefined;
  }

  dispose(): void {
    this.records.dispose();
    this.support.dispose();
  }
}
