import { OndeckError } from '../errors/OndeckError';
import { checkPopularityPrior, type PopularityPriorParameters } from '../scoring/PopularityPrior';
import { MODEL_FILES, MODEL_FORMAT_NAME, MODEL_FORMAT_VERSION, type ModelManifest } from './ModelManifest';

/** Largest model file a reader accepts (2 GiB): anything bigger is a corrupt or hostile manifest. */
export const MAX_MODEL_FILE_BYTES = 2 ** 31;

/**
 * Parses and checks model.json (platform-neutral: the CLI and the device both use it): format
 * name and version, positive dimensions, finite fold-in hyperparameters, a sane popularity prior
 * when there is one, a files table whose
 * entries have a hex SHA-256 and a sane size.
 *
 * @example
 * ```ts
 * const manifest = parseManifest(await (await fetch(url + 'model.json')).text());
 * ```
 */
export function parseManifest(text: string): ModelManifest {
  const corrupt = (reason: string): OndeckError => new OndeckError('model-corrupt', { file: MODEL_FILES.manifest, reason });
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw corrupt('not valid JSON');
  }
  if (typeof value !== 'object' || value === null || value.format !== MODEL_FORMAT_NAME) throw corrupt('not an ondeck model (format field)');
  if (value.formatVersion !== MODEL_FORMAT_VERSION) {
    throw new OndeckError('model-version-mismatch', { got: value.formatVersion, expected: MODEL_FORMAT_VERSION });
  }
  const positiveInteger = (name: string): void => {
    if (!Number.isInteger(value[name]) || (value[name] as number) < 1) throw corrupt(`${name} must be a positive integer`);
  };
  positiveInteger('dims');
  positiveInteger('itemCount');
  positiveInteger('modelVersion');
  const foldIn = value.foldIn as Record<string, unknown> | undefined;
  for (const key of ['alpha', 'unobservedWeight', 'regularization', 'regularizationExponent']) {
    if (typeof foldIn?.[key] !== 'number' || !Number.isFinite(foldIn[key])) throw corrupt(`foldIn.${key} must be a finite number`);
  }
  if (value.popularityPrior !== undefined) {
    const prior = value.popularityPrior as PopularityPriorParameters | null;
    if (typeof prior !== 'object' || prior === null) throw corrupt('popularityPrior must be an object');
    try {
      checkPopularityPrior(prior);
    } catch (error) {
      throw corrupt((error as Error).message);
    }
  }
  if (typeof value.files !== 'object' || value.files === null) throw corrupt('files is missing');
  for (const [name, entry] of Object.entries(value.files as Record<string, { sha256?: unknown; bytes?: unknown }>)) {
    if (typeof entry?.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(entry.sha256)) throw corrupt(`files["${name}"].sha256 must be 64 hex digits`);
    if (!Number.isInteger(entry.bytes) || (entry.bytes as number) < 0 || (entry.bytes as number) > MAX_MODEL_FILE_BYTES) {
      throw corrupt(`files["${name}"].bytes must be an integer in 0..${MAX_MODEL_FILE_BYTES}`);
    }
  }
  return value as unknown as ModelManifest;
}
