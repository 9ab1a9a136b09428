import type { BlobReference } from '../../models/sync/SyncManifest';
import { OndeckError } from '../../models/errors/OndeckError';
import { sha256Hex } from '../model/sha256Hex';
import type { DownloadCache } from './DownloadCache';
import { httpFailure, transportFailure } from './httpFailure';

/** Options of {@link downloadBlob}. */
export interface DownloadBlobOptions {
  /** Absolute URL of the blob. */
  readonly url: string;
  /** What the signed manifest says about it: size, SHA-256. */
  readonly reference: BlobReference;
  readonly cache: DownloadCache;
  readonly fetch: typeof fetch;
  /** Called as bytes arrive (resumed bytes count as received). */
  readonly onProgress?: (received: number, total: number) => void;
  /**
   * Received bytes are stored for resuming once this many are pending, or once a second passed.
   * @defaultValue 262144
   */
  readonly persistBytes?: number;
  /**
   * A body that delivers nothing for this long is abandoned (what was received is kept).
   * @defaultValue 60000
   */
  readonly stallTimeoutMs?: number;
  /**
   * A body that averages less than this over a {@link DownloadBlobOptions.rateWindowMs} window is
   * cut off (`sync-timeout`; what was received is kept): a server trickling a byte a minute must
   * not hold the attempt for days. `0` turns the check off.
   * @defaultValue 0
   */
  readonly minimumBytesPerSecond?: number;
  /** @defaultValue 30000 */
  readonly rateWindowMs?: number;
}

/** How a download went, for status and tests. */
export interface DownloadedBlob {
  readonly bytes: Uint8Array;
  /** Bytes that came from the download cache instead of the network. */
  readonly resumedFrom: number;
}

/**
 * Downloads one immutable blob and verifies it against the signed manifest: never reads more than
 * `reference.bytes` (a longer body is cut off and refused, whatever Content-Length says), and the
 * result's SHA-256 must match. Resumes from what {@link DownloadCache} holds with
 * `Range: bytes=N-` (a `200` instead of `206` restarts from zero; a complete stored blob needs no
 * request at all) and keeps storing what arrives, so a reload, a crash or a dropped connection
 * costs only the bytes in flight. `cache: 'no-store'`: the device keeps the model in IndexedDB
 * itself, and a second copy in the HTTP cache would double the disk use on a box with little.
 *
 * @throws OndeckError `network-failed` (HTTP status, `retryAfterMs`, a broken body: resumable),
 *   `model-corrupt` (too long, or the SHA-256 does not match: the stored prefix is discarded).
 * @example
 * ```ts
 * const { bytes } = await downloadBlob({ url, reference: manifest.snapshot, cache, fetch });
 * ```
 */
export async function downloadBlob(options: DownloadBlobOptions): Promise<DownloadedBlob> {
  const { url, reference, cache } = options;
  const total = reference.bytes;
  const output = new Uint8Array(total);
  let prefix = await cache.readPrefix(reference.sha256).catch(() => new Uint8Array(0));
  if (prefix.byteLength > total) {
    await cache.discard(reference.sha256).catch(() => undefined);
    prefix = new Uint8Array(0);
  }
  output.set(prefix);
  const resumedFrom = prefix.byteLength;
  let received = resumedFrom;
  if (received < total) received = await fetchRemainder(options, output, received);
  options.onProgress?.(received, total);
  if ((await sha256Hex(output)) !== reference.sha256) {
    await cache.discard(reference.sha256).catch(() => undefined);
    throw new OndeckError('model-corrupt', { file: reference.path, reason: 'SHA-256 does not match the signed manifest' });
  }
  return { bytes: output, resumedFrom };
}

/** Fetches bytes `from`.. of the blob into `output`; returns the new received count (= total). */
async function fetchRemainder(options: DownloadBlobOptions, output: Uint8Array, from: number): Promise<number> {
  const { url, reference, cache } = options;
  const total = reference.bytes;
  const headers: Record<string, string> = from > 0 ? { Range: `bytes=${from}-` } : {};
  let response: Response;
  try {
    response = await options.fetch(url, { cache: 'no-store', credentials: 'omit', headers });
  } catch (error) {
    throw transportFailure(url, error);
  }
  let offset = from;
  if (response.status === 206) {
    const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(response.headers.get('content-range') ?? '');
    if (!range || Number(range[1]) !== from || (range[3] !== '*' && Number(range[3]) !== total)) {
      await cancelBody(response);
      await cache.discard(reference.sha256).catch(() => undefined);
      throw new OndeckError('network-failed', { url, reason: `unexpected Content-Range ${JSON.stringify(response.headers.get('content-range'))} for bytes=${from}-` });
    }
  } else if (response.status === 200) {
    // The server ignored the Range header: the body is the whole blob.
    offset = 0;
  } else {
    await cancelBody(response);
    // 416: what we stored does not fit this blob; forget it so the next try starts clean.
    if (response.status === 416) await cache.discard(reference.sha256).catch(() => undefined);
    throw httpFailure(url, response);
  }
  const declared = Number(response.headers.get('content-length'));
  if (response.headers.get('content-length') !== null && Number.isFinite(declared) && offset + declared > total && !response.headers.get('content-encoding')) {
    await cancelBody(response);
    throw new OndeckError('model-corrupt', { file: reference.path, reason: `server announces ${offset + declared} bytes, the manifest says ${total}` });
  }
  return readBody(options, response, output, offset);
}

async function readBody(options: DownloadBlobOptions, response: Response, output: Uint8Array, start: number): Promise<number> {
  const { url, reference, cache } = options;
  const total = reference.bytes;
  const persistBytes = options.persistBytes ?? 262_144;
  let offset = start;
  let persistedUpTo = start;
  let lastPersist = Date.now();
  let persisting: Promise<void> = Promise.resolve();
  let persistFailed = false;
  const persist = (): void => {
    if (persistFailed || offset === persistedUpTo) return;
    const from = persistedUpTo;
    const piece = output.slice(from, offset);
    persistedUpTo = offset;
    lastPersist = Date.now();
    // Chained, so pieces land in order; a failure (quota) only ends resumability, not the download.
    persisting = persisting
      .then(() => cache.append(reference.sha256, from, piece))
      .catch(() => {
        persistFailed = true;
      });
  };
  if (!response.body) {
    // Engines without streamed bodies: all or nothing, still bounded.
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await response.arrayBuffer());
    } catch (error) {
      throw transportFailure(url, error);
    }
    if (offset + bytes.byteLength > total) throw tooLong(reference);
    output.set(bytes, offset);
    offset += bytes.byteLength;
  } else {
    const reader = response.body.getReader();
    const stallTimeoutMs = options.stallTimeoutMs ?? 60_000;
    const pace = new TransferPace(url, options.minimumBytesPerSecond ?? 0, options.rateWindowMs ?? 30_000);
    try {
      for (;;) {
        const { done, value } = await readPaced(reader, url, stallTimeoutMs, pace);
        if (done) break;
        if (offset + value.byteLength > total) {
          await reader.cancel().catch(() => undefined);
          throw tooLong(reference);
        }
        output.set(value, offset);
        offset += value.byteLength;
        pace.received(value.byteLength);
        options.onProgress?.(offset, total);
        // Every 256 KiB on a fast link; every 250 ms on a slow one, where each byte is expensive
        // and a reload or power cut must lose as little as possible.
        if (offset - persistedUpTo >= persistBytes || Date.now() - lastPersist >= 250) persist();
      }
    } catch (error) {
      if (!(error instanceof OndeckError && error.code === 'model-corrupt')) {
        // Keep what arrived before the break: the next attempt resumes from there.
        persist();
        await persisting;
        throw error instanceof OndeckError ? error : transportFailure(url, error);
      }
      await persisting;
      await cache.discard(reference.sha256).catch(() => undefined);
      throw error;
    }
  }
  if (offset < total) {
    persist();
    await persisting;
    throw new OndeckError('network-failed', { url, reason: `the body ended after ${offset} of ${total} bytes` });
  }
  // Complete: store the tail too, so a reload before the apply commits needs no download at all.
  // Not awaited: the write is queued in IndexedDB already and commits on its own while the blob
  // is applied; if a reload wins the race, the tail is simply downloaded again.
  persist();
  return offset;
}

/**
 * The minimum-rate rule of a download: the bytes of each window of `windowMs` must average at
 * least `minimumBytesPerSecond`, checked at the window's end whether or not a chunk arrives then.
 */
class TransferPace {
  private windowStart = Date.now();
  private windowBytes = 0;

  constructor(
    private readonly url: string,
    private readonly minimumBytesPerSecond: number,
    private readonly windowMs: number,
  ) {}

  received(bytes: number): void {
    this.windowBytes += bytes;
  }

  /** Milliseconds until the current window ends (Infinity when there is no minimum). */
  untilCheck(now: number): number {
    return this.minimumBytesPerSecond > 0 ? Math.max(0, this.windowStart + this.windowMs - now) : Infinity;
  }

  /** At a window's end: throws `sync-timeout` if it was too slow, else starts the next window. */
  check(now: number): void {
    if (this.untilCheck(now) > 0) return;
    const required = (this.minimumBytesPerSecond * this.windowMs) / 1000;
    if (this.windowBytes < required) {
      throw new OndeckError('sync-timeout', {
        url: this.url,
        reason: `${this.windowBytes} bytes in ${this.windowMs} ms, below the minimum of ${this.minimumBytesPerSecond} bytes/s`,
      });
    }
    this.windowStart = now;
    this.windowBytes = 0;
  }
}

/**
 * The next chunk. The body is cancelled (what arrived is kept by the caller) when nothing comes
 * within `stallTimeoutMs`, or when a window of the pace ends too slow.
 */
async function readPaced(reader: ReadableStreamDefaultReader<Uint8Array>, url: string, stallTimeoutMs: number, pace: TransferPace): Promise<ReadableStreamReadResult<Uint8Array>> {
  const pending = reader.read();
  const stallAt = Date.now() + stallTimeoutMs;
  for (;;) {
    const now = Date.now();
    const waitMs = Math.min(stallAt - now, pace.untilCheck(now));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const outcome = await Promise.race([pending, new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), Math.max(0, waitMs))))]);
    clearTimeout(timer);
    if (outcome !== 'late') return outcome;
    try {
      if (Date.now() >= stallAt) throw new OndeckError('network-failed', { url, reason: `no data for ${stallTimeoutMs} ms` });
      pace.check(Date.now());
    } catch (error) {
      // Chromium 56 has no AbortController for fetch; cancelling the reader ends the transfer.
      reader.cancel().catch(() => undefined);
      pending.catch(() => undefined);
      throw error;
    }
  }
}

function tooLong(reference: BlobReference): OndeckError {
  return new OndeckError('model-corrupt', { file: reference.path, reason: `more than the ${reference.bytes} bytes the signed manifest declares` });
}

async function cancelBody(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => undefined);
}
