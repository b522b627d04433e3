import * as path from 'path';
import * as vscode from 'vscode';
import { isManuscript } from '../core/manuscripts';
import { ContextPanelState, ContextSnapshot, EmptySnapshot, loreRows, outcomeOf } from '../core/story/contextSnapshot';
import { FAMILY_LABELS, familyForModel } from '../core/tokens';
import { Services } from '../services';
import { Settings } from '../settings';
import { PlannedPrompt, SentPrompt, StoryPrompts } from './storyPrompts';

/** Typing and cursor moves are gathered this long before the prompt is planned again. */
const UPDATE_DELAY_MS = 300;
const NO_MANUSCRIPT = 'Open a manuscript and put the cursor where Continue Writing would write: the prompt it would send shows here.';
const NOT_SENT = 'Nothing sent from this manuscript yet in this session. Run Continue Writing and the request shows here as it went.';
const NO_MANUSCRIPT_YET: EmptySnapshot = { tab: 'next', empty: NO_MANUSCRIPT };
const NOT_SENT_YET: EmptySnapshot = { tab: 'last', empty: NOT_SENT };

/**
 * What the next Continue Writing would send from the cursor of the last manuscript editor, and what the
 * last one sent, kept up to date as the writer types, moves the cursor, edits the story folder or changes
 * settings. Planning is asynchronous (its counts run in the tokenizer worker); one plan runs at a time,
 * and a plan overtaken by a newer request or by an edit is dropped instead of shown.
 */
export class ContextWatch implements vscode.Disposable {
  private readonly updated = new vscode.EventEmitter<ContextPanelState>();
  /** Fires with each new state: the status item and the panel draw from it. */
  readonly onDidUpdate = this.updated.event;
  private readonly disposables: vscode.Disposable[] = [this.updated];
  private editor: vscode.TextEditor | undefined;
  private timer: NodeJS.Timeout | undefined;
  private requested = 0;
  private published = 0;
  private running: Promise<void> | undefined;
  private current: ContextPanelState = { next: NO_MANUSCRIPT_YET, last: NOT_SENT_YET };
  private readonly lastSnapshots = new WeakMap<SentPrompt, ContextSnapshot>();
  private readonly settledWaiters: (() => void)[] = [];

  constructor(
    private readonly services: Services,
    private readonly prompts: StoryPrompts,
  ) {
    this.editor = this.manuscriptEditor(vscode.window.activeTextEditor);
    const isWatched = (document: vscode.TextDocument) => document === this.editor?.document;
    this.disposables.push(
      vscode.window.onDidChangeActiveTextEditor((e) => {
        // Focus in the view itself leaves no active editor: keep showing the manuscript it was opened from.
        if (!e) return;
        this.editor = this.manuscriptEditor(e);
        this.schedule(0);
      }),
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (e.textEditor === this.editor) this.schedule();
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (isWatched(e.document) && e.contentChanges.length) this.schedule();
      }),
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (isWatched(d)) {
          this.editor = undefined;
          this.schedule(0);
        }
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (Settings.affects(e)) this.schedule();
      }),
      prompts.folders.onDidChange(() => this.schedule()),
      services.targets.onDidChange(() => this.schedule()),
      prompts.onDidSend((uri) => {
        if (uri.toString() === this.editor?.document.uri.toString()) this.publish({ ...this.current, last: this.lastSnapshot(this.editor.document) });
      }),
    );
    this.schedule(0);
  }

  get state(): ContextPanelState {
    return this.current;
  }

  /** The manuscript the view follows, if any. */
  get document(): vscode.TextDocument | undefined {
    return this.editor?.document;
  }

  /** Plans again now instead of after the pause (the view was just opened). */
  refresh(): void {
    this.schedule(0);
  }

  /** Resolves once every update asked for so far is shown (or dropped for a newer one that is). */
  settled(): Promise<ContextPanelState> {
    if (!this.timer && !this.running) return Promise.resolve(this.current);
    return new Promise((resolve) => this.settledWaiters.push(() => resolve(this.current)));
  }

  private manuscriptEditor(editor: vscode.TextEditor | undefined): vscode.TextEditor | undefined {
    if (!editor) return undefined;
    const { uri, languageId } = editor.document;
    return isManuscript({ scheme: uri.scheme, languageId }, new Settings().manuscriptLanguages) ? editor : undefined;
  }

  private schedule(delay = UPDATE_DELAY_MS): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.requested++;
      this.running ??= this.drain().finally(() => {
        this.running = undefined;
        if (!this.timer) this.settledWaiters.splice(0).forEach((resolve) => resolve());
      });
    }, delay);
  }

  /** Plans until no newer request is waiting; only the newest plan is published. */
  private async drain(): Promise<void> {
    while (this.published < this.requested) {
      const sequence = this.requested;
      const editor = this.editor;
      const version = editor?.document.version;
      let state: ContextPanelState | undefined;
      try {
        state = await this.compute(editor);
      } catch (error) {
        this.services.log.error(`The context view could not plan the prompt: ${error instanceof Error ? error.message : String(error)}`);
      }
      // A newer request came in while this one planned: plan again at once.
      if (sequence !== this.requested) continue;
      // The text or the editor changed under the plan: the change has scheduled its own update.
      if (editor !== this.editor || editor?.document.version !== version) {
        if (this.timer) return;
        continue;
      }
      this.published = sequence;
      if (state) this.publish(state);
    }
  }

  private publish(state: ContextPanelState): void {
    this.current = state;
    this.updated.fire(state);
  }

  private async compute(editor: vscode.TextEditor | undefined): Promise<ContextPanelState> {
    if (!editor || editor.document.isClosed) {
      return { next: NO_MANUSCRIPT_YET, last: NOT_SENT_YET };
    }
    const { document } = editor;
    const plan = await this.prompts.plan(document, editor.selection);
    const last = this.lastSnapshot(document);
    if (!plan) {
      const why = this.services.targets.active().model
        ? 'Nothing before the cursor yet: Continue Writing would have no text to continue.'
        : 'No model is chosen: choose one (Inkwell: Select Model) and the prompt shows here.';
      return { next: { tab: 'next', empty: why }, last };
    }
    return { next: this.nextSnapshot(plan, document), last };
  }

  private tokenizer(model: string, settings: Settings): { tokenizer: string; exact: boolean } {
    const family = familyForModel(model, settings.tokenizer === 'estimate' ? 'unknown' : settings.tokenizer);
    return { tokenizer: FAMILY_LABELS[family], exact: family !== 'unknown' };
  }

  private nextSnapshot(plan: PlannedPrompt, document: vscode.TextDocument): ContextSnapshot {
    const { built, anchor } = plan;
    const where = plan.isSelection ? `the selection ending at line ${anchor.line + 1}` : `line ${anchor.line + 1}`;
    const lineOf = (index: number) => document.positionAt(plan.passageOffset + index).line + 1;
    return {
      tab: 'next',
      source: `${path.posix.basename(document.uri.path)}, ${where}`,
      model: plan.target.model,
      ...this.tokenizer(plan.target.model, plan.settings),
      mode: plan.mode,
      contextSize: plan.contextSize.tokens,
      maxTokens: plan.sampling.max_tokens,
      outcome: outcomeOf(built),
      lore: loreRows(built.lore, lineOf, plan.settings.story.scanTokens),
      ...(built.fits ? { request: this.prompts.requestFor(plan) } : {}),
    };
  }

  /**
   * The last prompt this document sent, with line numbers as the document read when it was first shown
   * (at the send when the view follows this document). The same object until another is sent, so the
   * view draws it once.
   */
  private lastSnapshot(document: vscode.TextDocument): ContextSnapshot | EmptySnapshot {
    const sent = this.prompts.lastSent(document.uri);
    if (!sent) return NOT_SENT_YET;
    let snapshot = this.lastSnapshots.get(sent);
    if (!snapshot) this.lastSnapshots.set(sent, (snapshot = this.sentSnapshot(sent, document)));
    return snapshot;
  }

  private sentSnapshot(sent: SentPrompt, document: vscode.TextDocument): ContextSnapshot {
    const settings = Settings.forDocument(document);
    const { built } = sent;
    const end = sent.passageOffset + built.trimmedChars + built.storyText.length;
    return {
      tab: 'last',
      source: `${path.posix.basename(document.uri.path)}, line ${document.positionAt(end).line + 1}`,
      model: sent.model,
      ...this.tokenizer(sent.model, settings),
      mode: 'messages' in sent.body ? 'chat' : 'completion',
      contextSize: sent.contextSize,
      maxTokens: sent.maxTokens,
      sentAt: sent.at,
      outcome: outcomeOf(built),
      lore: loreRows(built.lore, (index) => document.positionAt(sent.passageOffset + index).line + 1, settings.story.scanTokens),
      request: { url: sent.url, body: sent.body },
    };
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.settledWaiters.splice(0).forEach((resolve) => resolve());
    for (const d of this.disposables) d.dispose();
  }
}
