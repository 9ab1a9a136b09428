// Types of scripts/browserApiFloor.mjs for the TypeScript tests that call it (the project does not
// type-check .mjs files). Keep in step with the JSDoc there.

/** One use above the floor that is known to be safe (see scripts/browserApiFloorAllowList.mjs). */
export interface AllowListEntry {
  /** The bundle's file name, e.g. `'ondeck-worker.js'`. */
  readonly bundle: string;
  /** The ESLint rule that reports it, e.g. `'compat/compat'`. */
  readonly ruleId: string;
  /** A substring of, or a pattern for, the ESLint message. */
  readonly message: string | RegExp;
  /** Narrows the entry to uses from one original source file (path from the bundle's source map). */
  readonly source?: string | RegExp;
  /** Where the use is guarded and by what capability check, or why the report is a false alarm. */
  readonly reason: string;
}

/** One ESLint report on a bundle. */
export interface FloorFinding {
  readonly bundle: string;
  /** Null for a file ESLint could not parse. */
  readonly ruleId: string | null;
  readonly message: string;
  readonly line: number;
  readonly column: number;
  /** Original file and line, e.g. `worker/sync/decompressBlob.ts:51`, when a source map is next to the bundle. */
  readonly source: string | undefined;
  /** The first allow-list entry that matches it. */
  readonly allowedBy: AllowListEntry | undefined;
}

export interface FloorCheckResult {
  readonly findings: readonly FloorFinding[];
  /** Allow-list entries that matched no finding. */
  readonly staleEntries: readonly AllowListEntry[];
  /** True when every finding is allowed and no entry is stale. */
  readonly ok: boolean;
}

/** Lints browser bundles against the floor and matches the findings with the allow-list. */
export function checkBrowserApiFloor(options: {
  readonly files: readonly string[];
  readonly allowList: readonly AllowListEntry[];
  readonly browsers: readonly string[];
}): Promise<FloorCheckResult>;
