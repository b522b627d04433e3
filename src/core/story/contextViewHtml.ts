// The context view's content ("What the model sees", README): for the next prompt and the last one sent,
// the context bar, the parts, each lore entry's verdict and the raw request body. Every string in it comes
// from the manuscript, the lore files, the settings or a server, so every one is escaped, long ones are
// cut for display (with a note), and the keys Inkwell knows are masked. The page around it, its policy
// and its script are in contextViewPage.ts. Pure: no vscode.
import { isRecord } from '../json';
import { formatInt } from '../tokens/format';
import { BarSegment, ContextPanelState, ContextSnapshot, ContextTab, EmptySnapshot, LoreRow, barSegments, isEmptySnapshot, whyText } from './contextSnapshot';

export interface ContextHtmlOptions {
  /** Strings never to show (the keys Inkwell has read): masked wherever they occur. */
  secrets?: readonly string[];
  /** The raw body's strings together are cut to about this many characters for display. */
  maxBodyChars?: number;
}

/** Display bounds: the prompt as read, and the raw body (whose long strings the prompt above already shows); the copy has everything. */
export const MAX_BODY_CHARS = 50_000;
export const MAX_PROMPT_CHARS = 100_000;
const MAX_LABEL_CHARS = 160;
const REDACTED = '[redacted]';
/** Out entries are folded away when there are more than this, so a big lore folder does not bury the rest. */
const OPEN_OUT_ROWS = 30;
/** Entries out are listed up to this many (the strongest reasons first); the rest are counted. */
export const MAX_OUT_ROWS = 200;
/** More lore entries than this are one segment of the bar: each has its own row in the lore table. */
const BAR_LORE_SEGMENTS = 12;

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

export function maskSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) if (secret) out = out.split(secret).join(REDACTED);
  return out;
}

/** The first `n` characters, one fewer if the last would be half a surrogate pair. */
function head(text: string, n: number): string {
  const code = text.charCodeAt(n - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? n - 1 : n);
}

/** At most `max` characters, ending with "…" when cut. */
export function clip(text: string, max = MAX_LABEL_CHARS): string {
  return text.length <= max ? text : `${head(text, max - 1)}…`;
}

/** Cuts the middle out of `text`, keeping a quarter of `max` from the start and the rest from the end (nearest the cursor). */
function cutMiddle(text: string, max: number): string {
  const start = head(text, Math.floor(max / 4));
  let tail = text.length - (max - start.length);
  const code = text.charCodeAt(tail);
  if (code >= 0xdc00 && code <= 0xdfff) tail++;
  return `${start}\n… [${formatInt(tail - start.length)} characters not shown here; Copy Request Body copies them all] …\n${text.slice(tail)}`;
}

/**
 * The body as indented JSON for display, with known secrets masked and long strings cut in the middle so
 * that all of them together stay near `maxChars`. `cut` counts the strings that were cut.
 */
export function displayBody(body: unknown, maxChars = MAX_BODY_CHARS, secrets: readonly string[] = []): { text: string; cut: number } {
  const strings: string[] = [];
  const collect = (v: unknown): void => {
    if (typeof v === 'string') strings.push(v);
    else if (Array.isArray(v)) v.forEach(collect);
    else if (v && typeof v === 'object') Object.values(v).forEach(collect);
  };
  collect(body);
  const total = strings.reduce((sum, s) => sum + s.length, 0);
  const long = strings.filter((s) => s.length > 1000).length;
  const cap = total <= maxChars ? Infinity : Math.max(1000, Math.floor(maxChars / Math.max(1, long)));
  let cut = 0;
  const text = JSON.stringify(
    body,
    (_key, value: unknown) => {
      if (typeof value !== 'string') return value;
      const masked = maskSecrets(value, secrets);
      if (masked.length <= cap) return masked;
      cut++;
      return cutMiddle(masked, cap);
    },
    2,
  );
  return { text: text ?? '', cut };
}

const pct = (share: number) => `${share.toFixed(share >= 10 || share === 0 ? 1 : 2)}%`;

function bar(all: BarSegment[], label: string): string {
  const lore = all.filter((s) => s.kind === 'lore');
  const segments =
    lore.length <= BAR_LORE_SEGMENTS
      ? all
      : all.flatMap((s): BarSegment[] => {
          if (s.kind !== 'lore') return [s];
          if (s !== lore[0]) return [];
          const sum = (f: (g: BarSegment) => number) => lore.reduce((total, g) => total + f(g), 0);
          return [{ kind: 'lore', label: `Lore (${formatInt(lore.length)} entries)`, tokens: sum((g) => g.tokens), share: Math.round(sum((g) => g.share) * 100) / 100 }];
        });
  let x = 0;
  const rects = segments.map((s) => {
    const rect = `<rect class="seg k-${s.kind}" x="${x.toFixed(2)}%" y="0" width="${s.share.toFixed(2)}%" height="100%"><title>${escapeHtml(`${s.label}: ${formatInt(s.tokens)} tokens, ${pct(s.share)}`)}</title></rect>`;
    x += s.share;
    return rect;
  });
  return `<svg class="bar" role="img" aria-label="${escapeHtml(label)}" xmlns="http://www.w3.org/2000/svg">${rects.join('')}</svg>`;
}

/** The parts table: lore entries are one row here (each has its own row in the lore table). */
function partsTable(segments: BarSegment[], text: (s: string) => string): string {
  const rows: { kind: string; label: string; tokens: number; share: number; entries: number }[] = [];
  for (const s of segments) {
    const lore = s.kind === 'lore' ? rows.find((r) => r.kind === 'lore') : undefined;
    if (lore) Object.assign(lore, { tokens: lore.tokens + s.tokens, share: lore.share + s.share, entries: lore.entries + 1 });
    else rows.push({ kind: s.kind, label: s.label, tokens: s.tokens, share: s.share, entries: 1 });
  }
  const label = (r: (typeof rows)[number]) => (r.kind === 'lore' ? `Lore (${formatInt(r.entries)} ${r.entries === 1 ? 'entry' : 'entries'})` : text(r.label));
  const body = rows
    .map((r) => `<tr><td><span class="swatch k-${r.kind}"></span>${label(r)}</td><td class="num">${formatInt(r.tokens)}</td><td class="num">${pct(r.share)}</td></tr>`)
    .join('');
  return `<table class="parts"><thead><tr><th>Part</th><th class="num">Tokens</th><th class="num">Share</th></tr></thead><tbody>${body}</tbody></table>`;
}

function loreTable(rows: LoreRow[], text: (s: string) => string): string {
  const body = rows
    .map(
      (r) =>
        `<tr class="${r.active ? 'in' : 'out'}"><td title="${text(`lore/${r.id}.md`)}">${text(r.name)}</td><td>${text(whyText(r))}</td><td class="num">${r.tokens === undefined ? '' : formatInt(r.tokens)}</td></tr>`,
    )
    .join('');
  return `<table class="lore"><colgroup><col class="c-name"><col><col class="c-tokens"></colgroup><thead><tr><th>Entry</th><th>Why</th><th class="num">Tokens</th></tr></thead><tbody>${body}</tbody></table>`;
}

const OUT_WORDS: Record<string, string> = { budget: 'over the lore budget', secondary: 'with secondary keys unmet', 'no-match': 'with no key found', disabled: 'disabled' };

/** "560 more out, not listed: 548 with no key found, 12 disabled." */
function unlisted(rows: LoreRow[]): string {
  const counts = new Map<string, number>();
  for (const r of rows) if (typeof r.why === 'string') counts.set(r.why, (counts.get(r.why) ?? 0) + 1);
  const parts = [...counts].map(([why, n]) => `${formatInt(n)} ${OUT_WORDS[why] ?? why}`);
  return `${formatInt(rows.length)} more out, not listed: ${parts.join(', ')}.`;
}

function loreSection(s: ContextSnapshot, text: (s: string) => string): string {
  if (!s.lore.length) return '<h3>Lore</h3><p class="note">No lore entries in the story folder.</p>';
  const inRows = s.lore.filter((r) => r.active);
  const outRows = s.lore.filter((r) => !r.active);
  const ins = inRows.length ? loreTable(inRows, text) : '<p class="note">No entry is in.</p>';
  const more = outRows.length - MAX_OUT_ROWS;
  const outs = outRows.length
    ? `<details class="out" data-keep="out-${s.tab}"${outRows.length <= OPEN_OUT_ROWS ? ' open' : ''}><summary>Out (${formatInt(outRows.length)})</summary>` +
      `${loreTable(outRows.slice(0, MAX_OUT_ROWS), text)}${more > 0 ? `<p class="note">${unlisted(outRows.slice(MAX_OUT_ROWS))}</p>` : ''}</details>`
    : '';
  return `<h3>Lore <span class="count">${formatInt(inRows.length)} in · ${formatInt(outRows.length)} out</span></h3>${ins}${outs}`;
}

function refusal(s: ContextSnapshot): string {
  const o = s.outcome;
  if (o.fits) return '';
  const what =
    o.what === 'memory'
      ? `Memory and the author's note take ${formatInt(o.tokens)} tokens, but only ${formatInt(o.available)} fit once ${formatInt(s.maxTokens)} are kept for the reply.`
      : `The story text is ${formatInt(o.tokens)} tokens, but only ${formatInt(o.available)} fit beside memory, lore, the author's note and the reply.`;
  return `<p class="warning">Continue Writing would not send this prompt. ${escapeHtml(what)}</p>`;
}

function snapshotHtml(s: ContextSnapshot, options: ContextHtmlOptions): string {
  const secrets = options.secrets ?? [];
  const text = (value: string) => escapeHtml(clip(maskSecrets(value, secrets)));
  const o = s.outcome;
  const when = s.sentAt === undefined ? '' : ` · sent at ${escapeHtml(new Date(s.sentAt).toTimeString().slice(0, 8))}`;
  const meta =
    `<p class="meta"><strong>${text(s.source)}</strong>${when}<br>${text(s.model)} · ${s.mode} · ` +
    `${text(s.tokenizer)}${s.exact ? ', exact counts' : ' (an estimate)'} · ${formatInt(s.contextSize)}-token context</p>`;
  let usage = refusal(s);
  if (o.fits) {
    const segments = barSegments(o.parts, s.contextSize);
    const room = s.contextSize - o.tokens;
    const share = segments.find((g) => g.kind === 'reply')!.share;
    usage =
      bar(segments, `Prompt ${formatInt(o.tokens)} of ${formatInt(s.contextSize)} tokens`) +
      `<p class="total">Prompt: <strong>${formatInt(o.tokens)}</strong> tokens, ${pct(100 - share)} of the context. ` +
      `Room for the reply: <strong>${formatInt(Math.max(0, room))}</strong> tokens; ${formatInt(s.maxTokens)} asked for (max_tokens).` +
      `${o.trimmedChars ? ` The story text was trimmed: its first ${formatInt(o.trimmedChars)} characters do not fit.` : ''}</p>` +
      partsTable(segments, text);
  }
  let request = '';
  if (s.request) {
    request = readablePrompt(s.tab, s.request.body, secrets);
    const body = displayBody(s.request.body, options.maxBodyChars ?? MAX_BODY_CHARS, secrets);
    request +=
      `<h3>Request</h3><p class="request"><code>POST ${text(s.request.url)}</code> <button type="button" data-copy="${s.tab}">Copy Request Body</button></p>` +
      `${body.cut ? `<p class="note">${body.cut === 1 ? 'One long text is' : `${body.cut} long texts are`} cut in the middle here; the copy has everything.</p>` : ''}` +
      `<p class="note">The API key goes in a header and is not part of the body.</p><pre class="body">${escapeHtml(body.text)}</pre>`;
  }
  return meta + usage + loreSection(s, text) + request;
}

/**
 * The prompt as the model reads it, line breaks and all (the raw body below shows them as \n): the
 * completion prompt, or each chat message under its role. Cut in the middle past MAX_PROMPT_CHARS.
 */
function readablePrompt(tab: ContextTab, body: Record<string, unknown>, secrets: readonly string[]): string {
  const messages = Array.isArray(body.messages)
    ? body.messages.flatMap((m: unknown) => (isRecord(m) && typeof m.role === 'string' && typeof m.content === 'string' ? [{ role: m.role, content: m.content }] : []))
    : typeof body.prompt === 'string'
      ? [{ role: '', content: body.prompt }]
      : [];
  if (!messages.length) return '';
  const cap = Math.max(1000, Math.floor(MAX_PROMPT_CHARS / messages.length));
  const blocks = messages.map(({ role, content }) => {
    const masked = maskSecrets(content, secrets);
    const shown = masked.length > cap ? cutMiddle(masked, cap) : masked;
    return `${role ? `<p class="role">${escapeHtml(clip(role, 40))}</p>` : ''}<pre class="prompt-text">${escapeHtml(shown)}</pre>`;
  });
  return `<details class="prompt" data-keep="prompt-${tab}" open><summary>The prompt as the model reads it</summary>${blocks.join('')}</details>`;
}

function section(tab: ContextTab, inner: string): string {
  return `<section class="snapshot" data-tab-panel="${tab}" role="tabpanel" aria-labelledby="tab-${tab}">${inner}</section>`;
}

function emptyHtml(s: EmptySnapshot): string {
  return `<p class="empty">${escapeHtml(s.empty)}</p>`;
}

/** One tab's content: what an update of that tab replaces. */
export function renderContextTab(snapshot: ContextSnapshot | EmptySnapshot, options: ContextHtmlOptions = {}): string {
  return isEmptySnapshot(snapshot) ? emptyHtml(snapshot) : snapshotHtml(snapshot, options);
}

/** Both tabs' content in their sections: what the page shows at first. */
export function contextSections(html: Record<ContextTab, string>): string {
  return section('next', html.next) + section('last', html.last);
}

export function renderContextFragment(state: ContextPanelState, options: ContextHtmlOptions = {}): string {
  return contextSections({ next: renderContextTab(state.next, options), last: renderContextTab(state.last, options) });
}
