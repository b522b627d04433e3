import * as vscode from 'vscode';
import { ChatMessage, GenerationMode, buildChatRequest, buildCompletionRequest, chooseMode } from '../core/requests/buildRequest';
import { SamplingSettings } from '../core/providers/samplingParams';
import { StoryPrompt, buildStoryPrompt } from '../core/story/storyPrompt';
import type { CountTokens } from '../core/continuation/promptWindow';
import { SliceClock } from '../core/tokens/sliceClock';
import { realScheduler } from '../core/tokens/scheduler';
import { Services, ContextSize } from '../services';
import { ActiveTarget } from '../providers/providerTargets';
import { Settings } from '../settings';
import { StoryFolders } from './storyFolder';

/** Everything one Continue Writing sends, worked out from the document, the cursor and the story folder. */
export interface PlannedPrompt {
  document: vscode.Uri;
  target: ActiveTarget;
  settings: Settings;
  mode: GenerationMode;
  sampling: SamplingSettings;
  contextSize: ContextSize;
  /** Where the continuation goes. */
  anchor: vscode.Position;
  isSelection: boolean;
  /** The document offset where the passage given to the prompt starts: lore key matches are offsets from here. */
  passageOffset: number;
  built: StoryPrompt;
  /** What goes to the generator, when it fits. */
  prompt: string;
  messages: ChatMessage[];
}

/** A prompt that was sent: the parts, and the request as it went (address and body; the key is in a header, never here). */
export interface SentPrompt {
  at: number;
  model: string;
  contextSize: number;
  maxTokens: number;
  built: Extract<StoryPrompt, { fits: true }>;
  passageOffset: number;
  url: string;
  body: Record<string, unknown>;
}

const MAX_KEPT = 20;
/** Work between two turns of the event loop while a prompt is planned, at most (a frame is 16 ms). */
const SLICE_MS = 4;

/** Where `text` ends once trailing spaces and tabs are left off. */
function endWithoutSpaces(text: string): number {
  let end = text.length;
  while (end > 0 && (text.charCodeAt(end - 1) === 0x20 || text.charCodeAt(end - 1) === 0x09)) end--;
  return end;
}

/**
 * Counts that the counter answers from its cache resolve without a turn of the event loop, so a plan that
 * counts hundreds of lore entries would hold the extension host (and the writer's typing) for its whole
 * length: this gives the loop a turn whenever a slice has run long (the token counter's own slice clock).
 */
function yieldingCount(count: CountTokens): CountTokens {
  const clock = new SliceClock(realScheduler, SLICE_MS, { yields: 0, longestSliceMs: 0 }, undefined);
  return async (text) => {
    await clock.maybeYield();
    return count(text);
  };
}

/**
 * The one place a Continue Writing prompt is planned, so that the context view shows exactly what the
 * next request would carry, and the record of the last one each document sent.
 */
export class StoryPrompts implements vscode.Disposable {
  private readonly sent = new Map<string, SentPrompt>();
  private readonly didSend = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidSend = this.didSend.event;

  constructor(
    private readonly services: Services,
    readonly folders: StoryFolders,
  ) {}

  dispose(): void {
    this.didSend.dispose();
  }

  /** Undefined when there is no model or no text before the cursor. */
  async plan(document: vscode.TextDocument, selection: vscode.Selection): Promise<PlannedPrompt | undefined> {
    const target = this.services.targets.active();
    if (!target.model) return undefined;
    const settings = Settings.forDocument(document);
    const mode = chooseMode(target.profile, settings.generationMode);
    const isSelection = !selection.isEmpty;
    const anchor = isSelection ? selection.end : selection.active;
    const range = isSelection ? selection : new vscode.Range(new vscode.Position(0, 0), anchor);
    const text = document.getText(range);
    // A whole manuscript: find the ends without copying it or running a regular expression over it.
    if (!/\S/.test(text)) return undefined;
    const passage = mode === 'completion' ? text.slice(0, endWithoutSpaces(text)) : text.trim();
    const passageOffset = document.offsetAt(range.start) + (mode === 'completion' ? 0 : text.length - text.trimStart().length);
    const sampling = settings.sampling;
    const systemPrompt = mode === 'chat' ? settings.generationSystemPrompt : '';
    const contextSize = await this.services.contextSize(target, settings);
    const built = await buildStoryPrompt({
      mode,
      passage,
      overflow: isSelection ? 'refuse' : settings.contextOverflow,
      systemPrompt,
      contextSize: contextSize.tokens,
      maxTokens: sampling.max_tokens,
      count: yieldingCount((text) => this.services.tokens.count(text, target, settings)),
      story: await this.folders.material(document.uri),
      options: settings.story,
      nextTurn: realScheduler.yieldNow,
    });
    const prompt = built.fits ? built.prompt : '';
    const messages = built.fits ? built.messages : [];
    return { document: document.uri, target, settings, mode, sampling, contextSize, anchor, isSelection, passageOffset, built, prompt, messages };
  }

  /** The request body the plan would send (for the view's raw request; the generator builds the real one the same way). */
  requestFor(plan: PlannedPrompt): { url: string; body: Record<string, unknown> } {
    const common = { profile: plan.target.profile, model: plan.target.model, sampling: plan.sampling, stream: true };
    return plan.mode === 'completion' ? buildCompletionRequest({ ...common, prompt: plan.prompt }) : buildChatRequest({ ...common, messages: plan.messages });
  }

  record(document: vscode.Uri, plan: PlannedPrompt, url: string, body: Record<string, unknown>): void {
    if (!plan.built.fits) return;
    const key = document.toString();
    this.sent.delete(key);
    this.sent.set(key, { at: Date.now(), model: plan.target.model, contextSize: plan.contextSize.tokens, maxTokens: plan.sampling.max_tokens, built: plan.built, passageOffset: plan.passageOffset, url, body });
    while (this.sent.size > MAX_KEPT) this.sent.delete(this.sent.keys().next().value!);
    this.didSend.fire(document);
  }

  lastSent(document: vscode.Uri): SentPrompt | undefined {
    return this.sent.get(document.toString());
  }
}
