// The URL that opens the workbench on a started server, carrying the development payload (the
// extension to load, the test module to run, their environment) as `vscode-remote://` URIs.
import * as path from 'path';
import type { CodeServer } from './codeServerProcess';

export interface DevelopmentPayload {
  /** Absolute paths on this machine; turned into `vscode-remote://` URIs. */
  extensionDevelopmentPath: string | string[];
  /** Absolute path of the compiled test module (its `run()` is called); omit to just load the extension. */
  extensionTestsPath?: string;
  /** Environment for the extension host. */
  extensionEnvironment?: Record<string, string>;
}

export interface WorkbenchTarget extends Partial<DevelopmentPayload> {
  /** Folder to open. */
  folder?: string;
  /** A `.code-workspace` file to open instead of a folder. */
  workspaceFile?: string;
}

function remoteUri(server: Pick<CodeServer, 'port'>, absolutePath: string): string {
  const posix = path.resolve(absolutePath).split(path.sep).join('/');
  return `vscode-remote://127.0.0.1:${server.port}${encodeURI(posix)}`;
}

/** The workbench URL with the development payload; this is also what a person pastes into a browser. */
export function workbenchUrl(server: Pick<CodeServer, 'port' | 'origin'>, target: WorkbenchTarget): string {
  const payload: [string, string][] = [];
  const devPaths = target.extensionDevelopmentPath;
  for (const devPath of Array.isArray(devPaths) ? devPaths : devPaths ? [devPaths] : []) {
    payload.push(['extensionDevelopmentPath', remoteUri(server, devPath)]);
  }
  if (target.extensionTestsPath) payload.push(['extensionTestsPath', remoteUri(server, target.extensionTestsPath)]);
  if (target.extensionEnvironment && Object.keys(target.extensionEnvironment).length > 0) {
    payload.push(['extensionEnvironment', JSON.stringify(target.extensionEnvironment)]);
  }
  const query: string[] = [];
  if (target.workspaceFile) query.push(`workspace=${encodeURIComponent(path.resolve(target.workspaceFile))}`);
  else if (target.folder) query.push(`folder=${encodeURIComponent(path.resolve(target.folder))}`);
  else query.push('ew=true'); // an empty window
  if (payload.length > 0) query.push(`payload=${encodeURIComponent(JSON.stringify(payload))}`);
  return `${server.origin}/?${query.join('&')}`;
}
