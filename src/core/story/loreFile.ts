// A lore entry's file: YAML front matter for its rules, the Markdown body as its text. Parsed with the
// `yaml` package (positions for every node, alias bombs bounded) so a mistake is reported at its line
// and only that entry is skipped. Pure: no vscode.
import type * as Yaml from 'yaml';
import type { Node, Pair } from 'yaml';
import { LORE_DEFAULTS, LoreEntry, LorePosition, SecondaryLogic, loreEntry } from './loreEntry';
import { compileKey } from './keyMatcher';

/**
 * The parser, loaded the first time a lore file is read or written rather than with the extension: it
 * is a third of the bundle and a session without lore never needs it. The extension's bundle takes it
 * from dist/yaml.js, a bundle of its own (esbuild.js); `require` keeps the loaded module.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load is what `import` cannot say
const yaml = (): typeof Yaml => require('yaml') as typeof Yaml;

/** A problem in a story file, at a 0-based line. */
export interface StoryDiagnostic {
  line: number;
  message: string;
  severity: 'error' | 'warning';
}

export interface ParsedLoreFile {
  /** Undefined when the entry is skipped: an error below says why. */
  entry?: LoreEntry;
  diagnostics: StoryDiagnostic[];
}

/** Larger files are not read: a lore entry is a paragraph or a page, not a book. */
export const MAX_LORE_FILE_CHARS = 64 * 1024;
const MAX_KEYS = 64;
const MAX_KEY_CHARS = 200;

const LOGICS: readonly SecondaryLogic[] = ['any', 'all', 'notAny', 'notAll'];
const POSITIONS: readonly LorePosition[] = ['beforeStory', 'afterMemory', 'atDepth'];

interface Field {
  check(value: unknown): string | undefined;
}
const bool: Field = { check: (v) => (typeof v === 'boolean' ? undefined : 'must be true or false') };
const int = (min: number, max: number): Field => ({
  check: (v) => (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? undefined : `must be a whole number from ${min} to ${max}`),
});
const oneOf = (values: readonly string[]): Field => ({
  check: (v) => (typeof v === 'string' && values.includes(v) ? undefined : `must be one of ${values.join(', ')}`),
});
const text: Field = { check: (v) => (typeof v === 'string' && v.length <= MAX_KEY_CHARS ? undefined : `must be text of at most ${MAX_KEY_CHARS} characters`) };
const keyList: Field = {
  check: (v) => {
    const list = typeof v === 'string' ? [v] : v;
    if (!Array.isArray(list) || !list.every((k) => typeof k === 'string')) return 'must be a key or a list of keys';
    if (list.length > MAX_KEYS) return `has more than ${MAX_KEYS} keys`;
    if (list.some((k: string) => k.length > MAX_KEY_CHARS)) return `has a key over ${MAX_KEY_CHARS} characters`;
    return undefined;
  },
};

/** The front matter's fields: the names a writer types, each with its check. */
const FIELDS: Record<string, Field> = {
  name: text,
  keys: keyList,
  secondaryKeys: keyList,
  secondaryLogic: oneOf(LOGICS),
  caseSensitive: bool,
  wholeWords: bool,
  alwaysOn: bool,
  enabled: bool,
  order: int(-100_000, 100_000),
  position: oneOf(POSITIONS),
  depth: int(0, 1000),
  scanTokens: int(0, 1_000_000),
  recursive: bool,
};

/** Splits `---` front matter from the body. Lines are counted from 0; `bodyLine` is where the body starts. */
export function splitFrontMatter(source: string): { yaml?: string; yamlLine: number; body: string; bodyLine: number } {
  const text = source.replace(/^\uFEFF/, '');
  const open = /^---[ \t]*\r?\n/.exec(text);
  if (!open) return { yamlLine: 0, body: text, bodyLine: 0 };
  const rest = text.slice(open[0].length);
  const close = /^(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/m.exec(rest);
  if (!close) return { yamlLine: 0, body: text, bodyLine: 0 };
  const yaml = rest.slice(0, close.index);
  const body = rest.slice(close.index + close[0].length);
  const bodyLine = 1 + lineCount(yaml) + 1;
  return { yaml, yamlLine: 1, body, bodyLine };
}

function lineCount(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Notes to oneself (`<!-- … -->`) are not sent; the rest is trimmed of surrounding blank lines. */
export function sendableText(body: string): string {
  return body.replace(/<!--[\s\S]*?(?:-->|$)/g, '').replace(/\r\n?/g, '\n').trim();
}

function closest(name: string): string | undefined {
  const lower = name.toLowerCase();
  return Object.keys(FIELDS).find((f) => f.toLowerCase() === lower || editDistanceAtMostOne(f.toLowerCase(), lower) || transposed(f.toLowerCase(), lower));
}
function editDistanceAtMostOne(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  let j = 0;
  let edits = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) { i++; j++; continue; }
    if (++edits > 1) return false;
    if (a.length > b.length) i++;
    else if (b.length > a.length) j++;
    else { i++; j++; }
  }
  return edits + (a.length - i) + (b.length - j) <= 1;
}
function transposed(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  const diff = [...a].flatMap((c, i) => (c === b[i] ? [] : [i]));
  return diff.length === 2 && diff[1] === diff[0] + 1 && a[diff[0]] === b[diff[1]] && a[diff[1]] === b[diff[0]];
}

/**
 * Reads one lore file. `id` is its file name without `.md`. Without front matter the file is an entry
 * whose key is its name; with front matter every field is checked, and any error skips the entry.
 */
export function parseLoreFile(id: string, source: string): ParsedLoreFile {
  const diagnostics: StoryDiagnostic[] = [];
  const error = (line: number, message: string) => diagnostics.push({ line, message, severity: 'error' });
  if (source.length > MAX_LORE_FILE_CHARS) {
    error(0, `This lore file is ${source.length.toLocaleString('en-US')} characters; Inkwell reads lore files up to ${MAX_LORE_FILE_CHARS.toLocaleString('en-US')}. Split it into several entries.`);
    return { diagnostics };
  }
  const { yaml: front, yamlLine, body } = splitFrontMatter(source);
  const fields: Record<string, unknown> = {};
  const lineOf = new Map<string, number>();
  if (front !== undefined && front.trim()) {
    const { LineCounter, parseDocument, isMap, isScalar } = yaml();
    const lines = new LineCounter();
    const doc = parseDocument(front, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    const at = (offset: number | undefined) => yamlLine + (offset === undefined ? 0 : lines.linePos(offset).line - 1);
    for (const e of doc.errors) error(at(e.pos[0]), `Front matter: ${e.message.split('\n')[0]}`);
    if (doc.errors.length) return { diagnostics };
    if (!isMap(doc.contents)) {
      error(yamlLine, 'The front matter must be a list of fields (name: value), like "keys: [Wren, the chandler]".');
      return { diagnostics };
    }
    let data: Record<string, unknown>;
    try {
      data = doc.toJS({ maxAliasCount: 20 }) as Record<string, unknown>;
    } catch (e) {
      error(yamlLine, `Front matter: ${e instanceof Error ? e.message : String(e)}`);
      return { diagnostics };
    }
    for (const pair of doc.contents.items as Pair<Node, Node>[]) {
      const name = isScalar(pair.key) ? String(pair.key.value) : '';
      const line = at(pair.key?.range?.[0]);
      const field = Object.hasOwn(FIELDS, name) ? FIELDS[name] : undefined;
      if (!field) {
        const hint = closest(name);
        error(line, `Unknown field "${name}"${hint ? ` — did you mean "${hint}"?` : ''}. Fields: ${Object.keys(FIELDS).join(', ')}.`);
        continue;
      }
      const value = data[name] ?? null;
      const problem = value === null ? 'has no value' : field.check(value);
      if (problem) {
        error(at(pair.value?.range?.[0] ?? pair.key?.range?.[0]), `"${name}" ${problem}.`);
        continue;
      }
      fields[name] = value;
      lineOf.set(name, at(pair.value?.range?.[0]));
    }
  }
  const keys = asList(fields.keys);
  const secondaryKeys = asList(fields.secondaryKeys);
  for (const [list, name] of [[keys, 'keys'], [secondaryKeys, 'secondaryKeys']] as const) {
    for (const key of list) {
      const compiled = compileKey(key, { caseSensitive: false, wholeWords: true });
      if ('error' in compiled) error(lineOf.get(name) ?? yamlLine, `Key ${JSON.stringify(key)}: ${compiled.error}`);
    }
  }
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics };
  const name = (fields.name as string | undefined)?.trim() || id;
  const entry = loreEntry(id, {
    ...(fields as Partial<LoreEntry>),
    name,
    keys: fields.keys === undefined ? [name] : keys.filter((k) => k.trim()),
    secondaryKeys: secondaryKeys.filter((k) => k.trim()),
    content: sendableText(body),
  });
  if (!entry.keys.length && !entry.alwaysOn) {
    diagnostics.push({ line: lineOf.get('keys') ?? yamlLine, message: 'This entry has no keys and is not alwaysOn, so it never goes in.', severity: 'warning' });
  }
  if (!entry.content) diagnostics.push({ line: 0, message: 'This entry has no text to send.', severity: 'warning' });
  return { entry, diagnostics };
}

function asList(value: unknown): string[] {
  if (value === undefined) return [];
  return typeof value === 'string' ? [value] : (value as string[]);
}

/** The file for an entry: only the rules that differ from the defaults, then the text. */
export function serializeLoreFile(entry: LoreEntry): string {
  const front: Record<string, unknown> = { name: entry.name, keys: entry.keys };
  if (entry.secondaryKeys.length) front.secondaryKeys = entry.secondaryKeys;
  for (const field of Object.keys(LORE_DEFAULTS) as (keyof typeof LORE_DEFAULTS)[]) {
    if (field === 'secondaryLogic' && !entry.secondaryKeys.length) continue;
    if (field === 'depth' && entry.position !== 'atDepth') continue;
    if (entry[field] !== LORE_DEFAULTS[field]) front[field] = entry[field];
  }
  if (entry.scanTokens !== undefined) front.scanTokens = entry.scanTokens;
  const fields = yaml().stringify(front, { lineWidth: 0, flowCollectionPadding: false }).trimEnd();
  return `---\n${fields}\n---\n\n${entry.content.trim()}\n`;
}
