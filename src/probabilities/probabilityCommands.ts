// The two toggles: asking for token probabilities, and tinting generated text by them.
import * as vscode from 'vscode';
import { Settings } from '../settings';
import type { Probabilities } from './probabilities';

/** The K asked for when the writer turns probabilities on without having chosen one. */
const DEFAULT_TOP_K = 5;

export async function toggleProbabilities(probabilities: Probabilities): Promise<boolean> {
  const editor = vscode.window.activeTextEditor;
  const settings = Settings.forDocument(editor?.document);
  const on = settings.probabilitiesTopK === 0;
  await Settings.setEffective('inkwell.probabilities.topK', on ? DEFAULT_TOP_K : 0, editor?.document.uri);
  if (!on) {
    void vscode.window.setStatusBarMessage('Inkwell: token probabilities off', 3000);
    return false;
  }
  // A provider that refused before is asked again: the writer has just said they want them.
  await probabilities.support.forget();
  const tint = settings.probabilityTint ? [] : ['Tint Tokens'];
  void vscode.window
    .showInformationMessage(`Inkwell: token probabilities on: each generated token comes with its top ${DEFAULT_TOP_K} alternatives where the provider gives them. Hover generated text to see them and reroll from any token.`, ...tint)
    .then((choice) => (choice === 'Tint Tokens' ? Settings.setEffective('inkwell.probabilities.tint', true) : undefined));
  return true;
}

export async function toggleProbabilityTint(): Promise<boolean> {
  const on = !new Settings().probabilityTint;
  await Settings.setEffective('inkwell.probabilities.tint', on);
  return on;
}
