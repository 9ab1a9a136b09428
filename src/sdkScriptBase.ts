/**
 * The URL of the script that loaded ondeck, captured while it is `document.currentScript` (a
 * classic `<script src=…/ondeck.js>`), else the page's URL (ESM builds, bundlers, workers).
 * Default URLs of the SDK's other files (`ondeck-worker.js`, `ondeck-sw.js`) resolve against it,
 * because the build puts them next to `ondeck.js`.
 *
 * @example
 * ```ts
 * new URL('ondeck-sw.js', sdkScriptBase).href; // 'https://tv.example/ondeck/ondeck-sw.js'
 * ```
 */
export const sdkScriptBase: string =
  typeof document !== 'undefined' && document.currentScript instanceof HTMLScriptElement && document.currentScript.src
    ? document.currentScript.src
    : typeof location !== 'undefined'
      ? location.href
      : '';
