// Cleanup that survives crashes: every live process group is killed when this process exits, and a
// signal runs every registered close() (bounded) before exiting, so no server or browser outlives
// the runner that started it.
import * as os from 'os';
import { withTimeout } from './withTimeout';

/** Process groups led by servers that are still running (a group's pid is its leader's). */
export const liveGroups = new Set<number>();
/** close() of every server and browser still open, run in order on SIGINT/SIGTERM/SIGHUP. */
export const liveCleanups = new Set<() => Promise<void>>();
let exitHooksInstalled = false;

export function installExitHooks(): void {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  const killAll = () => {
    for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
  };
  process.on('exit', killAll);
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      const code = 128 + (os.constants.signals[signal] ?? 1);
      if (stopping) {
        // A second Ctrl+C: no more waiting.
        killAll();
        process.exit(code);
      }
      stopping = true;
      const cleanups = [...liveCleanups].map((close) => close().catch(() => undefined));
      void withTimeout(Promise.all(cleanups), 5000, 'cleanup')
        .catch(() => undefined)
        .finally(() => process.exit(code));
    });
  }
}

export function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}
