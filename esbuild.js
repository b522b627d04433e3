// The bundles: the extension (Node, CommonJS, `vscode` external), the `yaml` parser it loads on first
// use, the tokenizer worker (Node) and the chat webview (browser).
// Type checking is separate (`npm run typecheck`); esbuild only strips types.
const esbuild = require('esbuild');
const fs = require('fs');
const path = require('path');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Prints errors in the shape VS Code's esbuild problem matcher reads. */
const problemMatcher = {
  name: 'problem-matcher',
  setup(build) {
    build.onStart(() => console.log('[watch] build started'));
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      console.log('[watch] build finished');
    });
  },
};

const common = {
  bundle: true,
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'warning',
  plugins: watch ? [problemMatcher] : [],
};

/**
 * The `yaml` package (a third of the extension's code) is its own bundle, dist/yaml.js, required the
 * first time a lore file is read (src/core/story/loreFile.ts), so activation does not load it.
 */
const yamlApart = {
  name: 'yaml-apart',
  setup(build) {
    build.onResolve({ filter: /^yaml$/ }, () => ({ path: './yaml.js', external: true }));
  },
};

const targets = [
  {
    ...common,
    entryPoints: { extension: 'src/extension.ts' },
    outdir: 'dist',
    format: 'cjs',
    platform: 'node',
    target: 'node18',
    external: ['vscode'],
    plugins: [...common.plugins, yamlApart],
  },
  {
    ...common,
    entryPoints: { yaml: require.resolve('yaml') },
    outdir: 'dist',
    format: 'cjs',
    platform: 'node',
    target: 'node18',
  },
  {
    // Tokenizers run in a worker thread, so loading a vocabulary never blocks the extension host.
    ...common,
    entryPoints: { tokenizerWorker: 'src/tokenizerWorker.ts' },
    outdir: 'dist',
    format: 'cjs',
    platform: 'node',
    target: 'node18',
  },
  {
    // The chat page: its script and the markdown renderer, a bundle of its own so that a page with
    // nothing to format paints before that is parsed. Both are inlined into the page's HTML, so they
    // are minified in every build (source maps keep them readable): what is measured is what ships.
    ...common,
    minify: true,
    entryPoints: { webview: 'src/webview/main.ts', markdown: 'src/webview/markdown.ts' },
    outdir: 'dist',
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
  },
];

/** The webview's icons: codicons' stylesheet and font, served from dist/codicons (localResourceRoots). */
function copyCodicons() {
  const from = path.join(__dirname, 'node_modules', '@vscode', 'codicons', 'dist');
  const to = path.join(__dirname, 'dist', 'codicons');
  if (!fs.existsSync(from)) return;
  fs.mkdirSync(to, { recursive: true });
  for (const file of ['codicon.css', 'codicon.ttf']) fs.copyFileSync(path.join(from, file), path.join(to, file));
}

/** Tokenizer vocabularies the worker reads at run time (the .vsix ships no node_modules). */
function copyTokenizerData() {
  const { files } = require('./src/core/tokens/dataFiles.json');
  const to = path.join(__dirname, 'dist', 'tokenizers');
  fs.mkdirSync(to, { recursive: true });
  for (const file of files) fs.copyFileSync(path.join(__dirname, file.from), path.join(to, file.name));
}

async function main() {
  copyCodicons();
  copyTokenizerData();
  const contexts = await Promise.all(targets.map((t) => esbuild.context(t)));
  if (watch) {
    await Promise.all(contexts.map((c) => c.watch()));
    return;
  }
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
