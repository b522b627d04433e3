// The alternatives of the last generations, as workspace storage keeps them between sessions: bounded,
// and checked when read (storage is outside Inkwell's control and may hold anything).

export interface KeptSpot {
  uri: string;
  start: number;
  end: number;
  original: string;
  texts: string[];
  shown: number;
}

export const KEPT_LIMITS = { spots: 20, alternatives: 8, chars: 64_000 } as const;

/** What to store: the most recent spots first, each cut to the bounds (a spot too big is not kept). */
export function keepSpots(spots: readonly KeptSpot[]): KeptSpot[] {
  return spots
    .filter((s) => s.texts.length <= KEPT_LIMITS.alternatives && s.original.length <= KEPT_LIMITS.chars && s.texts.every((t) => t.length <= KEPT_LIMITS.chars))
    .slice(0, KEPT_LIMITS.spots);
}

function isSpot(v: unknown): v is KeptSpot {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as Record<string, unknown>;
  const int = (x: unknown) => typeof x === 'number' && Number.isInteger(x) && x >= 0;
  return (
    typeof s.uri === 'string' &&
    int(s.start) &&
    int(s.end) &&
    (s.end as number) >= (s.start as number) &&
    typeof s.original === 'string' &&
    Array.isArray(s.texts) &&
    s.texts.length > 0 &&
    s.texts.every((t) => typeof t === 'string') &&
    int(s.shown) &&
    (s.shown as number) < s.texts.length
  );
}

/** The spots in what storage returned; anything malformed is dropped. */
export function readKeptSpots(stored: unknown): KeptSpot[] {
  return Array.isArray(stored) ? keepSpots(stored.filter(isSpot)) : [];
}
