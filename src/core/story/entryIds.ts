// Lore entry ids are file names (the entry lives in `<id>.md`), and imported lorebooks choose them from text
// a stranger wrote. So an id is a lowercase slug of letters, digits, `-` and `_`: no path separator, no dot
// (so no `..` and no extension games), no Windows device name, never `__proto__`, and short enough that
// `<id>.md` fits every file system's 255-byte limit. Pure: no vscode.

/** At most this many code points in an id, dedupe suffix included (64 × 4 bytes + `.md` < 260 bytes). */
export const ENTRY_ID_MAX_CHARS = 64;
/** The part taken from the text, leaving room for a `-N` dedupe suffix. */
const BASE_MAX_CHARS = 56;
const FALLBACK_ID = 'entry';

/** CON, PRN, AUX, NUL, COM0-9, LPT0-9 (and the superscript digits Windows also reserves), whatever the case. */
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$/i;
const SAFE_ID = /^[\p{L}\p{N}_][\p{L}\p{M}\p{N}_-]*$/u;

/** A file-name-safe id from a name or key; the same text always gives the same id. */
export function entryIdFrom(text: string): string {
  const slug = text
    .normalize('NFKC')
    .toLowerCase()
    // A combining mark stays only on a letter or digit; alone it would start a name with an invisible character.
    .replace(/(?<![\p{L}\p{N}\p{M}])\p{M}+/gu, '')
    .replace(/[^\p{L}\p{M}\p{N}_]+/gu, '-');
  const id = trimEdges(cutCodePoints(trimEdges(slug), BASE_MAX_CHARS));
  if (id === '') return FALLBACK_ID;
  return WINDOWS_DEVICE.test(id) ? `${id}-${FALLBACK_ID}` : id;
}

/** Whether `id` can be used as a file name as it is (what a parser checks before trusting a name it did not make). */
export function isSafeEntryId(id: string): boolean {
  return (
    SAFE_ID.test(id) &&
    Array.from(id).length <= ENTRY_ID_MAX_CHARS &&
    !WINDOWS_DEVICE.test(id) &&
    !/^_+proto_+$/i.test(id)
  );
}

/**
 * Hands out unique ids for one folder: the first `dragon`, then `dragon-2`, `dragon-3`… Case-insensitive, since
 * macOS and Windows folders are. `taken` holds the ids already in the folder. Linear in the ids handed out,
 * even when thousands share one name.
 */
export function entryIdAllocator(taken: Iterable<string> = []): (text: string) => string {
  const used = new Set(Array.from(taken, (id) => id.toLowerCase()));
  const nextSuffix = new Map<string, number>();
  return (text) => {
    const base = entryIdFrom(text);
    let n = nextSuffix.get(base) ?? 1;
    let id = base;
    // A `-N` suffix cannot make a device name or a leading separator, so only collisions need a retry.
    while (used.has(id)) {
      n += 1;
      const suffix = `-${n}`;
      id = trimEdges(cutCodePoints(base, ENTRY_ID_MAX_CHARS - suffix.length)) + suffix;
    }
    nextSuffix.set(base, n);
    used.add(id);
    return id;
  };
}

function trimEdges(slug: string): string {
  return slug.replace(/^[-_]+|[-_]+$/g, '');
}

/** The first `max` code points, never half of a surrogate pair. */
function cutCodePoints(text: string, max: number): string {
  const points = Array.from(text);
  return points.length <= max ? text : points.slice(0, max).join('');
}
