import type { OndeckErrorCode, OndeckErrorDetails } from '../../errors/OndeckError';
import type { SparkPart } from './decodeSparkPart';

/** What the Spark part thread answers: the decoded part, or the typed error as plain data. */
export type SparkPartReply = { readonly ok: true; readonly part: SparkPart } | { readonly ok: false; readonly code: OndeckErrorCode; readonly details: OndeckErrorDetails };
