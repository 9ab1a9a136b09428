// Counterexamples found by fuzzing (test/fuzz/parserProperties.ts), kept as unit tests.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeFactorsFile } from '../../models/artifact/factorsFile';
import { parseManifest } from '../../models/artifact/parseManifest';
import { isOndeckError, OndeckError } from '../../models/errors/OndeckError';
import { readSparkItemFactors } from '../../models/node/importers/readSparkItemFactors';
import { sparkPartThread } from '../support/importerFixtures';
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

describe('fuzzing counterexamples: Spark parquet', () => {
  it('readSparkItemFactors ends a decode that loops on corrupt page data (a V2 page whose definition levels never end) with import-failed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ondeck-fuzz-defect-'));
    try {
      // hyparquet 1.31.5 loops inside parquetReadObjects on this file, synchronously: only a
      // thread of its own can be stopped.
      await writeFile(
        join(dir, 'part-00000.parquet'),
        Buffer.from(
          'UEFSMRUGFRgVGFwVBhUAFQYVABUAFQAAAAEAAAAHAAAACQAAABUGFToVOlwVDBUAFQYVAACAvwAAAEAAAIA+AACAPwAAgD8VBBlcSAxzcGFya19zY2hlbWEVBAAVAiUAGAJpZAA1AhgIZmVhdHVyZXMVAIA/AACAPxUEGVxIDHNwYXJrX3NjaGVtYRUEABUCJQAYAmlkADUCGAhmZWF0dXJlcxUCFQYANQQYBGxpc3QVAgAVCCUAGAdlbGVtZW50ABYGGRwZLCYIHBUCGRUAGRgCaWQVABYGFkIWQiYIPDYAKAQJAAAAGAQBAAAAABkcFQYVABUCAAAAJkocFQgZFQAZOAhmZWF0dXJlcwRsaXN0B2VsZW1lbnQVABYMFmQWZCZKPDYAKAQAAABAGAQAAIC/NgAAGRwVBhUAFQIAAAAWpgEWBjamAQAZHBgYb3JnLmFwYWNoZSZzcGFyay52ZXJzaW9uGAUzLjUuMQAYSnBhcnF1ZXQtbXIgdmVyc2lvbiAxLjEzLjEgKGJ1aWxkIGRiNDE4MzEwOWQ1YjczNGVjNTkzMGQ4NzBjZGFlMTYxZTQwOGRkYmEpGSwcAAAcAAAASQEAAFBBUjE=',
          'base64',
        ),
      );
      const error = await readSparkItemFactors(dir, { ...sparkPartThread, timeoutMilliseconds: 1500 }).then(
        () => undefined,
        (reason: unknown) => reason,
      );
      expect(isOndeckError(error, 'import-failed'), String(error)).toBe(true);
      expect((error as OndeckError).details).toMatchObject({ path: join(dir, 'part-00000.parquet') });
      expect((error as OndeckError).message).toMatch(/did not finish within 2 s; the file's page data is probably corrupt/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('readSparkItemFactors refuses a column chunk missing from the schema (list renamed lisT) without an unhandled rejection', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ondeck-fuzz-defect-'));
    const leaked: unknown[] = [];
    const listener = (reason: unknown): void => {
      leaked.push(reason);
    };
    process.on('unhandledRejection', listener);
    try {
      await writeFile(
        join(dir, 'part-00000.parquet'),
        Buffer.from(
          'UEFSMRUGFRgVGFJzToQLuFwVBhUAFQYVABUAFQAAAAEAAAAHAAAACQAAABUGFToVOlwVDBUAFQYVABUGFQQAAAMqA6oKAAAAPwAAgL8AAABAAACAPgAAgD8AAIA/FQQZXEgMc3Bhcmtfc2NoZW1hFQQAFQIlABgCaWQANQIYCGZlYXR1cmVzFQIVBgA1BBgEbGlzVBUCABUIJQAYB2VsZW1lbnQAFgYZHBksJggcFQIZFQAZGAJpZBUAFgYWQhZCJgg8NgAoBAkAAAAYBAEAAAAAGRwVBhUAFQIAAAAmShwVCBkVABk4CGZlYXR1cmVzBGxpc3QHZWxlbWVudBUAFgwWZBZkJko8NgAoBAAAAEAYBAAAgL82AAAZHBUGFQAVAgAAABamARYGNqYBABkcGBhvcmcuYXBhY2hlLnNwYXJrLnZlcnNpb24YBTMuNS4xABhKcGFycXVldC1tciB2ZXJzaW9uIDEuMTMuMSAoYnVpbGQgZGI0MTgzMTA5ZDViNzM0ZWM1OTMwZDg3MGNkYWUxNjFlNDA4ZGRiYSkZLBwAABwAAABJAQAAUEFSMQ==',
          'base64',
        ),
      );
      await expect(readSparkItemFactors(dir, sparkPartThread)).rejects.toMatchObject({ code: 'import-failed' });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(leaked).toEqual([]);
    } finally {
      process.off('unhandledRejection', listener);
      await rm(dir, { recursive: true, force: true });
    }
  });
});
