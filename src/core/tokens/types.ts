/** Tokenizer families we can count exactly on this machine, plus 'unknown' (estimate only). */
export type TokenizerFamily = 'qwen2' | 'llama3' | 'llama2' | 'mistral-nemo' | 'unknown';
export type LocalFamily = Exclude<TokenizerFamily, 'unknown'>;

export const LOCAL_FAMILIES: readonly LocalFamily[] = ['qwen2', 'llama3', 'llama2', 'mistral-nemo'];

export function isLocalFamily(f: string): f is LocalFamily {
  return (LOCAL_FAMILIES as readonly string[]).includes(f);
}

/** Human names, for the status bar tooltip. */
export const FAMILY_LABELS: Record<TokenizerFamily, string> = {
  qwen2: 'Qwen2 BPE',
  llama3: 'Llama 3 BPE',
  llama2: 'Llama 2 SentencePiece',
  'mistral-nemo': 'Mistral Tekken',
  unknown: 'estimate',
};

export type CountSource = 'server' | 'local' | 'estimate';

export interface TokenCount {
  count: number;
  /** False for estimates, and for server answers from a tokenizer other than the model's. */
  exact: boolean;
  source: CountSource;
  /** What counted: a family label, the server's tokenizer name, or 'estimate'. */
  tokenizer: string;
  /** Context size the server reported with the count (vLLM's max_model_len), if any. */
  contextLength?: number;
}
