/**
 * A reply cut into top-level markdown blocks, and the bounds that decide whether a block is formatted.
 *
 * Why blocks. A streaming reply grows at its end; formatting it whole on every frame costs time in
 * proportion to everything before the end. Cut into blocks, only the last one or two change, so the page
 * keeps the others' nodes and formats just the tail. And a block that is too deep or too dense to format
 * safely (see `blockLimitExceeded`) becomes plain text on its own, leaving the rest of the reply formatted.
 *
 * Where a cut goes. After a blank line outside fenced code, before a line that starts flush left with
 * something other than a list marker: such a line starts a new top-level block in CommonMark whatever
 * precedes it (nothing continues past a blank line except a list, by indentation or by its next marker,
 * which is why those lines are never cut before). What is lost by formatting blocks apart: a link reference
 * defined in another block. Model replies hardly use them.
 */

/** A block as offsets into the text: [start, end). */
export interface BlockRange {
  start: number;
  end: number;
}

/** Where to go on scanning a text that has grown: the end of its last complete block. */
export interface BlockScan {
  /** Offsets of every block start, from 0. */
  starts: number[];
}

/** The nesting and density past which a block is shown as text (see `blockLimitExceeded`). */
export const MARKDOWN_LIMITS = {
  /** A reply longer than this is shown as plain text (a model that never stops; a paste). */
  maxReplyChars: 200_000,
  /** One block longer than this is shown as text (a frame's worth of formatting in Chromium). */
  maxBlockChars: 20_000,
  /** Containers (quotes, list items) opened on one line, or indentation levels of a list. */
  maxDepth: 16,
  /** Emphasis, code, link and HTML delimiters in one block: marked's inline pass is quadratic in them. */
  maxDelimiters: 2_000,
} as const;

const FENCE = /^ {0,3}(`{3,}|~{3,})/;

function isBlank(line: string): boolean {
  return /^[ \t]*$/.test(line);
}

/**
 * Whether a line, after a blank line, starts a new top-level block: true, false, or undefined while the
 * line is still being written and its first characters could yet make it a list item.
 */
function startsFreshBlock(line: string, complete: boolean): boolean | undefined {
  if (line.length === 0) return complete ? false : undefined;
  const c = line[0];
  if (c === ' ' || c === '\t') return false;
  const open = complete ? false : undefined;
  if (c === '-' || c === '*' || c === '+') return line.length < 2 ? open : !/[ \t]/.test(line[1]);
  if (c >= '0' && c <= '9') {
    const m = /^\d{1,9}/.exec(line)!;
    const after = line[m[0].length];
    if (after === undefined) return m[0].length < 9 ? open : true;
    if (after !== '.' && after !== ')') return true;
    const space = line[m[0].length + 1];
    return space === undefined ? open : !/[ \t]/.test(space);
  }
  return true;
}

/**
 * Block starts of `text`. With `previous` (the scan of a shorter version of the same text, as a stream
 * grows it) scanning resumes at its last block start, which stays a block start however the text goes on.
 * Unless `complete`, the last line (no newline after it yet) is still being written: it starts a block only
 * once its first characters rule out a list item.
 */
export function scanBlocks(text: string, previous?: BlockScan, complete = false): BlockScan {
  const starts = previous && previous.starts.length ? previous.starts.slice(0, -1) : [];
  let pos = starts.length ? previous!.starts[starts.length] : 0;
  starts.push(pos);
  let fence: string | undefined;
  let afterBlank = false;
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos);
    const lineEnd = nl < 0 ? text.length : nl;
    const line = text.slice(pos, text.charCodeAt(lineEnd - 1) === 13 ? lineEnd - 1 : lineEnd);
    if (nl < 0 && !complete) {
      // A line still being written starts a block once its first characters say so; its fence waits.
      if (!fence && afterBlank && startsFreshBlock(line, false) && pos > starts[starts.length - 1]) starts.push(pos);
      break;
    }
    if (fence) {
      const close = FENCE.exec(line);
      if (close && close[1][0] === fence[0] && close[1].length >= fence.length && isBlank(line.slice(close[0].length))) fence = undefined;
      afterBlank = false;
    } else if (isBlank(line)) {
      afterBlank = true;
    } else {
      if (afterBlank && startsFreshBlock(line, true) && pos > starts[starts.length - 1]) starts.push(pos);
      afterBlank = false;
      const open = FENCE.exec(line);
      if (open && !(open[1][0] === '`' && line.slice(open[0].length).includes('`'))) fence = open[1];
    }
    pos = lineEnd + 1;
  }
  return { starts };
}

/** The blocks of a scan, as ranges over `text`. */
export function blockRanges(text: string, scan: BlockScan): BlockRange[] {
  return scan.starts.map((start, i) => ({ start, end: i + 1 < scan.starts.length ? scan.starts[i + 1] : text.length }));
}

/**
 * Why a block would not be formatted, or undefined when it may be. Checked before parsing: marked recurses
 * once per nesting level (a reply of 1.9 KB of `>` overflowed the stack) and its emphasis pass slows
 * quadratically with unmatched delimiters (`*a` × 40k took seconds).
 */
export function blockLimitExceeded(block: string): string | undefined {
  if (block.length > MARKDOWN_LIMITS.maxBlockChars) return 'too long to format';
  let delimiters = 0;
  for (let i = 0; i < block.length; i++) {
    const c = block.charCodeAt(i);
    // * _ ` ~ [ ] < ! \
    if (c === 42 || c === 95 || c === 96 || c === 126 || c === 91 || c === 93 || c === 60 || c === 33 || c === 92) delimiters++;
  }
  if (delimiters > MARKDOWN_LIMITS.maxDelimiters) return 'too many markup characters to format';
  for (let pos = 0; pos < block.length; ) {
    const nl = block.indexOf('\n', pos);
    const end = nl < 0 ? block.length : nl;
    if (lineDepth(block, pos, end) > MARKDOWN_LIMITS.maxDepth) return 'nested too deeply to format';
    pos = end + 1;
  }
  return undefined;
}

/** Containers a line opens or sits in: `>` and list markers in its prefix, and list indentation in twos. */
function lineDepth(text: string, start: number, end: number): number {
  let depth = 0;
  let i = start;
  let indent = 0;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === 32) {
      indent++;
      i++;
    } else if (c === 9) {
      indent += 4;
      i++;
    } else if (c === 62 /* > */) {
      depth++;
      i++;
    } else if ((c === 45 || c === 42 || c === 43) /* - * + */ && (i + 1 >= end || text.charCodeAt(i + 1) === 32 || text.charCodeAt(i + 1) === 9)) {
      depth += 1 + Math.floor(indent / 2);
      indent = 0;
      i++;
    } else if (c >= 48 && c <= 57) {
      let j = i;
      while (j < end && j - i < 9 && text.charCodeAt(j) >= 48 && text.charCodeAt(j) <= 57) j++;
      const m = text.charCodeAt(j);
      if ((m === 46 || m === 41) && (j + 1 >= end || text.charCodeAt(j + 1) === 32)) {
        depth += 1 + Math.floor(indent / 2);
        indent = 0;
        i = j + 1;
      } else break;
    } else break;
  }
  return depth;
}
