/**
 * Document shapes that used to stall token counting (see the README's token-count figures): plain-text novels
 * whose paragraphs are separated by single newlines, one enormous line, a line with no spaces at all (CJK-like),
 * and binary junk opened as text. Deterministic; shared by the unit test and `bench/tokenCountStalls.ts`.
 */
import { generateProse, rng } from './tokenCountProse';

export interface DocumentShape {
  name: string;
  text: string;
}

/** Prose of about `chars` characters. */
function prose(chars: number, seed: number): string {
  let text = generateProse(Math.ceil(chars / 5.5), seed);
  while (text.length < chars) text += '\n\n' + generateProse(Math.ceil(chars / 5.5), seed + text.length);
  return text.slice(0, chars);
}

/** The shape that never stalled, for comparison: paragraphs separated by blank lines. */
export function blankLineParagraphs(chars: number, seed = 10): string {
  return prose(chars, seed);
}

export function singleNewlineParagraphs(chars: number, seed = 11): string {
  return prose(chars, seed).replace(/\n\n+/g, '\n');
}

export function oneLine(chars: number, seed = 12): string {
  return prose(chars, seed).replace(/\s+/g, ' ');
}

export function noSpaces(chars: number, seed = 13): string {
  const r = rng(seed);
  let s = '';
  while (s.length < chars) s += String.fromCharCode(0x4e00 + Math.floor(r() * 2000)) + (r() < 0.05 ? '。' : '');
  return s.slice(0, chars);
}

/** Random bytes read as Latin-1 text, as VS Code shows a binary file forced open as text. */
export function binaryJunk(chars: number, seed = 14): string {
  const r = rng(seed);
  const codes = new Array<number>(chars);
  for (let i = 0; i < chars; i++) codes[i] = Math.floor(r() * 256);
  let s = '';
  for (let i = 0; i < chars; i += 8192) s += String.fromCharCode(...codes.slice(i, i + 8192));
  return s;
}

/**
 * `text` as one flat string, as `TextDocument.getText()` gives it (a join). Strings built by concatenation are
 * flattened by V8 on first read, which costs tens of ms for megabytes and would be charged to whoever reads first.
 */
export function flat(text: string): string {
  text.charCodeAt(text.length >> 1);
  return text;
}

export function stallShapes(scale = 1): DocumentShape[] {
  const MB = 1024 * 1024;
  return [
    { name: `single-newline paragraphs, ${scale} MB`, text: singleNewlineParagraphs(scale * MB) },
    { name: `one line of prose, ${5 * scale} MB`, text: oneLine(5 * scale * MB) },
    { name: `one line without spaces, ${scale} MB`, text: noSpaces(scale * MB) },
    { name: `binary junk, ${scale} MB`, text: binaryJunk(scale * MB) },
  ].map((s) => ({ name: s.name, text: flat(s.text) }));
}
