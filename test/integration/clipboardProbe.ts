import * as vscode from 'vscode';

/**
 * Whether this host's clipboard keeps what an extension writes. In VS Code 1.82's server build the
 * workbench's clipboard is the browser's, which headless Chromium does not grant to the page, so a
 * write is lost; tests that read the clipboard back skip there (the current VS Code runs them).
 */
export async function clipboardRoundTrips(): Promise<boolean> {
  const before = await vscode.env.clipboard.readText();
  const probe = `inkwell-clipboard-probe-${Date.now()}`;
  await vscode.env.clipboard.writeText(probe);
  const works = (await vscode.env.clipboard.readText()) === probe;
  if (works) await vscode.env.clipboard.writeText(before);
  return works;
}
