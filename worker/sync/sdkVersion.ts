/**
 * The device SDK's version (semver), compared with a sync manifest's `minSdkVersion`. Kept equal
 * to package.json's `version` by a test (test/worker/sync/primitives.test.ts).
 *
 * @example
 * ```ts
 * if (compareSemver(manifest.minSdkVersion, ONDECK_SDK_VERSION) > 0) refuse();
 * ```
 */
export const ONDECK_SDK_VERSION = '0.1.0';

/**
 * Compares two `MAJOR.MINOR.PATCH` versions (a pre-release or build suffix is ignored):
 * negative, zero or positive like a sort comparator; `NaN` when either is not semver.
 *
 * @example
 * ```ts
 * compareSemver('0.2.0', '0.10.0'); // < 0
 * ```
 */
export function compareSemver(a: string, b: string): number {
  const parse = (version: string): number[] | undefined => {
    const match = /^(\d+)\.(\d+)\.(\d+)(?:[-+].*)?$/.exec(version);
    return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : undefined;
  };
  const left = parse(a);
  const right = parse(b);
  if (!left || !right) return NaN;
  for (let i = 0; i < 3; i++) if (left[i] !== right[i]) return left[i] - right[i];
  return 0;
}
