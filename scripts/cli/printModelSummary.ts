import type { ModelManifest } from '../../models/artifact/ModelManifest';

/** One stderr line describing a written model directory. */
export function printModelSummary(manifest: ModelManifest, directory: string): void {
  const bytes = Object.values(manifest.files).reduce((sum, file) => sum + file.bytes, 0);
  process.stderr.write(
    `model v${manifest.modelVersion} (lineage ${manifest.lineageId.slice(0, 8)}): ${manifest.itemCount} items × ${manifest.dims} int8, ` +
      `${manifest.training.coldStartItems ?? 0} cold-start titles, ${(bytes / 1e6).toFixed(2)} MB → ${directory}\n`,
  );
}
