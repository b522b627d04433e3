import * as assert from 'assert';
import fc from 'fast-check';
import { OffsetChange, shiftOffset } from '../../src/core/continuation/shiftOffset';

const change = (rangeOffset: number, rangeLength: number, text: string): OffsetChange => ({ rangeOffset, rangeLength, text });

describe('shiftOffset: a resume point follows the writer’s edits', () => {
  const cases: { name: string; changes: OffsetChange[]; want: number }[] = [
    { name: 'typing above moves it down', changes: [change(2, 0, 'NEW ')], want: 14 },
    { name: 'deleting above moves it up', changes: [change(2, 3, '')], want: 7 },
    { name: 'typing below leaves it', changes: [change(15, 0, 'x')], want: 10 },
    { name: 'typing right at it puts the typing before it', changes: [change(10, 0, 'abc')], want: 13 },
    { name: 'a deletion ending at it moves it to the deletion', changes: [change(6, 4, '')], want: 6 },
    { name: 'a replacement across it moves it to the replacement’s end', changes: [change(8, 5, 'ZZ')], want: 10 },
    { name: 'several changes in one event, bottom first as VS Code sends them', changes: [change(20, 0, 'b'), change(1, 0, 'aa')], want: 12 },
  ];
  for (const { name, changes, want } of cases) {
    it(name, () => assert.equal(shiftOffset(10, changes), want));
  }

  it('keeps pointing at the same character as a reference document under random edits above and below', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ at: fc.nat(60), del: fc.nat(5), text: fc.string({ maxLength: 6 }) }), { maxLength: 20 }),
        (edits) => {
          // The point sits just before a marker character; edits never touch the marker itself.
          let doc = 'x'.repeat(30) + '|' + 'y'.repeat(30);
          let point = 30;
          for (const { at, del, text } of edits) {
            const start = Math.min(at, doc.length);
            const end = Math.min(start + del, doc.length);
            if (start <= point && end > point) continue; // would delete the marker
            doc = doc.slice(0, start) + text.replace(/\|/g, '') + doc.slice(end);
            point = shiftOffset(point, [change(start, end - start, text.replace(/\|/g, ''))]);
          }
          assert.equal(doc[point], '|');
        },
      ),
    );
  });
});
