// The context view's benchmark ("What the model sees", README figures): the longest block of the
// extension host's event loop while the view updates as the writer types in a 150,000-word manuscript
// with 1,000 lore entries of three keys each. The goal is one frame (16 ms).
//
//   npm run compile-tests && flock /tmp/inkwell-host.lock node out/bench/contextView.js
//
// It builds the production bundle first (writers' code); with INKWELL_BENCH_PROFILE, the development
// bundle instead, and copies its source map beside the profile (<profile>.map) to read the profile with.
// The provider test server runs in a process of its own; bench/host/contextViewHost.ts runs in the
// extension host (code-server + headless Chromium, or a desktop VS Code named by INKWELL_VSCODE_EXECUTABLE).
// INKWELL_BENCH_BURSTS (default 12) sets how many bursts of typing. The manuscript is plain text: VS Code's
// own Markdown extension parses a whole .md file on every keystroke in the same host (hundreds of ms at
// 150k words), which would hide Inkwell's figure; INKWELL_BENCH_MARKDOWN=1 makes it manuscript.md instead.
// INKWELL_BENCH_PROFILE=/abs/file.cpuprofile writes a CPU profile of the extension host over the typing.
import * as os from 'os';
import type { ContextViewFigures } from './host/contextViewHost';
import { median } from './median';
import { buildForBench, runInHost, runMain, startBenchServer, stopBenchServer } from './benchSetup';

const KEY = 'bench-key';
const ms = (value: number) => `${value < 10 ? value.toFixed(1) : value.toFixed(0)} ms`;

async function main(): Promise<void> {
  buildForBench();
  const { url, server } = await startBenchServer(KEY);
  try {
    const f = await runInHost<ContextViewFigures>('contextViewHost.js', { url, key: KEY }, {
      INKWELL_BENCH_BURSTS: process.env.INKWELL_BENCH_BURSTS,
      INKWELL_BENCH_PROFILE: process.env.INKWELL_BENCH_PROFILE,
      INKWELL_BENCH_MARKDOWN: process.env.INKWELL_BENCH_MARKDOWN ? '1' : undefined,
    });
    console.log(`\nbench: ${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}, VS Code ${f.vscodeVersion}\n`);
    console.log(
      `Context view, ${f.words.toLocaleString('en-US')}-word manuscript (${f.manuscriptChars.toLocaleString('en-US')} characters, ${f.languageId}), ${f.entries.toLocaleString('en-US')} lore entries of three keys: ` +
        (f.typingCpuBlockMs === undefined
          ? ''
          : `the most work the extension host did between two turns of its event loop while the view updates ${ms(f.typingCpuBlockMs)} of its thread's CPU ` +
            `(the same typing without the view: ${ms(f.withoutViewCpuBlockMs ?? 0)}; idle: ${ms(f.idleCpuBlockMs ?? 0)}); `) +
        `the longest wall-clock gap between turns ${ms(f.typingBlockMs)} (without the view ${ms(f.withoutViewBlockMs)}, idle ${ms(f.idleBlockMs)}: the machine's load; event-loop delay p99 ${ms(f.typingP99Ms)}); ` +
        `${f.updates} updates while typing, each ${ms(median(f.updateMs))} after the last keystroke (median; the 300 ms pause included); ` +
        `the page content for ${f.loreIn} entries in, a ${f.promptTokens.toLocaleString('en-US')}-token prompt of a ${f.contextSize.toLocaleString('en-US')}-token context: ` +
        `${ms(median(f.fragmentMs))} (${Math.round(f.fragmentChars / 1024)} KB)`,
    );
  } finally {
    stopBenchServer(server);
  }
}

runMain(main);
