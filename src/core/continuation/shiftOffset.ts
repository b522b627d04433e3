// Where a point in a document stands after edits, for a point Inkwell must come back to later (the
// resume point of a cut stream, offered by a notification the writer may answer minutes later).

export interface OffsetChange {
  rangeOffset: number;
  rangeLength: number;
  text: string;
}

/**
 * `offset` after one change event's changes, taken in the order the event lists them (each against
 * the text as the ones before it left it, as VS Code's descending order allows). Text inserted at the
 * point goes before it: the writer who typed there wants the story to go on after their words. A
 * point inside replaced text moves to the end of the replacement.
 */
export function shiftOffset(offset: number, changes: readonly OffsetChange[]): number {
  let at = offset;
  for (const change of changes) {
    const end = change.rangeOffset + change.rangeLength;
    if (end <= at) at += change.text.length - change.rangeLength;
    else if (change.rangeOffset < at) at = change.rangeOffset + change.text.length;
  }
  return at;
}
