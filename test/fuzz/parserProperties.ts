// Property-based fuzzing of every parser that reads bytes from outside (issue 12). One definition
// of each property, shared by the seeded, short vitest run (test/fuzz/parsers.test.ts) and the
// long, randomly seeded `npm run fuzz` (scripts/runFuzz.mjs). No vitest import here: the fuzz
// runner bundles this module with esbuild and runs it under plain Node.
//
// The rule every parser obeys on ANY input: it returns a value or throws an OndeckError — never a
// raw TypeError/RangeError/SyntaxError, never a hang (async runs are bounded by fast-check's
// per-run `timeout`), never an unbounded allocation from a small input.
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { decodeFactorsFile } from '../../models/artifact/factorsFile';
import { MODEL_FILES, type ModelManifest } from '../../models/artifact/ModelManifest';
import { parseManifest } from '../../models/artifact/parseManifest';
import { loadGenericCsv } from '../../models/node/data/loadGenericCsv';
import { loadItemsCsv } from '../../models/node/data/loadItemsCsv';
import { loadJsonl } from '../../models/node/data/loadJsonl';
import { loadLastfm } from '../../models/node/data/loadLastfm';
import { loadMovieLens } from '../../models/node/data/loadMovieLens';
import { parseCsvLine } from '../../models/data/parseCsvLine';
import { isOndeckError } from '../../models/errors/OndeckError';
import { parseNpy } from '../../models/importers/parseNpy';
import { readIdList } from '../../models/node/importers/readIdList';
import { readSparkItemFactors } from '../../models/node/importers/readSparkItemFactors';
import { applyDelta, applyDeltaToTables } from '../../models/sync/applyDelta';
import { canonicalizeModel } from '../../models/sync/canonicalizeModel';
import { computeDelta } from '../../models/sync/computeDelta';
import { decodeModelTables } from '../../models/sync/decodeModelTables';
import { encodeModelFiles } from '../../models/sync/encodeModelFiles';
import { nextSyntheticVersion, packageSyntheticVersion, syntheticModelVersion } from '../../models/node/sync/syntheticModelVersions';
import { parseSignedManifest, parseSyncManifest } from '../../models/sync/parseSyncManifest';
import { decodeSnapshotBlob, encodeSnapshotBlob } from '../../models/sync/snapshotBlob';
import type { SyncManifest } from '../../models/sync/SyncManifest';
import { decodeModelFiles } from '../../worker/model/decodeModelFiles';
import { validateStoredHistory } from '../../worker/storage/validateStoredHistory';
import { decodeBase64 } from '../../models/sync/decodeBase64';
import { decompressBlob } from '../../worker/sync/decompressBlob';
import { openSignedManifest } from '../../worker/sync/openSignedManifest';
import { npyBytes, sparkPartThread, writeSparkPart } from '../support/importerFixtures';

/** One fuzzed parser: its name and a fast-check property over its inputs. */
export interface ParserProperty {
  readonly name: string;
  readonly property: fc.IAsyncPropertyWithHooks<any>;
}

/** The properties and the temp directory their file-based parsers write into. */
export interface ParserProperties {
  readonly properties: readonly ParserProperty[];
  cleanup(): Promise<void>;
}

/** Per-run time limit (ms) of async properties: a parser still running after it has hung. */
export const RUN_TIMEOUT_MS = 5_000;

/**
 * The rule: `run` returns (or resolves) or throws an OndeckError. Anything else is rethrown, so
 * fast-check records it as a counterexample.
 */
export async function returnsOrThrowsOndeckError(run: () => unknown): Promise<void> {
  try {
    await run();
  } catch (error) {
    if (isOndeckError(error)) return;
    throw error;
  }
}

/**
 * {@link returnsOrThrowsOndeckError}, and no promise rejected unobserved meanwhile: under Node an
 * unhandled rejection ends the process (the CLI), whatever the parser returned.
 */
export async function withoutUnhandledRejections(run: () => unknown): Promise<void> {
  const leaked: unknown[] = [];
  const listener = (reason: unknown): void => {
    leaked.push(reason);
  };
  process.on('unhandledRejection', listener);
  try {
    await returnsOrThrowsOndeckError(run);
    // Node reports unhandled rejections once the microtask queue drains, before timers run.
    await new Promise((resolve) => setTimeout(resolve, 0));
  } finally {
    process.off('unhandledRejection', listener);
  }
  if (leaked.length > 0) throw new Error(`unhandled rejection (ends a Node process): ${leaked[0] instanceof Error ? leaked[0].message : String(leaked[0])}`);
}

// ---------------------------------------------------------------------------------------------
// Mutations of a valid input

type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'set'; at: number; value: number }
  | { kind: 'set32'; at: number; value: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; count: number }
  | { kind: 'duplicate'; at: number; count: number };

const mutationArbitrary: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.constantFrom(0, 0x7f, 0x80, 0xff, 0x22, 0x2c, 0x0a, 0x5c, 0x7b, 0x7d, 0x5b, 0x5d) }),
  fc.record({ kind: fc.constant('set32' as const), at: fc.nat(), value: fc.constantFrom(0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 0x10000, 0xfffffff0) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 16 }) }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 64 }) }),
);

function applyMutation(bytes: Uint8Array, mutation: Mutation): Uint8Array {
  const at = mutation.at % (bytes.length + 1);
  switch (mutation.kind) {
    case 'flip': {
      if (bytes.length === 0) return bytes;
      const copy = bytes.slice();
      copy[at % bytes.length] ^= 1 << mutation.bit;
      return copy;
    }
    case 'set': {
      if (bytes.length === 0) return bytes;
      const copy = bytes.slice();
      copy[at % bytes.length] = mutation.value;
      return copy;
    }
    case 'set32': {
      if (bytes.length < 4) return bytes;
      const copy = bytes.slice();
      new DataView(copy.buffer).setUint32(at % (bytes.length - 3), mutation.value, true);
      return copy;
    }
    case 'truncate':
      return bytes.slice(0, at);
    case 'insert':
      return concat(bytes.subarray(0, at), mutation.bytes, bytes.subarray(at));
    case 'delete':
      return concat(bytes.subarray(0, at), bytes.subarray(at + mutation.count));
    case 'duplicate':
      return concat(bytes.subarray(0, at + mutation.count), bytes.subarray(at));
  }
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** 1–4 byte-level mutations (flip, set, 32-bit overwrite, truncate, insert, delete, repeat) of `valid`. */
export function mutatedBytes(valid: Uint8Array): fc.Arbitrary<Uint8Array> {
  return fc.array(mutationArbitrary, { minLength: 1, maxLength: 4 }).map((mutations) => mutations.reduce(applyMutation, valid));
}

/** Mutations of a valid input, or arbitrary bytes (mostly the former). */
function bytesNear(valid: Uint8Array): fc.Arbitrary<Uint8Array> {
  return fc.oneof({ weight: 4, arbitrary: mutatedBytes(valid) }, { weight: 1, arbitrary: fc.uint8Array({ maxLength: 512 }) });
}

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

/** Keys that trip code that stringifies or spreads a value carelessly. */
const trickyKey = fc.constantFrom('toString', 'valueOf', '__proto__', 'constructor', 'length', 'then');

/** A JSON value with the occasional tricky key and large/odd number. */
const jsonish: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(-1, 0, 1e308, -0, 2 ** 53, 2 ** 32, 0.5, '', 'NaN', null, [], {}),
  fc.dictionary(trickyKey, fc.jsonValue({ maxDepth: 1 }), { maxKeys: 2 }),
);

/** `valid` (a JSON object) with 1–3 fields replaced by arbitrary JSON or deleted, anywhere in the tree. */
export function mutatedJson(valid: unknown): fc.Arbitrary<string> {
  const paths: (string | number)[][] = [];
  const walk = (value: unknown, path: (string | number)[]): void => {
    paths.push(path);
    if (Array.isArray(value)) value.forEach((item, index) => walk(item, [...path, index]));
    else if (value !== null && typeof value === 'object') for (const [key, item] of Object.entries(value)) walk(item, [...path, key]);
  };
  walk(valid, []);
  const edit = fc.record({ path: fc.constantFrom(...paths), remove: fc.boolean(), value: jsonish });
  return fc.array(edit, { minLength: 1, maxLength: 3 }).map((edits) => {
    let copy: unknown = JSON.parse(JSON.stringify(valid));
    for (const edit of edits) {
      const { path, remove } = edit;
      // A fresh copy: constants such as `{}` are one shared instance across draws.
      const value: unknown = JSON.parse(JSON.stringify(edit.value));
      if (path.length === 0) {
        copy = value;
        continue;
      }
      let parent: any = copy;
      for (const key of path.slice(0, -1)) {
        if (parent === null || typeof parent !== 'object') break;
        parent = parent[key];
      }
      if (parent === null || typeof parent !== 'object') continue;
      const last = path[path.length - 1];
      if (remove && !Array.isArray(parent)) delete parent[last];
      else parent[last] = value;
    }
    return JSON.stringify(copy) ?? 'undefined';
  });
}

// ---------------------------------------------------------------------------------------------
// Fixtures: small valid inputs from the project's own encoders

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

function modelFixtures() {
  const v1 = syntheticModelVersion({ items: 40, dims: 4, seed: 7 });
  const v2 = nextSyntheticVersion(v1, { seed: 2 });
  const modelA = packageSyntheticVersion(v1, 4);
  const filesA = encodeModelFiles(modelA);
  const filesB = encodeModelFiles(canonicalizeModel(modelA, packageSyntheticVersion(v2, 4)));
  const delta = computeDelta(filesA, filesB).bytes;
  const snapshot = encodeSnapshotBlob(filesB);
  const manifestA = parseManifest(text(filesA.get(MODEL_FILES.manifest)!));
  return { filesA, filesB, delta, snapshot, manifestA, tablesA: decodeModelTables(filesA, 'fixture') };
}

function syncManifestFixture(files: ReadonlyMap<string, Uint8Array>, snapshot: Uint8Array, delta: Uint8Array): SyncManifest {
  const manifest = parseManifest(text(files.get(MODEL_FILES.manifest)!));
  const snapshotGz = gzipSync(snapshot);
  const deltaGz = gzipSync(delta);
  return {
    format: 'ondeck-sync',
    formatVersion: 1,
    lineageId: manifest.lineageId,
    version: 2,
    parentVersion: 1,
    minSdkVersion: '0.1.0',
    publishedAt: '2026-11-24T06:00:00.000Z',
    dims: manifest.dims,
    itemCount: manifest.itemCount,
    snapshot: { path: `blobs/${sha256(snapshotGz)}.snapshot`, sha256: sha256(snapshotGz), bytes: snapshotGz.length, encoding: 'gzip', decodedBytes: snapshot.length },
    deltas: [
      { path: `blobs/${sha256(deltaGz)}.delta`, sha256: sha256(deltaGz), bytes: deltaGz.length, encoding: 'gzip', decodedBytes: delta.length, fromVersion: 1, toVersion: 2 },
    ],
  } as SyncManifest;
}

function signingFixture() {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const raw = new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }).subarray(-32));
  const keyId = sha256(raw).slice(0, 16);
  const envelope = (payload: Uint8Array): string =>
    JSON.stringify({ payload: Buffer.from(payload).toString('base64'), signature: sign(null, payload, privateKey).toString('base64'), keyId });
  return { publicKey: raw, envelope };
}

const GENERIC_CSV = 'userId,itemId,rating,timestamp\nu1,a,4,100\nu1,b,5,101\n"u,2",a,3.5,102\nu2,c,4,103\n';
const JSONL = '{"user": "007", "item": "0042"}\n{"userId": "r", "item_id": "m1", "rating": 4.5}\n{"user": "x", "item": "y", "weight": 2, "type": "play"}\n';
const ITEMS_CSV =
  'id,title,genres,maturity_rating,year,available_from,available_until\ntt01,"Goodbye, ""Golden"" Tide",Drama|Romance,PG-13,2019,2025-01-01,2025-12-31\n007,Kids Show,Kids|Animation,TV-Y7,,,\n';
const ML_RATINGS = 'userId,movieId,rating,timestamp\n1,1,4.0,964982703\n1,3,4.0,964981247\n2,1,5.0,964982224\n';
const ML_MOVIES = 'movieId,title,genres\n1,Toy Story (1995),Adventure|Animation|Children\n3,"Grumpier Old Men, The (1995)",Comedy|Romance\n';
const ML_DAT_RATINGS = '1::1193::5::978300760\n1::661::3::978302109\n2::1193::4::978298413\n';
const ML_DAT_MOVIES = "1193::One Flew Over the Cuckoo's Nest (1975)::Drama\n661::James and the Giant Peach (1996)::Animation|Children's|Musical\n";
const LASTFM_PLAYS = 'userID\tartistID\tweight\n2\t51\t13883\n2\t52\t11690\n3\t51\t228\n';
const LASTFM_ARTISTS = 'id\tname\turl\tpictureURL\n51\tDuran Duran\thttp://www.last.fm/music/Duran+Duran\t\n52\tMorcheeba\thttp://www.last.fm/music/Morcheeba\t\n';

/** Arbitrary text for a text format: a mutation of `valid`, random unicode, or random bytes. */
function textFileBytes(valid: string): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    { weight: 4, arbitrary: mutatedBytes(utf8(valid)) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }).map(utf8) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }) },
  );
}

// ---------------------------------------------------------------------------------------------

/**
 * Builds the fixtures (a 40-title synthetic model, its delta and snapshot, a signed sync
 * manifest, valid dataset files, a .npy and a Spark parquet part) and the properties over them.
 * Call `cleanup()` afterwards: file-based parsers read from a temp directory.
 */
export async function createParserProperties(): Promise<ParserProperties> {
  const root = await mkdtemp(join(tmpdir(), 'ondeck-fuzz-'));
  let counter = 0;
  /** A fresh directory under the temp root holding `files`. */
  const directoryWith = async (files: Record<string, Uint8Array>): Promise<string> => {
    const dir = join(root, String(counter++));
    await mkdir(dir, { recursive: true });
    for (const [name, bytes] of Object.entries(files)) await writeFile(join(dir, name), bytes);
    return dir;
  };
  /** Runs `parse` on a file holding `bytes`, then removes its directory. */
  const withFiles = async (files: Record<string, Uint8Array>, parse: (dir: string) => Promise<unknown>): Promise<void> => {
    const dir = await directoryWith(files);
    // To find an input that hangs the process (no timeout can interrupt synchronous code).
    if (process.env.ONDECK_FUZZ_LAST_INPUT)
      await writeFile(
        process.env.ONDECK_FUZZ_LAST_INPUT,
        JSON.stringify(Object.fromEntries(Object.entries(files).map(([name, bytes]) => [name, Buffer.from(bytes).toString('base64')]))),
      );
    try {
      await withoutUnhandledRejections(() => parse(dir));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };

  const model = modelFixtures();
  const syncManifest = syncManifestFixture(model.filesB, model.snapshot, model.delta);
  const syncManifestText = JSON.stringify(syncManifest);
  const signing = signingFixture();
  const signedText = signing.envelope(utf8(syncManifestText));
  const npy = npyBytes({ descr: '<f4', shape: [3, 2], stored: [1, 2, 3, 4, 5, 6] });
  const sparkFile = join(root, 'spark-fixture.parquet');
  await writeSparkPart(
    sparkFile,
    [
      { id: 1, features: [0.5, -1] },
      { id: 7, features: [2, 0.25] },
      { id: 9, features: [1, 1] },
    ],
    { codec: 'UNCOMPRESSED' },
  );
  const { readFile } = await import('node:fs/promises');
  const parquet = new Uint8Array(await readFile(sparkFile));
  const catalogValue = JSON.parse(text(model.filesA.get(MODEL_FILES.catalog)!));
  const validHistory = [
    { itemId: 'a', type: 'play', time: 1700000000000, progress: 0.5 },
    { itemId: 'b', type: 'complete', time: 1700000001000 },
  ];

  const property = <T>(name: string, arbitrary: fc.Arbitrary<T>, check: (input: T) => Promise<void>): ParserProperty => ({
    name,
    property: fc.asyncProperty(arbitrary, check),
  });
  const rule = (parse: (input: any) => unknown) => (input: unknown) => returnsOrThrowsOndeckError(() => parse(input));

  /** The model files of `files` with `name` replaced by `bytes`, and a model.json whose hash entry matches it. */
  const rehashed = (name: string, bytes: Uint8Array): { manifest: ModelManifest; files: Map<string, Uint8Array> } => {
    const files = new Map(model.filesA);
    files.set(name, bytes);
    const manifest = { ...model.manifestA, files: { ...model.manifestA.files, [name]: { sha256: sha256(bytes), bytes: bytes.length } } };
    return { manifest, files };
  };

  const properties: ParserProperty[] = [
    // --- dataset loaders
    property(
      'parseCsvLine',
      fc.tuple(fc.oneof(fc.string({ unit: 'binary' }), fc.constantFrom('"a""b",c', '"open', 'a,"b"x,c')), fc.constantFrom(',', '\t', '::', '|', ';'), fc.boolean()),
      rule(([line, separator, quoting]) => parseCsvLine(line, separator, quoting)),
    ),
    property('loadGenericCsv', textFileBytes(GENERIC_CSV), (bytes) => withFiles({ 'ratings.csv': bytes }, (dir) => loadGenericCsv(join(dir, 'ratings.csv')))),
    property('loadJsonl', textFileBytes(JSONL), (bytes) => withFiles({ 'events.jsonl': bytes }, (dir) => loadJsonl(join(dir, 'events.jsonl')))),
    property('loadItemsCsv', textFileBytes(ITEMS_CSV), (bytes) => withFiles({ 'items.csv': bytes }, (dir) => loadItemsCsv(join(dir, 'items.csv')))),
    property(
      'loadMovieLens',
      fc.oneof(
        fc.tuple(fc.constant(['ratings.csv', 'movies.csv'] as const), textFileBytes(ML_RATINGS), textFileBytes(ML_MOVIES)),
        fc.tuple(fc.constant(['ratings.dat', 'movies.dat'] as const), textFileBytes(ML_DAT_RATINGS), textFileBytes(ML_DAT_MOVIES)),
      ),
      ([[ratingsName, moviesName], ratings, movies]) => withFiles({ [ratingsName]: ratings, [moviesName]: movies }, (dir) => loadMovieLens(dir)),
    ),
    property('loadLastfm', fc.tuple(textFileBytes(LASTFM_PLAYS), textFileBytes(LASTFM_ARTISTS)), ([plays, artists]) =>
      withFiles({ 'user_artists.dat': plays, 'artists.dat': artists }, (dir) => loadLastfm(dir)),
    ),
    // --- importers
    property(
      'parseNpy',
      bytesNear(npy),
      rule((bytes: Uint8Array) => parseNpy(bytes, 'fuzz.npy')),
    ),
    property(
      'readIdList',
      fc.tuple(fc.constantFrom('ids.json', 'ids.csv', 'ids.txt'), fc.oneof(textFileBytes('["a", "b", 3]'), textFileBytes('id,title\na,A\n"b,1",B\n'), textFileBytes('a\nb\nc\n'))),
      ([name, bytes]) => withFiles({ [name]: bytes }, (dir) => readIdList(join(dir, name))),
    ),
    property('readSparkItemFactors', bytesNear(parquet), (bytes) =>
      withFiles({ 'part-00000.parquet': bytes }, (dir) => readSparkItemFactors(dir, { ...sparkPartThread, timeoutMilliseconds: 2000 })),
    ),
    // --- model artefacts
    property('parseManifest', fc.oneof(mutatedJson(model.manifestA), mutatedBytes(model.filesA.get(MODEL_FILES.manifest)!).map(text), fc.string()), rule(parseManifest)),
    property('decodeFactorsFile', bytesNear(model.filesA.get(MODEL_FILES.factors)!), rule(decodeFactorsFile)),
    property(
      'decodeModelTables',
      fc.oneof(
        mutatedBytes(model.filesA.get(MODEL_FILES.factors)!).map((bytes) => [MODEL_FILES.factors, bytes] as const),
        // JSON files as text, so a counterexample reads as JSON.
        mutatedJson(catalogValue).map((json) => [MODEL_FILES.catalog, json] as const),
        mutatedJson(model.manifestA).map((json) => [MODEL_FILES.manifest, json] as const),
      ),
      rule(([name, content]: readonly [string, Uint8Array | string]) =>
        decodeModelTables(new Map(model.filesA).set(name, typeof content === 'string' ? utf8(content) : content), 'fuzz'),
      ),
    ),
    property(
      'decodeModelFiles',
      fc.oneof(
        mutatedBytes(model.filesA.get(MODEL_FILES.factors)!).map((bytes) => rehashed(MODEL_FILES.factors, bytes)),
        mutatedJson(catalogValue).map((json) => rehashed(MODEL_FILES.catalog, utf8(json))),
        mutatedBytes(model.filesA.get(MODEL_FILES.catalog)!).map((bytes) => rehashed(MODEL_FILES.catalog, bytes)),
      ),
      rule(({ manifest, files }: { manifest: ModelManifest; files: Map<string, Uint8Array> }) => decodeModelFiles(manifest, files)),
    ),
    // --- sync formats
    property(
      'parseSyncManifest',
      fc.oneof(mutatedJson(syncManifest), mutatedBytes(utf8(syncManifestText)).map(text), fc.string()),
      rule((payload: string) => parseSyncManifest(payload, { lineageId: syncManifest.lineageId, dims: syncManifest.dims })),
    ),
    property('parseSignedManifest', fc.oneof(mutatedJson(JSON.parse(signedText)), mutatedBytes(utf8(signedText)).map(text), fc.string()), rule(parseSignedManifest)),
    property(
      'openSignedManifest',
      fc.oneof(
        bytesNear(utf8(signedText)),
        // Mutated payloads signed with the trusted key: past the signature, into the payload parser.
        fc.oneof(mutatedJson(syncManifest).map(utf8), mutatedBytes(utf8(syncManifestText))).map((payload) => utf8(signing.envelope(payload))),
      ),
      rule((bytes: Uint8Array) => openSignedManifest(bytes, [signing.publicKey], 1, 'js')),
    ),
    property(
      'decodeBase64',
      fc.oneof(fc.string({ unit: 'binary', maxLength: 100 }), fc.base64String(), mutatedBytes(utf8('SGVsbG8sIHdvcmxkIQ==')).map(text)),
      rule((input: string) => decodeBase64(input, 'fuzz')),
    ),
    property(
      'decompressBlob',
      fc.tuple(bytesNear(gzipSync(model.delta)), fc.oneof(fc.constant(model.delta.length), fc.nat())),
      rule(([bytes, decoded]: [Uint8Array, number]) => decompressBlob(bytes, 'gzip', decoded, 'fuzz.delta.gz', 'js')),
    ),
    property(
      'applyDelta',
      bytesNear(model.delta),
      rule((delta: Uint8Array) => applyDelta(model.filesA, delta)),
    ),
    property(
      'applyDeltaToTables',
      mutatedBytes(model.delta),
      rule((delta: Uint8Array) => applyDeltaToTables(model.tablesA, delta)),
    ),
    property('decodeSnapshotBlob', bytesNear(model.snapshot), rule(decodeSnapshotBlob)),
    // --- stored IndexedDB records (structured clones: any JSON-like value, tricky keys included)
    property(
      'validateStoredHistory',
      fc.oneof(
        fc.array(fc.anything({ maxDepth: 2 }), { maxLength: 5 }),
        mutatedJson(validHistory).map((json) => JSON.parse(json) as unknown),
        fc.array(
          fc.record(
            { itemId: jsonish, type: fc.oneof(fc.constantFrom('play', 'complete'), jsonish), time: fc.oneof(fc.double(), jsonish), progress: fc.oneof(fc.double(), jsonish) },
            { requiredKeys: [] },
          ),
          { maxLength: 3 },
        ),
      ),
      // Storage hands over an array of records; what a record holds is anything.
      rule((records: unknown) => validateStoredHistory(Array.isArray(records) ? records : [records])),
    ),
  ];
  return { properties, cleanup: () => rm(root, { recursive: true, force: true }) };
}
