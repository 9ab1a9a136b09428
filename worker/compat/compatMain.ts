/**
 * Entry point of `dist/browser/ondeck-compat.js`, a classic script with the pure-JS fallbacks the
 * worker needs only on engines without native Ed25519 or `DecompressionStream`. It defines
 * `self.ondeckCompat` and nothing else; the worker loads it with `importScripts` on first need
 * (`loadCompatInClassicWorker.ts`), so engines that have both natively never fetch it.
 */
import type { CompatGlobalScope } from './CompatFallbacks';
import { staticCompatFallbacks } from './staticCompatFallbacks';

(self as unknown as CompatGlobalScope).ondeckCompat = staticCompatFallbacks;
