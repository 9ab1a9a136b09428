/** The slice of `navigator.gpu` this needs (absent from the TypeScript DOM lib this project targets). */
interface GpuLike {
  requestAdapter(): Promise<{ readonly info?: { readonly vendor?: string; readonly architecture?: string }; readonly isFallbackAdapter?: boolean } | null>;
}

declare const navigator: { readonly gpu?: GpuLike } | undefined;

/**
 * Describes the WebGPU adapter this engine would give ORT (`"google swiftshader (fallback)"`), or
 * `undefined` when there is none: no `navigator.gpu` (most TV engines, insecure contexts), or a
 * `requestAdapter()` that yields nothing or fails (no usable GPU, blocklisted driver). Asking
 * costs no download, so it runs before ORT's WebGPU build is ever fetched.
 *
 * @example
 * ```ts
 * const adapter = await findWebGpuAdapter(); // undefined on a 2019 TV
 * ```
 */
export async function findWebGpuAdapter(): Promise<string | undefined> {
  const gpu = typeof navigator !== 'undefined' ? navigator.gpu : undefined;
  if (!gpu || typeof gpu.requestAdapter !== 'function') return undefined;
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return undefined;
    const info = adapter.info ?? {};
    const name = [info.vendor, info.architecture].filter((part) => part).join(' ') || 'unnamed adapter';
    return adapter.isFallbackAdapter ? `${name} (fallback)` : name;
  } catch {
    return undefined;
  }
}
