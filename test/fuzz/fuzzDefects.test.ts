// Counterexamples found by fuzzing (test/fuzz/parserProperties.ts), kept as unit tests.
import { describe, expect, it } from 'vitest';
import { validateStoredHistory } from '../../worker/storage/validateStoredHistory';

describe('fuzzing counterexamples', () => {
  it('validateStoredHistory skips a record whose field has no primitive form instead of throwing a TypeError', () => {
    // String({ toString: 1 }) and String(Object.create(null)) throw "Cannot convert object to primitive value".
    const nullPrototype = Object.create(null) as object;
    const result = validateStoredHistory([{ itemId: nullPrototype }, { itemId: 'a', type: { toString: 1 }, time: 1 }, { itemId: 'b', type: 'play', time: 2 }]);
    expect(result.invalid).toBe(2);
    expect(result.entries).toEqual([{ itemId: 'b', type: 'play', time: 2 }]);
    expect(result.firstProblem).toBe('itemId is [object Object], not a non-empty string');
  });
});
