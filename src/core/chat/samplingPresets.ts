// Sampling presets the chat panel offers. "From settings" sends inkwell.sampling.* as set; the
// others replace the sampler values (temperature, min_p, …) and keep max_tokens and stop.

import type { SamplingSettings } from '../providers/samplingParams';
import type { PresetChoice } from '../protocol/chatProtocol';

export interface SamplingPreset extends PresetChoice {
  values: Partial<Omit<SamplingSettings, 'max_tokens' | 'stop'>>;
}

export const SETTINGS_PRESET_ID = 'settings';

export const SAMPLING_PRESETS: readonly SamplingPreset[] = [
  { id: SETTINGS_PRESET_ID, label: 'From settings', description: 'inkwell.sampling.* as you set them', values: {} },
  { id: 'focused', label: 'Focused', description: 'temperature 0.7, min_p 0.1', values: { temperature: 0.7, min_p: 0.1 } },
  { id: 'balanced', label: 'Balanced', description: 'temperature 1.0, min_p 0.05', values: { temperature: 1.0, min_p: 0.05 } },
  {
    id: 'creative',
    label: 'Creative',
    description: 'temperature 1.25, min_p 0.05, repetition_penalty 1.05',
    values: { temperature: 1.25, min_p: 0.05, repetition_penalty: 1.05 },
  },
];

export function findPreset(id: string | undefined): SamplingPreset {
  return SAMPLING_PRESETS.find((p) => p.id === id) ?? SAMPLING_PRESETS[0];
}

/** The settings' sampling with a preset applied. */
export function applyPreset(base: SamplingSettings, preset: SamplingPreset): SamplingSettings {
  if (preset.id === SETTINGS_PRESET_ID) return { ...base };
  const out: SamplingSettings = { max_tokens: base.max_tokens };
  if (base.stop) out.stop = base.stop;
  if (base.seed !== undefined) out.seed = base.seed;
  return { ...out, ...preset.values };
}
