// Hovering generated text shows how sure the model was of the token there, its top alternatives, and
// links that reroll from it. The links are command URIs trusted for Inkwell's two reroll commands
// only; everything from the model is escaped (core/logprobs/tokenHover.ts).
import * as vscode from 'vscode';
import { hoverMarkdown } from '../core/logprobs/tokenHover';
import type { ProbabilityRecords } from './probabilityRecords';

const REROLL_COMMANDS = ['inkwell.rerollWithToken', 'inkwell.rerollFromHere'];

const commandLink = (command: string, args: unknown[]) => `command:${command}?${encodeURIComponent(JSON.stringify(args))}`;

export function tokenHover(records: ProbabilityRecords, document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
  const here = records.at(document.uri, document.offsetAt(position));
  if (!here) return undefined;
  const { generation } = here;
  const placed = generation.placed[here.at];
  const token = generation.tokens[placed.index];
  const args = [document.uri.toString(), generation.id, placed.index];
  const markdown = hoverMarkdown(
    token,
    generation.basis
      ? { withToken: (alternative) => commandLink('inkwell.rerollWithToken', [...args, alternative]), fromHere: commandLink('inkwell.rerollFromHere', args) }
      : { noReroll: 'Reroll from a token needs text written in completion mode.' },
  );
  const content = new vscode.MarkdownString(markdown);
  content.isTrusted = { enabledCommands: REROLL_COMMANDS };
  return new vscode.Hover(content, new vscode.Range(document.positionAt(placed.start), document.positionAt(placed.end)));
}

export function registerTokenHover(records: ProbabilityRecords): vscode.Disposable {
  return vscode.languages.registerHoverProvider({ pattern: '**' }, { provideHover: (document, position) => tokenHover(records, document, position) });
}
