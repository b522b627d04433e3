// Main-thread slices of a count: work runs until `sliceMs` is spent, then yields to the event loop
// (typing, rendering, other extensions) and checks for an abort before going on.

import { Scheduler, throwIfAborted } from './scheduler';

export class SliceClock {
  private sliceStart: number;

  constructor(
    private readonly sched: Scheduler,
    private readonly sliceMs: number,
    /** Where the figures go: the longest stretch between yields, and how many yields. */
    private readonly stats: { yields: number; longestSliceMs: number },
    private readonly signal: AbortSignal | undefined,
  ) {
    this.sliceStart = sched.now();
  }

  async maybeYield(): Promise<void> {
    const now = this.sched.now();
    const spent = now - this.sliceStart;
    if (spent >= this.sliceMs) {
      if (spent > this.stats.longestSliceMs) this.stats.longestSliceMs = spent;
      this.stats.yields++;
      await this.sched.yieldNow();
      throwIfAborted(this.signal);
      this.sliceStart = this.sched.now();
    }
  }

  /** Time spent waiting (for the worker) is not main-thread work: the slice starts again here. */
  restart(): void {
    this.sliceStart = this.sched.now();
  }

  endSlice(): void {
    const spent = this.sched.now() - this.sliceStart;
    if (spent > this.stats.longestSliceMs) this.stats.longestSliceMs = spent;
  }
}
