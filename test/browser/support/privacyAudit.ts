import type { RecordedRequest } from './startRecordingProxy';

/** Something about the viewer that must never leave the page. */
export interface ViewerSecret {
  /** What it is, for the report: `tracked item id`, `profile name`, `event time`… */
  readonly label: string;
  readonly value: string;
  /**
   * Match only as a whole word, not inside longer words. For values that cannot be made unique
   * tokens, such as the event types `play` or `like`, which a plain substring search finds in
   * `display` or in a User-Agent's `like Gecko`.
   * @defaultValue false
   */
  readonly wholeWord?: boolean;
}

/** One place a {@link ViewerSecret} was found in what the page sent. */
export interface PrivacyLeak {
  /** Index of the request in the list searched. */
  readonly request: number;
  readonly method: string;
  readonly url: string;
  /** The secret's label and value. */
  readonly secret: string;
  readonly value: string;
  /** `url`, `body`, or `header NAME`. */
  readonly where: string;
}

/** Options of {@link findPrivacyLeaks}. */
export interface FindPrivacyLeaksOptions {
  /**
   * The engine's own `navigator.userAgent`. A `User-Agent` header with exactly this value is the
   * browser's product string, not something the SDK wrote, so whole-word secrets (event types:
   * every Chromium says `like Gecko`) are not looked for in it. Any other User-Agent value is
   * searched like every header; unique-token secrets are searched in it either way.
   */
  readonly browserUserAgent?: string;
}

/**
 * Looks for every secret in everything each request SENT: its URL (as sent and percent-decoded),
 * every header line (name and value) and its body (as UTF-8, and form-decoded), case-insensitively,
 * also in `encodeURIComponent` form. Only what leaves the page is searched: what a server
 * answers (a catalog listing the very item ids a viewer watched) is not a leak.
 *
 * A secret that is a long random token makes a substring hit meaningful; short common words
 * need {@link ViewerSecret.wholeWord}. Returns one {@link PrivacyLeak} per secret and place.
 *
 * @example
 * ```ts
 * const leaks = findPrivacyLeaks(proxy.requests, [{ label: 'profile name', value: 'Viewer-4f9c0b…' }]);
 * expect(leaks).toEqual([]);
 * ```
 */
export function findPrivacyLeaks(requests: readonly RecordedRequest[], secrets: readonly ViewerSecret[], options: FindPrivacyLeaksOptions = {}): PrivacyLeak[] {
  const matchers = secrets.map((secret) => ({ secret, matches: secretMatcher(secret) }));
  const leaks: PrivacyLeak[] = [];
  requests.forEach((request, index) => {
    const places: Array<{ where: string; texts: string[]; browserOwned?: boolean }> = [
      { where: 'url', texts: [request.url, decodedOrEmpty(request.url)] },
      ...request.headers.map(([name, value]) => ({
        where: `header ${name}`,
        texts: [`${name}: ${value}`, decodedOrEmpty(value)],
        browserOwned: name.toLowerCase() === 'user-agent' && value === options.browserUserAgent,
      })),
    ];
    if (request.body.length > 0) {
      const text = new TextDecoder().decode(request.body);
      places.push({ where: 'body', texts: [text, decodedOrEmpty(text.replace(/\+/g, ' '))] });
    }
    for (const place of places) {
      for (const { secret, matches } of matchers) {
        if (place.browserOwned && secret.wholeWord) continue;
        if (place.texts.some(matches)) leaks.push({ request: index, method: request.method, url: request.url, secret: secret.label, value: secret.value, where: place.where });
      }
    }
  });
  return leaks;
}

/** A predicate that finds `secret` (raw or URI-encoded) in a text, ignoring case. */
function secretMatcher(secret: ViewerSecret): (text: string) => boolean {
  const forms = [...new Set([secret.value, encodeURIComponent(secret.value)])].filter((form) => form.length > 0);
  if (secret.wholeWord) {
    const words = forms.map((form) => new RegExp(`(^|[^a-z0-9])${form.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![a-z0-9])`, 'i'));
    return (text) => words.some((word) => word.test(text));
  }
  const lowered = forms.map((form) => form.toLowerCase());
  return (text) => {
    const haystack = text.toLowerCase();
    return lowered.some((form) => haystack.includes(form));
  };
}

/** `decodeURIComponent(text)`, or `''` when it is not valid percent-encoding. */
function decodedOrEmpty(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return '';
  }
}

/** A kind of request the app is expected to make, e.g. `model file` or `sync blob`. */
export interface RequestKind {
  readonly kind: string;
  /** Whether a request target (path and query, as sent) is of this kind. */
  readonly matches: (target: string) => boolean;
}

/**
 * The kind of each request (the first of `kinds` that matches its target), or `null` for a
 * request of no expected kind.
 *
 * @example
 * ```ts
 * kindOf('/model/model.json', [{ kind: 'model file', matches: (target) => target.startsWith('/model/') }]); // 'model file'
 * ```
 */
export function kindOf(target: string, kinds: readonly RequestKind[]): string | null {
  return kinds.find((kind) => kind.matches(target))?.kind ?? null;
}
