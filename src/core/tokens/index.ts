// Token counting: tokenizer families, exact local tokenizers (run in a worker), estimates, the status bar text.
// Nothing here loads a vocabulary: that happens only inside the worker (src/tokenizerWorker.ts).
export * from './types';
export { familyForModel, knownContextLength, resolveContextSize } from './modelFamilies';
export type { ContextSize } from './modelFamilies';
export { estimateTokens } from './estimate';
export { splitChunks, ChunkSplitter } from './chunkSplitter';
export { LruCache, chunkKey, hash53 } from './paragraphCache';
export { TokenCounter } from './tokenCounter';
export type { TokenCounterOptions, CountOptions, LocalCounter, LocalCountOptions, LocalCounts, TokenCounterStats } from './tokenCounter';
export type { ServerCounter, ServerCountAnswer } from './serverCountPolicy';
export { TokenizerWorkerClient } from './workerClient';
export type { WorkerLike, WorkerClientOptions } from './workerClient';
export type { WorkerData, WorkerStats, LoadResult } from './workerProtocol';
export { serverCountRequest, parseServerCount } from './serverCount';
export type { ServerCountRequest } from './serverCount';
export { formatTokenStatus, formatContextShort, formatPercent, formatInt, describeCount } from './format';
export { realScheduler, isAbortError } from './scheduler';
export type { Scheduler } from './scheduler';
