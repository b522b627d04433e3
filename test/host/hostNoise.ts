/**
 * What the workbench itself logs on every run, through the same `codeAutomationLog` channel as the
 * extension host's console: connection chatter, built-in chat/agent features, failed look-ups of
 * marketplace and telemetry hosts (see vscode-host.md). Set INKWELL_HOST_VERBOSE=1 to see it anyway.
 */
const NOISE = [
  /^\[(AgentHost|AgentHost:remote|ChatModelSelection|AccountPolicyGate|Service Worker|reconnection-grace-time)\]/,
  /^(Resolving|Resolved) connection token/,
  /^Creating a socket \(renderer-/,
  /^Updating additional builtin extensions cache/,
  /^Timed out waiting for authentication provider 'github' to register/,
  /vsda/,
  /ENOTFOUND (open-vsx\.org|[\w.-]*visualstudio\.com|[\w.-]*github\.com|[\w.-]*vscode-cdn\.net)/,
];

export function isHostNoise(text: string): boolean {
  return NOISE.some((pattern) => pattern.test(text));
}
