import type { TrackEventType } from '../models/contract/types';

/**
 * Every {@link TrackEventType}, for checking values that come from outside the type system:
 * events an app tracks, and history records read back from storage.
 */
export const TRACK_EVENT_TYPES: readonly TrackEventType[] = Object.freeze(['play', 'progress', 'complete', 'like', 'dislike', 'hide']);

/** True when `value` is one of {@link TRACK_EVENT_TYPES}. */
export function isTrackEventType(value: unknown): value is TrackEventType {
  return (TRACK_EVENT_TYPES as readonly unknown[]).indexOf(value) >= 0;
}
