// The extension host thread's CPU time, for the host benchmarks' figures of work that holds the event loop.
import * as fs from 'fs';

/** This thread's CPU time so far (ns), from Linux's schedstat; undefined elsewhere. */
export function threadCpuNs(): number | undefined {
  try {
    return Number(fs.readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]);
  } catch {
    return undefined;
  }
}

/** The thread's CPU over a window, and the most of it spent between two turns of the loop (a 1 ms timer). */
export function cpuWatch() {
  const first = threadCpuNs();
  let last = first;
  let longest = 0;
  const tick = setInterval(() => {
    const cpu = threadCpuNs();
    if (cpu !== undefined && last !== undefined) longest = Math.max(longest, (cpu - last) / 1e6);
    last = cpu;
  }, 1);
  const read = (): { cpuMs?: number; longestCpuBlockMs?: number } => {
    const now = threadCpuNs();
    return first === undefined || now === undefined ? {} : { cpuMs: (now - first) / 1e6, longestCpuBlockMs: longest };
  };
  return {
    read,
    stop: () => {
      clearInterval(tick);
      return read();
    },
  };
}
