// Counterexamples found by fuzzing (test/fuzz/parserProperties.ts), kept as unit tests.
import { describe, expect, it } from 'vitest';
import { decodeFactorsFile } from '../../models/artifact/factorsFile';
import { parseManifest } from '../../models/artifact/parseManifest';
import { isOndeckError, OndeckError } from '../../models/errors/OndeckError';
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

describe('fuzzing counterexamples: OndeckError details with no string form', () => {
  it('parseManifest throws model-version-mismatch, not a TypeError, for formatVersion {"toString": false}', () => {
    const text = '{"format":"ondeck-model","formatVersion":{"toString":false}}';
    let caught: unknown;
    try {
      parseManifest(text);
    } catch (error) {
      caught = error;
    }
    expect(isOndeckError(caught, 'model-version-mismatch')).toBe(true);
    expect((caught as Error).message).toContain('{"toString":false}');
  });

  it('an OndeckError detail that is a null-prototype object is still printable', () => {
    const error = new OndeckError('sync-refused', { reason: Object.create(null) });
    expect(error.message).toBe('Sync refused: {}; the current model is kept');
  });
});

describe('fuzzing counterexamples: factors.bin', () => {
  it('decodeFactorsFile rejects a header whose table passes 2 GiB as model-corrupt, not a RangeError', () => {
    // 4 dims × 0x20000028 rows: the aligned offsets wrapped past 2^31 and the size check passed.
    const bytes = new Uint8Array(464); // the size the wrapped layout expected
    bytes.set([79, 68, 75, 70, 1, 0, 4, 0, 40, 0, 0, 32, 0, 0, 0, 0]);
    let caught: unknown;
    try {
      decodeFactorsFile(bytes);
    } catch (error) {
      caught = error;
    }
    expect(isOndeckError(caught, 'model-corrupt')).toBe(true);
  });
});
