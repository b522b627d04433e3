// Retry-After, read from a provider's answer headers (docs/security.md, item 17).

export type HeaderBag = Record<string, string | string[] | number | undefined>;

/** `Retry-After` in seconds or as an HTTP date, or `retry-after-ms`; undefined if absent or unreadable. */
export function retryAfterFromHeaders(headers: HeaderBag, nowMs: number = Date.now()): number | undefined {
  const ms = headerValue(headers, 'retry-after-ms');
  if (ms !== undefined && /^\d+(\.\d+)?$/.test(ms.trim())) return Math.round(Number(ms));
  const value = headerValue(headers, 'retry-after');
  return value === undefined ? undefined : parseRetryAfter(value, nowMs);
}

export function parseRetryAfter(value: string, nowMs: number = Date.now()): number | undefined {
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

export function headerValue(headers: HeaderBag, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, raw] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || raw === undefined) continue;
    return Array.isArray(raw) ? raw[0] : String(raw);
  }
  return undefined;
}
