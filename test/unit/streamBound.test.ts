import * as assert from 'assert';
import { StreamMeter, streamBound } from '../../src/core/stream/streamBound';

describe('stream bound: a runaway stream is called one well past max_tokens', () => {
  it('allows twice max_tokens pieces and a generous character budget', () => {
    assert.deepStrictEqual(streamBound(300), { maxPieces: 664, maxChars: 300 * 256 + 16_384 });
    assert.equal(streamBound(300, 4).maxChars, 300 * 256 * 4 + 16_384);
  });

  it('treats a missing or odd n and max_tokens as 1', () => {
    assert.deepStrictEqual(streamBound(300, null), streamBound(300, 1));
    assert.deepStrictEqual(streamBound(300, undefined), streamBound(300, 1));
    assert.deepStrictEqual(streamBound(Number.NaN), streamBound(1));
  });

  it('passes the bound on the first piece over it, per choice for pieces', () => {
    const bound = streamBound(10); // 84 pieces
    const meter = new StreamMeter(bound);
    for (let i = 0; i < bound.maxPieces; i++) assert.equal(meter.add(0, 'a'), false, `piece ${i + 1}`);
    assert.equal(meter.add(1, 'b'), false, 'another choice has its own piece count');
    assert.equal(meter.add(0, 'a'), true);
  });

  it('passes the bound on characters over all choices', () => {
    const bound = streamBound(1); // 16,640 characters
    const meter = new StreamMeter(bound);
    assert.equal(meter.add(0, 'x'.repeat(bound.maxChars / 2)), false);
    assert.equal(meter.add(1, 'x'.repeat(bound.maxChars / 2)), false);
    assert.equal(meter.add(1, 'x'), true);
  });
});
