import { TokenCount } from './types';

/** 32768 → "32k", 131072 → "128k", 32764 → "32k", 8192 → "8k", 1048576 → "1M", 4000 → "4k", 500 → "500". */
export function formatContextShort(tokens: number): string {
  if (tokens >= 1024 * 1024) {
    return `${Number((tokens / (1024 * 1024)).toFixed(1))}M`;
  }
  if (tokens >= 1000) {
    // Powers of two (and Miqu's 32764) read as binary k; round numbers like 200000 as decimal k.
    const k = Math.abs(tokens / 1024 - Math.round(tokens / 1024)) < 0.01 ? tokens / 1024 : tokens / 1000;
    return `${Math.round(k)}k`;
  }
  return String(tokens);
}

export function formatInt(n: number): string {
  return Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Share of the context, as the status bar shows it: "4%", "<1%", "112%". */
export function formatPercent(count: number, context: number): string {
  if (context <= 0) return '';
  const p = (count / context) * 100;
  if (p > 0 && p < 1) return '<1%';
  return `${Math.round(p)}%`;
}

/** `1,234 tokens · 4% of 32k`, `≈1,234 tokens · 4% of 32k`, `1 token`; without a context size, no share. */
export function formatTokenStatus(c: Pick<TokenCount, 'count' | 'exact'>, contextTokens?: number): string {
  const n = `${c.exact ? '' : '≈'}${formatInt(c.count)} ${c.count === 1 ? 'token' : 'tokens'}`;
  if (!contextTokens || contextTokens <= 0) return n;
  return `${n} · ${formatPercent(c.count, contextTokens)} of ${formatContextShort(contextTokens)}`;
}

/** Tooltip lines: what counted and how sure it is. */
export function describeCount(c: TokenCount, context?: { tokens: number; source: string }): string {
  const how =
    c.source === 'server'
      ? c.exact
        ? "Counted by the server's tokenizer for this model."
        : `Counted by the server with ${c.tokenizer} — not this model's tokenizer, so approximate.`
      : c.source === 'local'
        ? `Counted exactly with the ${c.tokenizer} tokenizer.`
        : 'Estimated (no tokenizer for this model yet).';
  const ctx = context ? `\nContext: ${formatInt(context.tokens)} tokens (${context.source}).` : '';
  return how + ctx;
}
