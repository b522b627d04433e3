// The throwaway profile's User settings: code-server reads them from a file before the workbench
// starts, so the host writes them there rather than through any VS Code API.
import * as fs from 'fs';
import * as path from 'path';

/** Where code-server keeps the settings the workbench shows as "User" (checked against 4.139.1). */
export function userSettingsPath(userDataDir: string): string {
  return path.join(userDataDir, 'User', 'settings.json');
}

/**
 * Defaults that keep a throwaway profile quiet and offline-friendly; the caller's settings win.
 * None of them changes how an extension behaves.
 */
export const QUIET_SETTINGS: Readonly<Record<string, unknown>> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.enableExperiments': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
};

/** The settings file's object: `{}` when there is none, undefined when it is not plain JSON (JSONC). */
export function readUserSettings(userDataDir: string): Record<string, unknown> | undefined {
  const file = userSettingsPath(userDataDir);
  if (!fs.existsSync(file)) return {};
  try {
    const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function writeUserSettings(userDataDir: string, settings: Record<string, unknown>): void {
  const file = userSettingsPath(userDataDir);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(settings, null, 2) + '\n');
}
