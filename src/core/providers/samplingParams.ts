/** Every sampling parameter Inkwell knows, by its wire name. */
export const SAMPLING_PARAMS = [
  'temperature',
  'top_p',
  'top_k',
  'min_p',
  'top_a',
  'repetition_penalty',
  'frequency_penalty',
  'presence_penalty',
  'seed',
  'stop',
  'max_tokens',
  'min_tokens',
  'n',
] as const;

export type SamplingParam = (typeof SAMPLING_PARAMS)[number];

/** The user's sampling preset: a parameter is sent only when it is set (not undefined/null). */
export type SamplingSettings = {
  [K in SamplingParam]?: K extends 'stop' ? string[] : number;
} & { max_tokens: number };

export function isSamplingParam(name: string): name is SamplingParam {
  return (SAMPLING_PARAMS as readonly string[]).includes(name);
}

/** Numeric limits a provider enforces; values outside are clamped rather than answered with a 400. */
export interface ParamRange {
  min?: number;
  max?: number;
  integer?: boolean;
}
