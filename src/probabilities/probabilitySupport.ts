// Whether a provider gives token probabilities, as its answers showed: kept per provider, address and
// model across sessions, so the writer hears once that one ignores or refuses them, and a provider that
// refused is not asked again (each ask would cost a failed request first) until the writer turns
// probabilities on anew.
import * as vscode from 'vscode';
import { LogprobsVerdict, judgeLogprobs } from '../core/logprobs/logprobsRequest';
import type { GenerationResult } from '../generator';
import type { ActiveTarget } from '../providers/providerTargets';
import type { Log } from '../log';
import type { SecretRegistry } from '../core/errors/secretRegistry';
import { Settings } from '../settings';

const STORE_KEY = 'inkwell.probabilitySupport';
/** Verdicts kept; the oldest go first. */
const MAX_KEPT = 200;

type Known = Exclude<LogprobsVerdict, 'undecided'>;

const SAID: Record<Known, string> = { given: 'given', ignored: 'not sent (the provider ignores the request)', refused: 'refused by the provider' };

export class ProbabilitySupport implements vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  /** A provider's verdict changed (or all were forgotten). */
  readonly onDidChange = this.changeEmitter.event;

  constructor(
    private readonly storage: vscode.Memento,
    private readonly log: Log,
    private readonly secrets: SecretRegistry,
  ) {}

  private key(target: ActiveTarget): string {
    return `${target.profile.id} ${target.profile.baseUrl} ${target.model}`;
  }

  private all(): Record<string, Known> {
    const stored = this.storage.get<unknown>(STORE_KEY);
    const out: Record<string, Known> = {};
    if (stored && typeof stored === 'object') {
      for (const [k, v] of Object.entries(stored)) if (v === 'given' || v === 'ignored' || v === 'refused') out[k] = v;
    }
    return out;
  }

  verdict(target: ActiveTarget): Known | undefined {
    return this.all()[this.key(target)];
  }

  /** The verdict in words, for the model's status item; undefined before the model was asked. */
  describe(target: ActiveTarget): string | undefined {
    const v = this.verdict(target);
    return v && SAID[v];
  }

  /** How many alternatives to ask for with this target: 0 when off, or when it refused them before. */
  topKFor(target: ActiveTarget, topK: number): number {
    return topK > 0 && this.verdict(target) !== 'refused' ? topK : 0;
  }

  /** Judges a generation that asked for probabilities; a new "ignored" or "refused" is told once. */
  async judge(target: ActiveTarget, sawLogprobs: boolean, result: GenerationResult): Promise<void> {
    const verdict = judgeLogprobs({
      sawLogprobs,
      sawText: result.tokens > 0,
      errorStatus: result.logprobsRefused?.status,
      errorMessage: result.logprobsRefused?.message,
    });
    if (verdict === 'undecided') return;
    const all = this.all();
    const key = this.key(target);
    const before = all[key];
    delete all[key];
    all[key] = verdict;
    const kept = Object.entries(all).slice(-MAX_KEPT);
    await this.storage.update(STORE_KEY, Object.fromEntries(kept));
    if (verdict !== before) this.changeEmitter.fire();
    if (verdict === before || verdict === 'given') return;
    const who = `${target.profile.label} (${target.model})`;
    const what =
      verdict === 'refused'
        ? `${who} refused token probabilities: "${this.secrets.redact(result.logprobsRefused?.message ?? '').slice(0, 200)}". Inkwell wrote without them and will not ask this model again until you turn probabilities on anew.`
        : `${who} sent no token probabilities, so there is nothing to hover or tint. The text was written as usual.`;
    this.log.info(what);
    const choice = await vscode.window.showInformationMessage(`Inkwell: ${what}`, 'Turn Probabilities Off');
    if (choice === 'Turn Probabilities Off') await Settings.setEffective('inkwell.probabilities.topK', 0);
  }

  /** The writer turned probabilities on: every provider gets asked again. */
  async forget(): Promise<void> {
    await this.storage.update(STORE_KEY, undefined);
    this.changeEmitter.fire();
  }

  dispose(): void {
    this.changeEmitter.dispose();
  }
}
