import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadJsonl } from '../../../../models/node/data/loadJsonl';
import { isOndeckError } from '../../../../models/errors/OndeckError';
import { tempDirWith } from '../../../support/tempFiles';
import { timesByItem } from '../../../support/timesByItem';

const EVENTS = [
  '{"user": "007", "item": 42, "weight": 2}', // 1
  '{"user": 7, "item": "42", "timestamp": "2024-05-01T10:00:00Z"}', // 2
  '', // 3 blank
  '{"user": "007", "item": "0042"}', // 4
  '{"user": "big", "item": "12345678901234567890"}', // 5
  '{"user": "big", "item": 12345678901234567890}', // 6 unsafe number
  '{"user": "007", "item": 42, "weight": 1.5}', // 7 duplicate
  'not json', // 8
  '[1, 2]', // 9
  '{"user": "x", "item": "y", "weight": -1}', // 10
  '{"user": "x", "item": "y", "weight": "NaN"}', // 11
  '{"user": "x"}', // 12
  '{"userId": "r", "item_id": "m1", "rating": 4.5}', // 13
  '{"user_id": "r", "itemId": "m2", "rating": 2}', // 14
  '   ', // 15 blank
].join('\n');

describe('loadJsonl', () => {
  it('stringifies ids without reformatting them, sums duplicates, thresholds ratings', async () => {
    const dir = await tempDirWith({ 'events.jsonl': EVENTS });
    const { interactions, report } = await loadJsonl(join(dir, 'events.jsonl'));
    expect(interactions.userIds).toEqual(['007', '7', 'big', 'r']);
    expect(interactions.itemIds).toEqual(['42', '0042', '12345678901234567890', 'm1']);
    expect(Array.from(interactions.indptr)).toEqual([0, 2, 3, 4, 5]);
    expect(Array.from(interactions.weights)).toEqual([3.5, 1, 1, 1, 1]);
    expect(report.duplicatesAggregated).toBe(1);
    expect(report.belowThreshold).toBe(1);
    expect(report.linesRead).toBe(13);
  });

  it('skips bad lines with warnings naming the file and line', async () => {
    const dir = await tempDirWith({ 'events.jsonl': EVENTS });
    const file = join(dir, 'events.jsonl');
    const { report } = await loadJsonl(file);
    expect(report.skippedLines).toBe(6);
    // The last warning costs no line: line 2 is the only one with a time, so the times are dropped.
    expect(report.warnings.map((w) => w.line)).toEqual([6, 8, 9, 10, 11, 12, 2]);
    expect(report.warnings[6].reason).toContain('some lines have a time and others do not');
    expect(report.warnings.every((w) => w.file === file)).toBe(true);
    expect(report.warnings[0].reason).toContain('2^53');
    expect(report.warnings[1].reason).toContain('not valid JSON');
    expect(report.warnings[5].reason).toBe('item: missing');
  });

  it('throws malformed-input with the line under strict', async () => {
    const dir = await tempDirWith({ 'events.ndjson': '{"user":"a","item":"b"}\n{"user":"a",\n' });
    const error = await loadJsonl(join(dir, 'events.ndjson'), { strict: true }).catch((e: unknown) => e);
    expect(isOndeckError(error, 'malformed-input')).toBe(true);
    expect((error as { details: unknown }).details).toMatchObject({ line: 2 });
  });

  it('reports empty-data when nothing is usable', async () => {
    const dir = await tempDirWith({ 'events.jsonl': '\n{"user":"a","item":"b","rating":1}\n' });
    const error = await loadJsonl(join(dir, 'events.jsonl')).catch((e: unknown) => e);
    expect(isOndeckError(error, 'empty-data')).toBe(true);
  });

  it('keeps times given as numbers, numeric strings or ISO dates, under timestamp, time or ts', async () => {
    const lines = [
      '{"user": "a", "item": "x", "timestamp": 100}',
      '{"user": "a", "item": "y", "time": "2024-05-01T10:00:00Z"}',
      '{"user": "a", "item": "x", "ts": "50"}',
      '{"user": "b", "item": "x", "rating": 5, "timestamp": 300}',
    ];
    const dir = await tempDirWith({ 'events.jsonl': lines.join('\n') });
    const { interactions, report } = await loadJsonl(join(dir, 'events.jsonl'));
    expect(report.warnings).toEqual([]);
    expect(timesByItem(interactions, 'a')).toEqual({ x: 100, y: 1714557600 });
    expect(timesByItem(interactions, 'b')).toEqual({ x: 300 });
  });

  it('skips and counts a line whose time is not a time, or fails on it under strict', async () => {
    const lines = [
      '{"user": "a", "item": "x", "timestamp": 100}',
      '{"user": "a", "item": "y", "timestamp": "later"}',
      '{"user": "a", "item": "z", "timestamp": true}',
      '{"user": "b", "item": "x", "timestamp": 7}',
    ];
    const file = join(await tempDirWith({ 'events.jsonl': lines.join('\n') }), 'events.jsonl');
    const { interactions, report } = await loadJsonl(file);
    expect(report.skippedLines).toBe(2);
    expect(report.warnings.map((w) => w.line)).toEqual([2, 3]);
    expect(report.warnings[0].reason).toContain('"later"');
    expect(timesByItem(interactions, 'a')).toEqual({ x: 100 });
    const error = await loadJsonl(file, { strict: true }).catch((e: unknown) => e);
    expect(isOndeckError(error, 'malformed-input')).toBe(true);
    expect((error as { details: unknown }).details).toMatchObject({ line: 2 });
  });

  it('drops the times of a partly timed file with one warning, and fails on it under strict', async () => {
    const lines = ['{"user": "a", "item": "x", "timestamp": 100}', '{"user": "a", "item": "y"}', '{"user": "b", "item": "x", "timestamp": 7}'];
    const file = join(await tempDirWith({ 'events.jsonl': lines.join('\n') }), 'events.jsonl');
    const { interactions, report } = await loadJsonl(file);
    expect(interactions.times).toBeUndefined();
    expect(interactions.indices).toHaveLength(3);
    expect(report.skippedLines).toBe(0);
    expect(report.warnings).toHaveLength(1);
    expect(report.warnings[0]).toMatchObject({ line: 2 });
    const error = await loadJsonl(file, { strict: true }).catch((e: unknown) => e);
    expect(isOndeckError(error, 'malformed-input')).toBe(true);
  });
});
