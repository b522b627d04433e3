// Two bundles: the extension (Node, CommonJS, `vscode` external) and the chat webview (browser).
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

const targets = [
  {
    ...common,
    entryPoints: { extension: 'src/extension.ts' },
    outdir: 'dist',
    format: 'cjs',
    platform: 'node',
    target: 'node18',
    external: ['vscode'],
  },
];
if (fs.existsSync(path.join(__dirname, 'src/webview/main.ts'))) {
  targets.push({
    ...common,
    entryPoints: { webview: 'src/webview/main.ts' },
    outdir: 'dist',
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
  });
}
if (fs.existsSync(path.join(__dirname, 'src/tokenizerWorker.ts'))) {
  targets.push({
    ...common,
    entryPoints: { tokenizerWorker: 'src/tokenizerWorker.ts' },
    outdir: 'dist',
    format: 'cjs',
    platform: 'node',
    target: 'node18',
  });
}

async function main() {
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
