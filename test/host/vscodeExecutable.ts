// What @vscode/test-electron's runTests starts as "VS Code": a desktop VS Code when
// INKWELL_VSCODE_EXECUTABLE names one; otherwise (always, on machines without internet)
// test/host/code-server-launcher stands in for it. Used by the integration tests and `npm run bench`.
import * as fs from 'fs';
import * as path from 'path';

export function vscodeExecutable(): string {
  const fromEnv = process.env.INKWELL_VSCODE_EXECUTABLE;
  if (fromEnv) return fromEnv;
  const compiled = path.join(__dirname, 'code-server-launcher.js');
  // tsc does not keep the executable bit, and runTests spawns the file directly.
  fs.chmodSync(compiled, 0o755);
  return compiled;
}
