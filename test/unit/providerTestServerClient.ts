// The provider test server's unit tests read its answers through these: an SSE reader of their own (so a
// bug in Inkwell's reader cannot hide one in the server's bytes) and small fetch wrappers with the test key.
import * as assert from 'node:assert/strict';
import type { ExpectedStream } from '../server/providerTestServer';

// ---------------------------------------------------------------------------------------------
// A small, independent, lenient SSE reader used to check the server's bytes.
// ---------------------------------------------------------------------------------------------

export interface SseEvent { data: string | undefined; fields: Record<string, string> }

export function parseSse(text: string): { events: SseEvent[]; comments: string[] } {
  const events: SseEvent[] = [];
  const comments: string[] = [];
  let data: string[] = [];
  let fields: Record<string, string> = {};
  const dispatch = (): void => {
    if (data.length > 0 || Object.keys(fields).length > 0) events.push({ data: data.length > 0 ? data.join('\n') : undefined, fields });
    data = [];
    fields = {};
  };
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  for (const line of body.split(/\r\n|\r|\n/)) {
    if (line === '') { dispatch(); continue; }
    if (line.startsWith(':')) { comments.push(line.slice(1).trim()); continue; }
    const i = line.indexOf(':');
    const name = i < 0 ? line : line.slice(0, i);
    let value = i < 0 ? '' : line.slice(i + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (name === 'data') data.push(value);
    else fields[name] = value;
  }
  dispatch(); // a last event without a blank line
  return { events, comments };
}

export interface Outcome { texts: string[]; finishReasons: (string | null)[]; done: boolean; error: unknown; usage: unknown; truncated: boolean }

export function interpret(text: string, n: number): Outcome {
  const texts: string[] = Array.from({ length: n }, () => '');
  const finishReasons: (string | null)[] = Array.from({ length: n }, () => null);
  let done = false;
  let error: unknown = null;
  let usage: unknown = null;
  for (const ev of parseSse(text).events) {
    if (ev.fields['error'] !== undefined) error = JSON.parse(ev.fields['error']);
    if (ev.data === undefined) continue;
    if (ev.data === '[DONE]') { done = true; continue; }
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const obj: any = JSON.parse(ev.data);
    if (obj.error !== undefined) error = obj;
    if (obj.usage) usage = obj.usage;
    for (const ch of obj.choices ?? []) {
      const t = ch.text ?? ch.delta?.content ?? '';
      texts[ch.index] += t;
      if (ch.finish_reason) finishReasons[ch.index] = ch.finish_reason;
    }
  }
  return { texts, finishReasons, done, error, usage, truncated: !done && finishReasons.some((f) => f === null) };
}

export function decodeChunks(chunks: Uint8Array[]): string {
  const d = new TextDecoder();
  return chunks.map((c) => d.decode(c, { stream: true })).join('') + d.decode();
}

export function sameOutcome(actual: Outcome, expected: ExpectedStream, label: string): void {
  assert.deepEqual(actual.texts, expected.texts, `${label}: texts`);
  assert.deepEqual(actual.finishReasons, expected.finishReasons, `${label}: finish`);
  assert.equal(actual.done, expected.done, `${label}: done`);
  assert.deepEqual(actual.error, expected.error, `${label}: error`);
  assert.deepEqual(actual.usage, expected.usage, `${label}: usage`);
  assert.equal(actual.truncated, expected.truncated, `${label}: truncated`);
}

// ---------------------------------------------------------------------------------------------
// HTTP helpers
// ---------------------------------------------------------------------------------------------

export const KEY = 'test-key';

export function post(s: { url: string }, path: string, body: unknown, o: { key?: string | null; signal?: AbortSignal; raw?: string } = {}): Promise<Response> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (o.key !== null) headers['Authorization'] = `Bearer ${o.key ?? KEY}`;
  return fetch(s.url + path, { method: 'POST', headers, body: o.raw ?? JSON.stringify(body), redirect: 'manual', ...(o.signal ? { signal: o.signal } : {}) });
}

export function get(s: { url: string }, path: string, key: string | null = KEY): Promise<Response> {
  return fetch(s.url + path, { headers: key === null ? {} : { Authorization: `Bearer ${key}` } });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function json(r: Response | Promise<Response>): Promise<any> {
  return (await r).json();
}

export async function readChunks(r: Response): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  const reader = (r.body as ReadableStream<Uint8Array>).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return out;
    out.push(value);
  }
}

export const chat = (model: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  model,
  messages: [{ role: 'user', content: 'Tell me about the lighthouse keeper' }],
  max_tokens: 5,
  stream: true,
  ...extra,
});

/** The server's tests, under `provider test server › title`, with time for a real server's answers. */
export function describeProviderTestServer(title: string, tests: () => void): void {
  describe('provider test server', function () {
    this.timeout(5000);
    describe(title, tests);
  });
}
