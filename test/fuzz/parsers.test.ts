// Seeded, short fuzzing of every parser that reads bytes from outside (issue 12). The properties
// live in parserProperties.ts, shared with the long `npm run fuzz` (scripts/runFuzz.mjs).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createParserProperties, RUN_TIMEOUT_MS, type ParserProperties } from './parserProperties';

/** Fixed seed: `npm test` is reproducible; `npm run fuzz` draws a random one. */
const SEED = 12;
const NUM_RUNS = 150;

let fuzz: ParserProperties;
beforeAll(async () => {
  fuzz = await createParserProperties();
});
afterAll(() => fuzz?.cleanup());

describe('parsers return a value or throw an OndeckError on any input', () => {
  // Names are known up front so each parser is its own test.
  const names = [
    'parseCsvLine',
    'loadGenericCsv',
    'loadJsonl',
    'loadItemsCsv',
    'loadMovieLens',
    'loadLastfm',
    'parseNpy',
    'readIdList',
    'readSparkItemFactors',
    'parseManifest',
    'decodeFactorsFile',
    'decodeModelTables',
    'decodeModelFiles',
    'parseSyncManifest',
    'parseSignedManifest',
    'openSignedManifest',
    'decodeBase64',
    'decompressBlob',
    'applyDelta',
    'applyDeltaToTables',
    'decodeSnapshotBlob',
    'validateStoredHistory',
  ];
  it('covers every property of parserProperties.ts', () => {
    const defined = fuzz.properties.map((entry) => entry.name);
    if (JSON.stringify(defined) !== JSON.stringify(names)) throw new Error(`property list changed: ${defined.join(', ')}`);
  });
  for (const name of names) {
    it(name, async () => {
      const entry = fuzz.properties.find((candidate) => candidate.name === name)!;
      await fc.assert(entry.property, { seed: SEED, numRuns: NUM_RUNS, timeout: RUN_TIMEOUT_MS });
    });
  }
});
