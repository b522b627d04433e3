// esbuild turns the entry's CSS imports into dist/webview.css.
declare module '*.css';
