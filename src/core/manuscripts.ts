/**
 * What counts as a manuscript: the only documents Inkwell reads on its own (the status bar's token
 * count, which may go to the provider's counter). A writer's explicit action (Continue Writing, Ask
 * about the selection) is theirs to aim; a background count must never pick up settings.json, an
 * output channel, a git view or a diff.
 */

/** Where the writer's own files live: on disk, remote, virtual, or not yet saved. */
const MANUSCRIPT_SCHEMES: ReadonlySet<string> = new Set(['file', 'untitled', 'vscode-remote', 'vscode-vfs']);

export interface DocumentIdentity {
  scheme: string;
  languageId: string;
}

export function isManuscript(document: DocumentIdentity, languages: readonly string[]): boolean {
  return MANUSCRIPT_SCHEMES.has(document.scheme) && languages.includes(document.languageId);
}
