import type { OrtModule } from './OrtModule';

/**
 * Node and bundlers: onnxruntime-web from the npm package (Node resolves its `node` export).
 * The browser worker bundle replaces this file with `loadOrtUnavailable.ts` (scripts/build.mjs),
 * because `import()` does not even parse on the oldest TV engines; there the engine passes
 * `loadOrtInClassicWorker` as the runtime loader instead.
 */
export function loadOrtFromPackage(): Promise<OrtModule> {
  return import('onnxruntime-web').then((module) => module as OrtModule);
}
