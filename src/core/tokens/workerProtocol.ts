/**
 * Messages between the extension host and the tokenizer worker (`src/tokenizerWorker.ts`), and the worker's
 * request handler — plain functions, so they also run in-process in tests.
 */
import { LoadOptions, LocalTokenizer, loadLocalTokenizer } from './localTokenizers';
import { LocalFamily, isLocalFamily } from './types';

export type WorkerRequest =
  | { id: number; op: 'load'; family: LocalFamily }
  | { id: number; op: 'count'; family: LocalFamily; texts: string[]; atStart?: boolean[] }
  | { id: number; op: 'encode'; family: LocalFamily; text: string; atStart?: boolean }
  | { id: number; op: 'stats' };

export interface LoadResult {
  family: LocalFamily;
  tokenizer: string;
  /** Time this request spent loading (0 if it was already loaded). */
  loadMs: number;
}

export interface WorkerStats {
  loaded: LocalFamily[];
  rss: number;
  heapUsed: number;
  external: number;
}

export type WorkerResponse = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

export interface WorkerData {
  /** Folder holding the data files the build copied (dist/tokenizers). */
  dataDir?: string;
  /** How many tokenizers stay loaded at once (least recently used goes first). Default 2. */
  maxLoaded?: number;
}

export interface WorkerHandlerOptions extends WorkerData {
  /** For tests: replaces the real loader. */
  load?: (family: LocalFamily, opts: LoadOptions) => LocalTokenizer;
  memoryUsage?: () => { rss: number; heapUsed: number; external: number };
}

export function createWorkerHandler(opts: WorkerHandlerOptions = {}): (req: WorkerRequest) => WorkerResponse {
  const loaded = new Map<LocalFamily, LocalTokenizer>();
  const failed = new Map<LocalFamily, string>();
  const maxLoaded = Math.max(1, opts.maxLoaded ?? 2);
  const load = opts.load ?? loadLocalTokenizer;

  const get = (family: LocalFamily): { tok: LocalTokenizer; loadMs: number } => {
    if (!isLocalFamily(family)) throw new Error(`no local tokenizer for ${String(family)}`);
    const have = loaded.get(family);
    if (have) {
      loaded.delete(family);
      loaded.set(family, have);
      return { tok: have, loadMs: 0 };
    }
    const err = failed.get(family);
    if (err) throw new Error(err);
    const t0 = Date.now();
    let tok: LocalTokenizer;
    try {
      tok = load(family, { dataDir: opts.dataDir });
    } catch (e) {
      const msg = `could not load the ${family} tokenizer: ${e instanceof Error ? e.message : String(e)}`;
      failed.set(family, msg);
      throw new Error(msg, { cause: e });
    }
    loaded.set(family, tok);
    while (loaded.size > maxLoaded) loaded.delete(loaded.keys().next().value as LocalFamily);
    return { tok, loadMs: Date.now() - t0 };
  };

  return (req) => {
    try {
      switch (req.op) {
        case 'load': {
          const { tok, loadMs } = get(req.family);
          const result: LoadResult = { family: req.family, tokenizer: tok.name, loadMs };
          return { id: req.id, ok: true, result };
        }
        case 'count': {
          const { tok } = get(req.family);
          const result = req.texts.map((t, i) => tok.count(t, req.atStart?.[i] ?? false));
          return { id: req.id, ok: true, result };
        }
        case 'encode': {
          const { tok } = get(req.family);
          return { id: req.id, ok: true, result: tok.encode(req.text, req.atStart ?? false) };
        }
        case 'stats': {
          const m = (opts.memoryUsage ?? (() => process.memoryUsage()))();
          const result: WorkerStats = { loaded: [...loaded.keys()], rss: m.rss, heapUsed: m.heapUsed, external: m.external };
          return { id: req.id, ok: true, result };
        }
        default:
          return { id: (req as { id: number }).id, ok: false, error: `unknown op ${(req as { op: string }).op}` };
      }
    } catch (e) {
      return { id: req.id, ok: false, error: e instanceof Error ? e.message : String(e) };
    }
  };
}
