/**
 * Entry of a test-only bundle (built by sync.browser.test.ts with the shipped bundles' esbuild
 * target, chrome56) that exposes the worker's sync primitives to a page, so both engines can run
 * each implementation: the native one (SubtleCrypto Ed25519, DecompressionStream) where it exists
 * and the pure-JS fallback (tweetnacl, fflate) everywhere.
 */
import { decodeBase64 } from '../../../models/sync/decodeBase64';
import { decompressBlob } from '../../../worker/sync/decompressBlob';
import { verifyEd25519 } from '../../../worker/sync/verifyEd25519';

(globalThis as { ondeckSyncPrimitives?: unknown }).ondeckSyncPrimitives = { decodeBase64, decompressBlob, verifyEd25519 };
