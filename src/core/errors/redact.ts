// Every message and log line passes through here before anyone sees it (docs/security.md, items 4, 5).

const REDACTED = '[redacted]';

// `Bearer <token>` anywhere, whatever the token: a provider may echo the header back.
const BEARER = /\b(Bearer)\s+[^\s"'<>,;]+/gi;
// litellm's 401 echoes part of the key and its hash: "Received API Key = sk-...1234, Key Hash (Token) =ab12…".
const ECHOED_KEY = /(Received API Key\s*=\s*)[^\s,]+/gi;
const KEY_HASH = /(Key Hash \(Token\)\s*=\s*)[0-9a-f]{16,}/gi;

/**
 * Replaces every occurrence of each secret (and its URL-encoded form) with `[redacted]`,
 * and masks `Bearer xxx` patterns and the parts of a key litellm echoes in its 401. Longer secrets go first, so a secret that contains
 * another is masked whole.
 */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text;
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (!secret) continue;
    forms.add(secret);
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) forms.add(encoded);
  }
  const ordered = [...forms].sort((a, b) => b.length - a.length);
  for (const form of ordered) {
    out = out.split(form).join(REDACTED);
  }
  return out.replace(BEARER, `$1 ${REDACTED}`).replace(ECHOED_KEY, `$1${REDACTED}`).replace(KEY_HASH, `$1${REDACTED}`);
}
