// When the page started, painted and finished building, for bench/chatPanel.ts and
// test/e2e/chatPanel.ts, which read them inside the page's frame (performance.getEntriesByName).
// User Timing entries rather than attributes on <body>: recording a time does not change the DOM
// being timed, and the entries carry their own timestamps. Those readers import the names from
// here, in Node, so this file imports nothing and touches no DOM.

export const TIMING = {
  /** Mark: the page's script began (after its imports were evaluated). */
  scriptStart: 'inkwell:script-start',
  /** Mark: the first frame with the panel's controls, before any conversation arrives. */
  shellPaint: 'inkwell:shell-paint',
  /** Mark: the first frame with the conversation in it. */
  firstPaint: 'inkwell:first-paint',
  /** Measure: the work of building messages up to the first frame. */
  render: 'inkwell:render',
  /** Measure: the first conversation, from the start of its render until its last message was built. */
  fullRender: 'inkwell:full-render',
  /** Measure whose duration is the work of building every message: the chunks' time, without the gaps between them. */
  build: 'inkwell:build',
} as const;

// jsdom, where the unit tests run the page, has no User Timing: there the marks are skipped.
const timing = typeof performance.mark === 'function' && typeof performance.measure === 'function' ? performance : undefined;

export function markScriptStart(): void {
  timing?.mark(TIMING.scriptStart);
}

export function markShellPaint(): void {
  timing?.mark(TIMING.shellPaint);
}

/** `renderStart` is a performance.now() time; `workMs` is the building done before this frame. */
export function markFirstPaint(renderStart: number, workMs: number): void {
  timing?.mark(TIMING.firstPaint);
  timing?.measure(TIMING.render, { start: renderStart, duration: workMs });
}

export function measureFullRender(renderStart: number, workMs: number): void {
  timing?.measure(TIMING.fullRender, { start: renderStart, end: performance.now() });
  timing?.measure(TIMING.build, { start: renderStart, duration: workMs });
}
