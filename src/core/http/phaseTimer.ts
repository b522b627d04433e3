// One timer per phase of an exchange (docs/security.md, item 18): connecting, waiting for the first
// byte, then silence between body bytes. Entering a phase replaces the previous phase's timer.

import { ProviderError } from '../errors/providerError';
import type { Timeouts } from './providerClient';

export const DEFAULT_TIMEOUTS: Timeouts = { connectMs: 15_000, firstByteMs: 180_000, idleMs: 60_000 };

export type Phase = 'connect' | 'first-byte' | 'idle';

export class PhaseTimer {
  private timer: NodeJS.Timeout | undefined;
  private phase: Phase | undefined;
  private stopped = false;

  constructor(
    private readonly timeouts: Timeouts,
    private readonly onTimeout: (error: ProviderError) => void,
  ) {}

  enter(phase: Phase): void {
    if (this.timer && phase === this.phase && !this.stopped) {
      this.timer.refresh(); // idle: every chunk restarts the same timer
      return;
    }
    this.clear();
    this.phase = phase;
    if (this.stopped) return;
    const ms = phase === 'connect' ? this.timeouts.connectMs : phase === 'first-byte' ? this.timeouts.firstByteMs : this.timeouts.idleMs;
    if (ms > 0 && Number.isFinite(ms)) this.timer = setTimeout(() => this.onTimeout(timeoutError(phase, ms)), ms);
  }

  /** The connection is no longer needed: no phase times out any more. */
  stop(): void {
    this.stopped = true;
    this.clear();
    this.phase = undefined;
  }

  private clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

function timeoutError(phase: Phase, ms: number): ProviderError {
  const what =
    phase === 'connect'
      ? `Could not connect within ${ms} ms`
      : phase === 'first-byte'
        ? `No answer within ${ms} ms (not retried, which would mean waiting as long again)`
        : `No data for ${ms} ms`;
  return new ProviderError({
    kind: 'timeout',
    message: `${what}.`,
    providerMessage: `${phase} timeout`,
    // A server that took the request but did not answer in time would most likely make the writer
    // wait the whole first-byte timeout again: only a failed connection is retried.
    retryable: phase === 'connect',
  });
}
