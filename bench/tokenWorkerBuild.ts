/** Builds the tokenizer worker the way the extension ships it (esbuild bundle + data files), in a temp folder. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import dataFiles = require('../src/core/tokens/dataFiles.json');

const ROOT = path.resolve(__dirname, '..', '..');

export function buildWorker(): { dir: string; bundleBytes: number; dataBytes: number; zippedBytes: number } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'inkwell-tokbench-'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require(path.join(ROOT, 'node_modules', 'esbuild')) as { buildSync(o: object): unknown };
  esbuild.buildSync({
    entryPoints: [path.join(ROOT, 'src', 'tokenizerWorker.ts')],
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'cjs',
    target: 'node18',
    outfile: path.join(dir, 'tokenizerWorker.js'),
    logLevel: 'error',
  });
  fs.mkdirSync(path.join(dir, 'tokenizers'));
  let dataBytes = 0;
  let zippedBytes = 0;
  for (const f of dataFiles.files) {
    const buf = fs.readFileSync(path.join(ROOT, f.from));
    fs.writeFileSync(path.join(dir, 'tokenizers', f.name), buf);
    dataBytes += buf.length;
    zippedBytes += zlib.deflateRawSync(buf, { level: 9 }).length;
  }
  const bundle = fs.readFileSync(path.join(dir, 'tokenizerWorker.js'));
  zippedBytes += zlib.deflateRawSync(bundle, { level: 9 }).length;
  return { dir, bundleBytes: bundle.length, dataBytes, zippedBytes };
}
