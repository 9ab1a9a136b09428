// The ESLint flat config that checks browser bundles against the support floor (package.json's
// `browserslist`): which rules run, and why some of eslint-plugin-es-x's are left out.
import { createRequire } from 'node:module';
import compat from 'eslint-plugin-compat';
import esX from 'eslint-plugin-es-x';

const require = createRequire(import.meta.url);
/** MDN's browser-compat-data: which version of each browser added each feature. */
const browserCompatData = require('@mdn/browser-compat-data');
// The browserslist that eslint-plugin-compat itself resolves queries with, so that the floor
// this file derives rules from is exactly the one the `compat/compat` rule checks.
const browserslist = createRequire(require.resolve('eslint-plugin-compat'))('browserslist');

/**
 * The MDN browser-compat-data features behind each ES2017 rule of eslint-plugin-es-x. An ES2017
 * rule is turned off when every target of the floor has all of its features (Chromium 56 has
 * async functions and Object.values/entries/getOwnPropertyDescriptors, not padStart/padEnd,
 * trailing commas in parameter lists, Atomics nor SharedArrayBuffer). Rules of ES2018 and later
 * stay on without asking: Chromium shipped none of them before 60.
 */
const es2017RuleFeatures = {
  'es-x/no-async-functions': ['javascript.statements.async_function', 'javascript.operators.async_function'],
  'es-x/no-atomics': ['javascript.builtins.Atomics'],
  'es-x/no-object-entries': ['javascript.builtins.Object.entries'],
  'es-x/no-object-getownpropertydescriptors': ['javascript.builtins.Object.getOwnPropertyDescriptors'],
  'es-x/no-object-values': ['javascript.builtins.Object.values'],
  'es-x/no-shared-array-buffer': ['javascript.builtins.SharedArrayBuffer'],
  'es-x/no-string-prototype-padstart-padend': ['javascript.builtins.String.padStart', 'javascript.builtins.String.padEnd'],
  'es-x/no-trailing-function-commas': ['javascript.grammar.trailing_commas.trailing_commas_in_functions'],
};

/** browserslist's browser names → browser-compat-data's, for the engines a floor may name. */
const bcdBrowserNames = {
  chrome: 'chrome',
  and_chr: 'chrome_android',
  edge: 'edge',
  firefox: 'firefox',
  and_ff: 'firefox_android',
  safari: 'safari',
  ios_saf: 'safari_ios',
  samsung: 'samsunginternet_android',
  opera: 'opera',
};

/**
 * The ESLint flat config (one object) that reports what the floor lacks in a browser bundle.
 *
 * - `compat/compat` (eslint-plugin-compat, MDN data): web APIs and, with `lintAllEsApis`, ES
 *   built-ins used as `X`, `X.y` or `new X` that a target lacks. `ignoreConditionalChecks` is on
 *   because the plugin otherwise skips every use with any `if` among its ancestors, whatever that
 *   `if` tests: in a minified bundle that hides unguarded uses. Guards are judged in the
 *   allow-list instead, one by one.
 * - eslint-plugin-es-x's `flat/restrict-to-es2016` rules in aggressive mode (minified code has no
 *   types, so `s.padStart(…)` is reported whatever `s` is), minus:
 *   - the ES2017 features every target has, per {@link es2017RulesOnFloor};
 *   - `es-x/no-iterator-prototype-*`: without types every array `.map(`/`.forEach(` looks like an
 *     ES2025 iterator helper, so on minified bundles they report only noise. Our own sources
 *     cannot use iterator helpers anyway: tsconfig.json's `lib: ES2022` has no types for them.
 *
 * `ecmaVersion: 'latest'` is required, not just permissive: ESLint declares the built-in globals
 * of the ecmaVersion it parses with, and es-x's global rules (`no-global-this`, `no-bigint`,
 * `no-weakrefs`, …) only see declared globals. Parsing as ES2017 silently drops every
 * `globalThis`, `BigInt` and `FinalizationRegistry` finding. (Syntax above the floor is the job
 * of scripts/checkBundles.mjs.)
 *
 * Note: eslint-plugin-compat also merges in any browserslist config it finds above the linted
 * file (package.json's for dist/), which can only add targets.
 *
 * @param {readonly string[]} browsers browserslist queries of the floor, e.g. `['chrome 56']`.
 * @returns {import('eslint').Linter.Config} the config, for `new ESLint({ overrideConfig })`.
 */
export function createBrowserApiFloorConfig(browsers) {
  const floorRules = { ...esX.configs['flat/restrict-to-es2016'].rules };
  for (const ruleId of Object.keys(floorRules)) {
    if (ruleId.startsWith('es-x/no-iterator-prototype-')) delete floorRules[ruleId];
  }
  for (const [ruleId, onFloor] of Object.entries(es2017RulesOnFloor(browsers))) {
    if (onFloor) delete floorRules[ruleId];
  }
  return {
    plugins: { compat, 'es-x': esX },
    languageOptions: {
      ecmaVersion: 'latest',
      sourceType: 'script',
      // The global objects es-x follows property chains through (`self.Promise.allSettled`).
      globals: { self: 'readonly', window: 'readonly' },
    },
    // A dependency's `/* eslint-disable */` comment must not silence the floor check.
    linterOptions: { noInlineConfig: true, reportUnusedDisableDirectives: 'off' },
    settings: {
      browsers: [...browsers],
      lintAllEsApis: true,
      ignoreConditionalChecks: true,
      'es-x': { aggressive: true },
    },
    rules: { ...floorRules, 'compat/compat': 'error' },
  };
}

/**
 * For each ES2017 rule of eslint-plugin-es-x, whether every target of the floor has its features
 * (per MDN browser-compat-data), i.e. whether the rule would only report false alarms.
 *
 * @param {readonly string[]} browsers browserslist queries of the floor.
 * @returns {Record<string, boolean>} rule id → true when the floor has the feature.
 * @throws Error when es-x has an ES2017 rule this file does not map to MDN data yet.
 */
export function es2017RulesOnFloor(browsers) {
  const targets = browserslist([...browsers]);
  const result = {};
  for (const ruleId of Object.keys(esX.configs['flat/no-new-in-es2017'].rules)) {
    const features = es2017RuleFeatures[ruleId];
    if (!features) throw new Error(`${ruleId}: an ES2017 rule with no browser-compat-data feature in es2017RuleFeatures (scripts/browserApiFloorConfig.mjs); add it`);
    result[ruleId] = features.every((feature) => targets.every((target) => targetHasFeature(target, feature)));
  }
  return result;
}

/** Whether one browserslist target (`'chrome 56'`) has a browser-compat-data feature (dotted path). */
function targetHasFeature(target, featurePath) {
  const [browser, version] = target.split(' ');
  const bcdBrowser = bcdBrowserNames[browser];
  if (!bcdBrowser) throw new Error(`browserslist target ${target}: no browser-compat-data name for "${browser}" in bcdBrowserNames (scripts/browserApiFloorConfig.mjs)`);
  const feature = featurePath.split('.').reduce((node, key) => node?.[key], browserCompatData);
  if (!feature?.__compat) throw new Error(`${featurePath} is not in @mdn/browser-compat-data`);
  const added = firstFullSupport(feature.__compat.support[bcdBrowser]);
  // Ranges such as iOS Safari's "15.2-15.3": the lowest version is the one that counts.
  return added !== undefined && compareVersions(added, version.split('-')[0]) <= 0;
}

/**
 * The version that first had the feature unflagged, unprefixed and complete, or undefined.
 * A `"≤37"` (supported by 37 at the latest) counts as 37.
 */
function firstFullSupport(support) {
  const statements = support === undefined ? [] : Array.isArray(support) ? support : [support];
  const versions = statements
    .filter((s) => !s.flags && !s.prefix && !s.alternative_name && !s.partial_implementation && !s.version_removed)
    .map((s) => s.version_added)
    .filter((v) => typeof v === 'string' && /^≤?\d/.test(v))
    .map((v) => v.replace('≤', ''));
  return versions.sort(compareVersions)[0];
}

/** Numeric comparison of dotted versions ("16.10" > "16.4"). */
function compareVersions(a, b) {
  const left = a.split('.').map(Number);
  const right = b.split('.').map(Number);
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const difference = (left[i] ?? 0) - (right[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}
