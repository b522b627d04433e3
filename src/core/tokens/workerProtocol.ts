/**
 * Messages between the extension host and the tokenizer worker (`src/tokenizerWorker.ts`), and the worker's
 * request handler — plain functions, so they also run in-process in tests.
 *
 * Counts run one at a time, in steps: every `sliceMs` of work the handler pauses (lets the worker's event loop
 * deliver messages) and drops the count if it was cancelled meanwhile — by a `cancel` message (its caller gave
 * up) or by a newer count with the same `supersede` key (the document changed again).
 */
import { LoadOptions, LocalTokenizer, loadLocalTokenizer } from './localTokenizers';
import { LocalFamily, isLocalFamily } from './types';

export type WorkerRequest =
  | { id: number; op: 'load'; family: LocalFamily }
  | { id: number; op: 'count'; family: LocalFamily; texts: string[]; atStart?: boolean[]; supersede?: string }
  | { id: number; op: 'encode'; family: LocalFamily; text: string; atStart?: boolean }
  | { id: number; op: 'stats' }
  /** Drops count `target` (no answer of its own; the count answers `aborted`). */
  | { id: number; op: 'cancel'; target: number };

export interface LoadResult {
  family: LocalFamily;
  tokenizer: string;
  /** Time this request spent loading (0 if it was already loaded). */
  loadMs: number;
}

export interface CountResult {
  counts: number[];
  /** Per text: cuts the tokenizer had to force (0 = exact). */
  forcedCuts: number[];
}

export interface WorkerStats {
  loaded: LocalFamily[];
  rss: number;
  heapUsed: number;
  external: number;
}

export type WorkerResponse = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string; aborted?: true };

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
  /** Work between two pauses of a count. Default 20 ms. */
  sliceMs?: number;
  now?: () => number;
  /** Lets queued messages in. Default: the next turn of the event loop (setImmediate). */
  pause?: () => Promise<void>;
}

interface CountJob {
  req: Extract<WorkerRequest, { op: 'count' }>;
  reply: (res: WorkerResponse) => void;
  dropped?: string;
}

export type WorkerHandler = (req: WorkerRequest, reply: (res: WorkerResponse) => void) => void;

export function createWorkerHandler(opts: WorkerHandlerOptions = {}): WorkerHandler {
  const loaded = new Map<LocalFamily, LocalTokenizer>();
  const failed = new Map<LocalFamily, string>();
  const maxLoaded = Math.max(1, opts.maxLoaded ?? 2);
  const load = opts.load ?? loadLocalTokenizer;
  const sliceMs = opts.sliceMs ?? 20;
  const now = opts.now ?? (() => performance.now());
  const pause = opts.pause ?? (() => new Promise<void>((resolve) => setImmediate(resolve)));
  const queue: CountJob[] = [];
  let running: CountJob | undefined;

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

  const drop = (job: CountJob, why: string) => {
    if (job.dropped) return;
    job.dropped = why;
    const i = queue.indexOf(job);
    if (i >= 0) {
      queue.splice(i, 1);
      job.reply({ id: job.req.id, ok: false, error: why, aborted: true });
    }
    // The running job notices at its next pause and answers then.
  };

  const runCount = async (job: CountJob): Promise<void> => {
    const { req, reply } = job;
    try {
      const { tok } = get(req.family);
      const result: CountResult = { counts: [], forcedCuts: [] };
      let sliceStart = now();
      for (let i = 0; i < req.texts.length; i++) {
        const steps = tok.countSteps(req.texts[i], req.atStart?.[i] ?? false);
        for (let r = steps.next(); ; r = steps.next()) {
          if (now() - sliceStart >= sliceMs) {
            await pause();
            if (job.dropped) return reply({ id: req.id, ok: false, error: job.dropped, aborted: true });
            sliceStart = now();
          }
          if (r.done) {
            result.counts.push(r.value.tokens);
            result.forcedCuts.push(r.value.forcedCuts);
            break;
          }
        }
      }
      reply({ id: req.id, ok: true, result });
    } catch (e) {
      reply({ id: req.id, ok: false, error: e instanceof Error ? e.message : String(e) });
    }
  };

  const pump = async (): Promise<void> => {
    if (running) return;
    for (let job = queue.shift(); job; job = queue.shift()) {
      running = job;
      await runCount(job);
    }
    running = undefined;
  };

  const answerNow = (req: Exclude<WorkerRequest, { op: 'count' | 'cancel' }>): WorkerResponse => {
    try {
      switch (req.op) {
        case 'load': {
          const { tok, loadMs } = get(req.family);
          const result: LoadResult = { family: req.family, tokenizer: tok.name, loadMs };
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

  return (req, reply) => {
    if (req.op === 'cancel') {
      for (const job of running ? [running, ...queue] : [...queue]) if (job.req.id === req.target) drop(job, 'cancelled');
      return;
    }
    if (req.op !== 'count') {
      reply(answerNow(req));
      return;
    }
    if (req.supersede !== undefined) {
      for (const job of running ? [running, ...queue] : [...queue]) {
        if (job.req.supersede === req.supersede) drop(job, 'superseded by a newer count');
      }
    }
    queue.push({ req, reply });
    void pump();
  };
}
