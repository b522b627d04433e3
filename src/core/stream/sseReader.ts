// Server-sent events from raw bytes, as every provider in docs/providers.md writes them.
//
// Parsing is eventsource-parser's; this file adds what it leaves to the caller:
// - bytes → text with one streaming TextDecoder, so a UTF-8 character split across network
//   chunks comes out whole, and a leading BOM (even split) is dropped;
// - llama.cpp's `error:` FIELD line. eventsource-parser reports unknown fields through onError as
//   a ParseError {type:'unknown-field', field, value}; we turn field "error" into an event
//   {event:'error', data:value}, emitted when its line ends (the same place in any chunking).
//   A stand-alone pre-scan of lines would have to re-implement CR/LF/CRLF splitting; this reuses
//   the parser's own line handling instead.
// - a last event without a blank line after it (KoboldCpp's `data: [DONE]` with no newline).
//   In eventsource-parser 3.1.1 `reset({consume:true})` parses the pending line but then drops
//   the event it completes, so at end of input we feed "\n\n" instead, which dispatches it
//   (and a pending lone CR becomes a CRLF, as it would have).

import { createParser, type EventSourceParser, type ParseError } from 'eventsource-parser';

export interface SseEvent {
  /** `event:` field; 'error' for llama.cpp's `error:` field line. */
  event?: string;
  data: string;
  id?: string;
}

export interface SseReaderOptions {
  /** Called for every non-empty chunk of bytes, comments and keep-alives included. */
  onActivity?: () => void;
  onComment?: (comment: string) => void;
  /** `retry:` field (a reconnection hint; we do not reconnect, but may log it). */
  onRetry?: (ms: number) => void;
  /** Fields other than data/event/id/retry/error, e.g. for logging. */
  onUnknownField?: (field: string, value: string) => void;
  /** Buffered characters before giving up (default 16 MiB). */
  maxBufferChars?: number;
}

export class SseBufferOverflow extends Error {
  constructor(limit: number) {
    super(`An event from the provider was larger than ${limit} characters`);
    this.name = 'SseBufferOverflow';
  }
}

const DEFAULT_MAX_BUFFER = 16 * 1024 * 1024;

/**
 * Push-style reader: feed bytes, get the events completed by them. Same events for the same bytes
 * in any chunking.
 */
export class SseDecoder {
  private readonly decoder = new TextDecoder('utf-8');
  private readonly parser: EventSourceParser;
  private pending: SseEvent[] = [];
  private overflow: SseBufferOverflow | undefined;
  private ended = false;

  constructor(private readonly options: SseReaderOptions = {}) {
    const limit = options.maxBufferChars ?? DEFAULT_MAX_BUFFER;
    this.parser = createParser({
      maxBufferSize: limit,
      onEvent: (e) => {
        const ev: SseEvent = { data: e.data };
        if (e.event !== undefined) ev.event = e.event;
        if (e.id !== undefined) ev.id = e.id;
        this.pending.push(ev);
      },
      onComment: (c) => options.onComment?.(c),
      onRetry: (ms) => options.onRetry?.(ms),
      onError: (err: ParseError) => {
        if (err.type === 'max-buffer-size-exceeded') this.overflow = new SseBufferOverflow(limit);
        else if (err.type === 'unknown-field' && err.field === 'error') {
          this.pending.push({ event: 'error', data: err.value ?? '' });
        } else if (err.type === 'unknown-field' && err.field !== undefined) {
          options.onUnknownField?.(err.field, err.value ?? '');
        }
        // invalid-retry: ignored, as browsers do.
      },
    });
  }

  /** Feeds bytes; returns the events they complete. Throws SseBufferOverflow on a runaway event. */
  push(bytes: Uint8Array): SseEvent[] {
    if (this.ended) throw new Error('SseDecoder: push after end');
    if (bytes.length > 0) this.options.onActivity?.();
    const text = this.decoder.decode(bytes, { stream: true });
    if (text) this.feed(text);
    return this.take();
  }

  /** End of input: flushes a trailing partial character and a last event without a blank line. */
  end(): SseEvent[] {
    if (this.ended) return [];
    this.ended = true;
    const rest = this.decoder.decode();
    if (rest) this.feed(rest);
    this.feed('\n\n');
    return this.take();
  }

  private feed(text: string): void {
    if (this.overflow) throw this.overflow;
    this.parser.feed(text);
    if (this.overflow) throw this.overflow;
  }

  private take(): SseEvent[] {
    const out = this.pending;
    this.pending = [];
    return out;
  }
}
