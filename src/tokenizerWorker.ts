// Tokenizer worker entry (worker_threads). Bundled by esbuild to dist/tokenizerWorker.js; no `vscode` here.
// Loads tokenizers on first use and answers count/encode requests (counts in steps, so they can be cancelled);
// see src/core/tokens/workerProtocol.ts.
import { parentPort, workerData } from 'worker_threads';
import { WorkerData, WorkerRequest, createWorkerHandler } from './core/tokens/workerProtocol';

const port = parentPort;
if (!port) throw new Error('tokenizerWorker must run as a worker thread');

const data = (workerData ?? {}) as WorkerData;
const handle = createWorkerHandler({ dataDir: data.dataDir, maxLoaded: data.maxLoaded });

port.on('message', (req: WorkerRequest) => {
  handle(req, (res) => port.postMessage(res));
});
