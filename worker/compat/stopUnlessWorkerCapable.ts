import { findMissingCapabilities, WORKER_CAPABILITIES, type UnsupportedEngineMessage } from './requiredCapabilities';

/**
 * The engine worker's first check, imported first by workerMain.ts so that it runs before any
 * other module of the bundle is evaluated: where the engine lacks a capability the engine needs,
 * it tells the page which (the SDK turns that into an `unsupported-engine` error) and stops the
 * script, instead of failing later with an uncaught TypeError.
 */
export const missingWorkerCapabilities: readonly string[] = findMissingCapabilities(WORKER_CAPABILITIES);

if (missingWorkerCapabilities.length > 0) {
  const message: UnsupportedEngineMessage = { ondeckUnsupportedEngine: { missing: missingWorkerCapabilities } };
  (globalThis as unknown as { postMessage(data: unknown): void }).postMessage(message);
  // Stops evaluating the rest of the bundle; the page already knows why.
  throw new Error(`ondeck: this engine lacks ${missingWorkerCapabilities.join(', ')}`);
}
