// The chat page's two bundles built in memory from src/webview, as esbuild.js builds them: for
// tests that run the real page code (jsdom) and for the bundle-size benchmark.
import * as esbuild from 'esbuild';
import * as path from 'path';

const root = path.resolve(__dirname, '../..');

export interface WebviewBundles {
  /** dist/webview.js: the page script. */
  page: string;
  /** dist/markdown.js: the markdown renderer (marked + DOMPurify). */
  markdown: string;
}

export async function buildWebviewBundles(options: { minify: boolean }): Promise<WebviewBundles> {
  const result = await esbuild.build({
    entryPoints: { webview: path.join(root, 'src/webview/main.ts'), markdown: path.join(root, 'src/webview/markdown.ts') },
    bundle: true,
    minify: options.minify,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    write: false,
    outdir: path.join(root, 'out', 'webview-in-memory'),
    logLevel: 'silent',
  });
  const text = (name: string) => {
    const file = result.outputFiles.find((f) => path.basename(f.path) === name);
    if (!file) throw new Error(`no ${name} in the build output`);
    return file.text;
  };
  return { page: text('webview.js'), markdown: text('markdown.js') };
}
