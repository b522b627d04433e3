/** The text a generation request carries (chat messages or a completion prompt) and its token count. */
import { isObj } from './httpHelpers';
import { countTokens } from './tokenText';

export function messagesText(messages: unknown): string {
  if (!Array.isArray(messages)) return '';
  const parts: string[] = [];
  for (const m of messages) {
    if (!isObj(m)) continue;
    const c = m['content'];
    if (typeof c === 'string') parts.push(c);
    else if (Array.isArray(c)) {
      for (const p of c) if (isObj(p) && typeof p['text'] === 'string') parts.push(p['text']);
    }
  }
  return parts.join('\n');
}

export function promptText(prompt: unknown): { text: string; tokens: number } {
  if (typeof prompt === 'string') return { text: prompt, tokens: countTokens(prompt) };
  if (Array.isArray(prompt)) {
    if (prompt.every((p) => typeof p === 'number')) return { text: '', tokens: prompt.length };
    const text = prompt.filter((p): p is string => typeof p === 'string').join('\n');
    return { text, tokens: countTokens(text) };
  }
  return { text: '', tokens: 0 };
}
