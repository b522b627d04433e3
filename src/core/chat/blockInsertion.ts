/**
 * How a chat reply goes into the manuscript at the cursor. A reply of several lines is a block of
 * its own: it gets a blank line from the text before and after it, so "Insert at cursor" at the top
 * of a chapter does not glue the reply's last word to the heading. A one-line reply (a name, a
 * phrase) goes in exactly as it is, mid-sentence included.
 */
export function textForInsertion(reply: string, around: { lineBefore: string; lineAfter: string; previousLine?: string; nextLine?: string }, eol = '\n'): string {
  const block = reply.trim();
  if (!/\r?\n/.test(block)) return reply;
  const blank = (s: string | undefined) => s === undefined || s.trim() === '';
  let prefix = '';
  if (!blank(around.lineBefore)) prefix = eol + eol;
  else if (!blank(around.previousLine)) prefix = eol;
  let suffix = '';
  if (!blank(around.lineAfter)) suffix = eol + eol;
  else if (!blank(around.nextLine)) suffix = eol;
  return prefix + block.replace(/\r?\n/g, eol) + suffix;
}
