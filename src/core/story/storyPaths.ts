// Where the story folder is, from a setting a repository may write: always a folder inside the
// workspace folder, never a path that climbs out of it (a repository must not be able to send the
// writer's other files to a provider as "lore"). Pure: no vscode.

export const DEFAULT_STORY_FOLDER = 'story';

/** The folder's path segments under the workspace folder, or undefined for a path that is not one. */
export function storyFolderPath(setting: string): string[] | undefined {
  const raw = (setting || DEFAULT_STORY_FOLDER).trim().replace(/\\/g, '/');
  if (raw.startsWith('/') || /^[a-z]:/i.test(raw) || raw.includes('\0') || raw.length > 200) return undefined;
  const segments = raw.split('/').filter((s) => s !== '' && s !== '.');
  if (!segments.length || segments.some((s) => s === '..' || /^\.\.+$/.test(s))) return undefined;
  return segments;
}
