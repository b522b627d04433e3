// A clock of the main thread's own CPU time, for tests that bound how long code holds the event loop.
// Wall-clock stretches also count the time other processes had the CPU (a loaded machine, CI beside
// other jobs), so a bound on them fails for reasons outside the code; CPU time counts only the work.
import * as fs from 'fs';
import type { Scheduler } from '../../src/core/tokens/scheduler';
import { realScheduler } from '../../src/core/tokens/scheduler';

/**
 * Milliseconds of CPU time the calling thread has used. Linux: the thread's own run time from
 * /proc/thread-self/schedstat (nanoseconds; opened on the thread that first calls this — the main thread in
 * mocha). Elsewhere: the process's CPU time, which also counts V8's helper threads.
 */
export const threadCpuMs: () => number = (() => {
  try {
    const fd = fs.openSync('/proc/thread-self/schedstat', 'r');
    const buf = Buffer.alloc(64);
    return () => {
      const n = fs.readSync(fd, buf, 0, buf.length, 0);
      return Number(buf.toString('latin1', 0, n).split(' ')[0]) / 1e6;
    };
  } catch {
    return () => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1000;
    };
  }
})();

/** The real scheduler (setImmediate, timers) on the thread's CPU clock: slices and their figures are work, not waiting. */
export const cpuTimeScheduler: Scheduler = { ...realScheduler, now: threadCpuMs };
