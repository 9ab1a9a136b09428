import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The oldest Chromium ondeck supports, read from package.json's `browserslist` (`chrome 56`:
 * Tizen 4), the one place it is written; the static API check of the bundles reads it too.
 *
 * @example
 * ```ts
 * buildFloorShimSource(SUPPORT_FLOOR_CHROMIUM); // simulate a Tizen 4 TV in Chromium 87
 * ```
 */
export const SUPPORT_FLOOR_CHROMIUM: number = (() => {
  const packageJson = JSON.parse(readFileSync(join(import.meta.dirname, '../../../package.json'), 'utf8')) as { browserslist?: string[] };
  const match = /^chrome (\d+)$/.exec(packageJson.browserslist?.[0] ?? '');
  if (!match) throw new Error(`package.json browserslist should name the floor as "chrome N", got ${JSON.stringify(packageJson.browserslist)}`);
  return Number(match[1]);
})();
