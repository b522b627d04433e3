/**
 * The codicon stylesheet with the glyph rules (`.codicon-NAME:before { content: "\eXXX" }`) of
 * `names` alone; the font face, the base rule and the modifiers stay. The full sheet has some 650
 * glyph rules (33 KB) for a page that shows a handful.
 */
export function keepCodicons(css: string, names: readonly string[]): string {
  const keep = new Set(names);
  return css.replace(/^\.codicon-([a-z0-9-]+):before\s*\{[^}]*\}[ \t]*\r?\n?/gm, (rule, name: string) => (keep.has(name) ? rule : ''));
}
