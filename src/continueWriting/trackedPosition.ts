import * as vscode from 'vscode';
import { shiftOffset } from '../core/continuation/shiftOffset';

/** A position in one document that follows the writer's edits until it is used. */
export class TrackedPosition implements vscode.Disposable {
  private offset: number;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly document: vscode.TextDocument,
    position: vscode.Position,
  ) {
    this.offset = document.offsetAt(position);
    this.subscription = vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document === document) this.offset = shiftOffset(this.offset, e.contentChanges);
    });
  }

  get position(): vscode.Position {
    return this.document.positionAt(this.offset);
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
