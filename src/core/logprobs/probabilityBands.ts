// How sure the model was of a token, in the few bands the editor tints, and probabilities as the
// writer reads them. Pure: no vscode.

/** The bands the editor tints; `sure` (80% and over) is left untinted so that the unsure stand out. */
export const BANDS = ['low', 'middle', 'high'] as const;
export type Band = (typeof BANDS)[number] | 'sure';

/** Lower bounds of the bands, as probabilities: under 10% low, under 40% middle, under 80% high. */
const BOUNDS: [number, Band][] = [
  [0.1, 'low'],
  [0.4, 'middle'],
  [0.8, 'high'],
];

/**
 * The tint's underline (its colour is transparent outside high-contrast themes). Two pixels: in high
 * contrast the cursor line's own 1px border would hide one.
 */
export const TINT_UNDERLINE_WIDTH = '2px';

export function bandOf(logprob: number): Band {
  const p = Math.exp(logprob);
  if (!(p >= 0)) return 'low'; // NaN: nothing is known of it
  for (const [bound, band] of BOUNDS) if (p < bound) return band;
  return 'sure';
}

/** "62.1%", "5%", "0.4%", "<0.1%", "100%": enough digits to tell close alternatives apart. */
export function percent(p: number): string {
  if (!(p > 0)) return '0%';
  const pc = p * 100;
  if (pc < 0.1) return '<0.1%';
  if (pc >= 99.95) return pc >= 100 ? '100%' : '>99.9%';
  return `${pc.toFixed(1).replace(/\.0$/, '')}%`;
}

export const probability = (logprob: number): number => (Number.isFinite(logprob) ? Math.min(1, Math.exp(logprob)) : 0);
