// What an exchange sends, worked out before any socket is opened: the checked URL, the method, the
// log label (no key in it) and the body with its headers.

import { ProviderError } from '../errors/providerError';
import { redactSecrets } from '../errors/redact';
import type { HttpRequestOptions } from './providerClient';

export interface RequestTarget {
  url: URL;
  method: string;
  /** For the log: method and address, secrets redacted. */
  label: string;
}

/** Throws ProviderError ('network', not retryable) for an address that is not http(s). */
export function requestTarget(options: HttpRequestOptions, secrets: readonly string[]): RequestTarget {
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw new ProviderError({ kind: 'network', retryable: false, message: 'The base URL is not a valid URL' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ProviderError({ kind: 'network', retryable: false, message: `Unsupported URL scheme ${url.protocol} (use http or https)` });
  }
  const method = (options.method ?? (options.body === undefined ? 'GET' : 'POST')).toUpperCase();
  return { url, method, label: `${method} ${redactSecrets(safeUrl(url), secrets)}` };
}

export function requestBody(
  options: HttpRequestOptions,
  accept: string,
): { payload: Buffer | undefined; headers: Record<string, string> } {
  const payload =
    options.body === undefined
      ? undefined
      : Buffer.from(typeof options.body === 'string' ? options.body : JSON.stringify(options.body), 'utf8');
  const headers: Record<string, string> = { accept, ...options.headers };
  if (payload) {
    if (!hasHeader(headers, 'content-type')) headers['content-type'] = 'application/json';
    headers['content-length'] = String(payload.length);
  }
  return { payload, headers };
}

/** origin + path: no user info, no query string (which may carry a key). */
function safeUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

export function safeLocation(location: string, base: URL): string {
  try {
    return safeUrl(new URL(location, base));
  } catch {
    return location.split('?')[0] ?? '';
  }
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((k) => k.toLowerCase() === name);
}
