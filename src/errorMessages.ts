import * as vscode from 'vscode';
import { ProviderError } from './core/errors/providerError';
import type { SecretRegistry } from './core/errors/secretRegistry';
import { ERROR_ACTION_TABLE, actionsFor } from './core/errors/errorActions';

/** Anything thrown on the way to a provider, as a ProviderError (unknown throws become 'network'). */
export function toProviderError(error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ProviderError({ kind: 'network', providerMessage: message, cause: error });
}

/** One line for the user: what happened, in the provider's words, and what to do — never a key. */
export function describeError(error: unknown, secrets: SecretRegistry): string {
  return secrets.redact(toProviderError(error).userMessage);
}

/**
 * Shows a provider failure with its next step as buttons. Extra actions (Retry, Continue) come
 * first; the promise resolves to the label of an extra action the user chose, if any.
 */
export async function showProviderError(
  error: unknown,
  secrets: SecretRegistry,
  doing: string,
  extra: string[] = [],
  /** The first sentence, when "<doing> failed." is not what happened (a stream that stopped part way). */
  headline = `${doing} failed.`,
): Promise<string | undefined> {
  const e = toProviderError(error);
  if (e.kind === 'aborted') return undefined;
  const actions = actionsFor(e).map((id) => ERROR_ACTION_TABLE[id]);
  const choice = await vscode.window.showErrorMessage(
    `Inkwell: ${headline} ${describeError(e, secrets)}`,
    ...extra,
    ...actions.map((a) => a.label),
  );
  const action = actions.find((a) => a.label === choice);
  if (action) {
    await vscode.commands.executeCommand(action.command);
    return undefined;
  }
  return choice;
}
