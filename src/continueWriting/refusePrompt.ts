import * as vscode from 'vscode';
import { ProviderError } from '../core/errors/providerError';
import { StoryPrompt } from '../core/story/storyPrompt';
import { Log } from '../log';
import { StoryFolders } from '../story/storyFolder';
import { PlannedPrompt } from '../story/storyPrompts';

/** Says why nothing was sent, with the numbers and a way on; returns the error for the caller. */
export function refusePrompt(plan: PlannedPrompt, built: Extract<StoryPrompt, { fits: false }>, folders: StoryFolders, log: Log): ProviderError {
  const { target, sampling, contextSize } = plan;
  const n = (v: number) => v.toLocaleString('en-US');
  const budget = `(${target.model}: ${n(contextSize.tokens)} context, ${sampling.max_tokens} kept for the reply)`;
  const [message, action, open] =
    built.what === 'memory'
      ? [
          `Inkwell: the story folder's memory.md and authors-note.md are ${n(built.tokens)} tokens, but only ${n(built.available)} fit ${budget}. ` +
            'They are never cut, so nothing was sent. Shorten them or lower inkwell.sampling.maxTokens.',
          'Open Memory',
          () => folders.openMemory(plan.document),
        ]
      : [
          `Inkwell: ${plan.isSelection ? 'The selection' : 'The text before the cursor'} is ${n(built.tokens)} tokens, but only ${n(built.available)} fit ${budget}. ` +
            'Nothing was sent. Select a shorter passage or lower inkwell.sampling.maxTokens.',
          'Open Settings',
          () => vscode.commands.executeCommand('workbench.action.openSettings', 'inkwell.sampling.maxTokens'),
        ];
  // The notification fades; the output channel keeps the numbers for when the writer looks again.
  log.info(`Continue Writing refused: ${message}`);
  void vscode.window.showErrorMessage(message, action).then((choice) => {
    if (choice) void open();
  });
  return new ProviderError({ kind: 'context-overflow', contextLength: contextSize.tokens, requestedTokens: built.tokens + sampling.max_tokens });
}
