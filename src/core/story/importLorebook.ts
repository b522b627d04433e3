// One entry point for "import a lorebook": NovelAI's files say so with `lorebookVersion`; anything else is read
// as SillyTavern world info, whose `entries` object is the de-facto exchange format. Pure: no vscode.

import { isRecord } from '../json';
import type { LorebookImport } from './lorebookInput';
import { importNovelAi } from './novelAiLorebook';
import { importSillyTavern } from './sillyTavernWorldInfo';

export type LorebookFormat = 'novelAi' | 'sillyTavern';

export function lorebookFormat(json: unknown): LorebookFormat {
  return isRecord(json) && Object.prototype.hasOwnProperty.call(json, 'lorebookVersion') ? 'novelAi' : 'sillyTavern';
}

/** Reads either format (already parsed from JSON). Never throws. */
export function importLorebook(json: unknown): LorebookImport & { format: LorebookFormat } {
  const format = lorebookFormat(json);
  return { format, ...(format === 'novelAi' ? importNovelAi(json) : importSillyTavern(json)) };
}
