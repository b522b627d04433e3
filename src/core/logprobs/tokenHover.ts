// What hovering a generated token shows: the top choices with their probabilities, the chosen one
// marked, what the rest shared, and the reroll links. Token text comes from the model: it is shown
// escaped (no Markdown, no HTML, no link it did not come with) and with its whitespace made visible.
// Pure: no vscode.
import type { GeneratedToken } from './choiceLogprobs';
import { percent, probability } from './probabilityBands';

/** The longest token shown whole; a longer one (a server's odd vocabulary) is cut with an ellipsis. */
const MAX_SHOWN = 40;

export interface HoverRow {
  /** The token as the writer reads it (whitespace made visible), not yet escaped. */
  shown: string;
  probability: number;
  chosen: boolean;
  /** Index in the token's `top`; absent for the chosen token when the server left it out of the list. */
  alternative?: number;
}

export interface HoverModel {
  rows: HoverRow[];
  /** What the listed choices leave (1 − their sum), or undefined when the list is not a distribution. */
  others: number | undefined;
}

/** Spaces, line breaks and tabs as visible marks; control characters as their code. */
export function visibleToken(text: string): string {
  let out = '';
  for (const ch of text) {
    if (out.length >= MAX_SHOWN) return `${out}…`;
    if (ch === ' ') out += '␣';
    else if (ch === '\n') out += '↵';
    else if (ch === '\r') out += '␍';
    else if (ch === '\t') out += '⇥';
    else if (/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(ch)) out += `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
    else out += ch;
  }
  return out || '∅';
}

/** Markdown-escapes every character that could start markup, and `&` and `<` against HTML. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~&:$%"'=]/g, (c) => (c === '<' ? '&lt;' : c === '&' ? '&amp;' : `\\${c}`));
}

export function hoverModel(token: GeneratedToken): HoverModel {
  const rows: HoverRow[] = token.top.map((alt, i) => ({
    shown: visibleToken(alt.text),
    probability: probability(alt.logprob),
    chosen: false,
    alternative: i,
  }));
  // The chosen token is the top entry with its text (its bytes when both have them); llama.cpp lists
  // the choices before sampling, so it may be missing: then it is its own row.
  const same = (i: number) => {
    const alt = token.top[i];
    if (alt.bytes && token.bytes) return alt.bytes.length === token.bytes.length && alt.bytes.every((b, k) => b === token.bytes![k]);
    return alt.text === token.token;
  };
  const chosenAt = token.top.findIndex((_, i) => same(i));
  if (chosenAt >= 0) rows[chosenAt].chosen = true;
  else rows.push({ shown: visibleToken(token.token), probability: probability(token.logprob), chosen: true });
  rows.sort((a, b) => b.probability - a.probability);
  const listed = rows.reduce((sum, r) => sum + r.probability, 0);
  return { rows, others: listed <= 1.0001 && rows.length > 1 ? Math.max(0, 1 - listed) : undefined };
}

export interface HoverLinks {
  /** A command link that rerolls with alternative `i` in place of the token; absent: no reroll here. */
  withToken?: (alternative: number) => string;
  /** A command link for a plain reroll from this token. */
  fromHere?: string;
  /** Why there are no reroll links, when there are none. */
  noReroll?: string;
}

export function hoverMarkdown(token: GeneratedToken, links: HoverLinks): string {
  const { rows, others } = hoverModel(token);
  const lines = [`**${escapeMarkdown(visibleToken(token.token))}** ${percent(probability(token.logprob))}`, '', '| | token | probability |', '|:-:|:--|--:|'];
  for (const row of rows) {
    const name = escapeMarkdown(row.shown);
    const cell = !row.chosen && row.alternative !== undefined && links.withToken ? `[${name}](${links.withToken(row.alternative)} "Reroll with this token")` : name;
    lines.push(`| ${row.chosen ? '✓' : ''} | ${row.chosen ? `**${cell}**` : cell} | ${percent(row.probability)} |`);
  }
  if (others !== undefined) lines.push(`| | *others* | ${percent(others)} |`);
  lines.push('');
  if (links.fromHere) lines.push(`[Reroll from here](${links.fromHere} "Write again from this token on; the text it replaces is kept as an alternative")`);
  else if (links.noReroll) lines.push(`*${escapeMarkdown(links.noReroll)}*`);
  return lines.join('\n');
}
