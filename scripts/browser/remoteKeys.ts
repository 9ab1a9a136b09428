/** The keys of a TV remote that the tests press: arrows, OK (Enter) and Back (Escape). */
export type RemoteKey = 'ArrowLeft' | 'ArrowRight' | 'ArrowUp' | 'ArrowDown' | 'Enter' | 'Escape' | 'Backspace';

/** How each protocol names a {@link RemoteKey}. */
export interface RemoteKeyCodes {
  /** DOM `KeyboardEvent.key` and `.code` (also Playwright's key name). */
  key: string;
  /** The legacy `keyCode`, which TV apps still read (`windowsVirtualKeyCode` in CDP). */
  keyCode: number;
  /** The W3C WebDriver key code point (`/actions` key values). */
  webDriver: string;
}

/**
 * {@link RemoteKey} → names per protocol (W3C WebDriver "keys" table; DOM keyCode values).
 *
 * @example
 * ```ts
 * remoteKeyCodes.Enter.keyCode; // 13
 * ```
 */
export const remoteKeyCodes: Readonly<Record<RemoteKey, RemoteKeyCodes>> = Object.freeze({
  ArrowLeft: { key: 'ArrowLeft', keyCode: 37, webDriver: '\uE012' },
  ArrowUp: { key: 'ArrowUp', keyCode: 38, webDriver: '\uE013' },
  ArrowRight: { key: 'ArrowRight', keyCode: 39, webDriver: '\uE014' },
  ArrowDown: { key: 'ArrowDown', keyCode: 40, webDriver: '\uE015' },
  Enter: { key: 'Enter', keyCode: 13, webDriver: '\uE007' },
  Escape: { key: 'Escape', keyCode: 27, webDriver: '\uE00C' },
  Backspace: { key: 'Backspace', keyCode: 8, webDriver: '\uE003' },
});
