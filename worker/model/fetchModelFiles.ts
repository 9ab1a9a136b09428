import { MODEL_FILES, type ModelManifest } from '../../models/artifact/ModelManifest';
import { parseManifest } from '../../models/artifact/parseManifest';
import { readBodyAtMost } from './readBodyAtMost';
import { OndeckError } from '../../models/errors/OndeckError';

/** A downloaded, not yet verified model. */
export interface FetchedModelFiles {
  readonly manifest: ModelManifest;
  readonly files: Map<string, Uint8Array>;
}

/**
 * Downloads a model directory served over HTTP (model.json unless given, then every file it lists). Each
 * body is read with a hard limit of the size the manifest declares: a server that sends more is
 * cut off and the download refused, whatever its Content-Length says. Verification of the
 * hashes is the caller's next step (`decodeModelFiles`).
 *
 * @param baseUrl URL of the directory, ending in `/`.
 * @example
 * ```ts
 * const { manifest, files } = await fetchModelFiles('https://cdn.example.com/models/v3/');
 * ```
 */
export async function fetchModelFiles(baseUrl: string, fetchImpl: typeof fetch = fetch, manifest?: ModelManifest): Promise<FetchedModelFiles> {
  const listed = manifest ?? (await fetchModelManifest(baseUrl, fetchImpl));
  const files = new Map<string, Uint8Array>();
  for (const [name, entry] of Object.entries(listed.files)) {
    if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new OndeckError('model-corrupt', { file: MODEL_FILES.manifest, reason: `file name "${name}" is not allowed` });
    files.set(name, await fetchLimited(fetchImpl, `${baseUrl}${name}`, entry.bytes, name));
  }
  return { manifest: listed, files };
}

/**
 * Downloads and checks only model.json (at most 1 MiB), so a device can tell whether the model
 * is newer than its own before spending bandwidth on the files.
 */
export async function fetchModelManifest(baseUrl: string, fetchImpl: typeof fetch = fetch): Promise<ModelManifest> {
  const manifestBytes = await fetchLimited(fetchImpl, `${baseUrl}${MODEL_FILES.manifest}`, 1 << 20, MODEL_FILES.manifest);
  return parseManifest(new TextDecoder().decode(manifestBytes));
}

async function fetchLimited(fetchImpl: typeof fetch, url: string, limit: number, name: string): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetchImpl(url, { cache: 'no-cache', credentials: 'omit' });
  } catch (error) {
    throw new OndeckError('network-failed', { url, reason: error instanceof Error ? error.message : String(error) });
  }
  if (!response.ok) throw new OndeckError('network-failed', { url, reason: `HTTP ${response.status}` });
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit && !response.headers.get('content-encoding')) {
    throw new OndeckError('model-corrupt', { file: name, reason: `server announces ${declared} bytes, at most ${limit} expected` });
  }
  return readBodyAtMost(response, limit, (what) => new OndeckError('model-corrupt', { file: name, reason: `${what}, at most the ${limit} bytes the manifest declares` }));
}
