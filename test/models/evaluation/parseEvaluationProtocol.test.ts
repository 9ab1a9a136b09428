import { describe, expect, it } from 'vitest';
import { parseEvaluationProtocol } from '../../../models/evaluation/parseEvaluationProtocol';
import { minimumTitlesFor, protocolName } from '../../../models/evaluation/EvaluationProtocol';
import { isOndeckError } from '../../../models/errors/OndeckError';
import { thrownBy } from '../../support/thrownBy';

describe('parseEvaluationProtocol', () => {
  it.each([
    ['random', { kind: 'random' }],
    ['temporal', { kind: 'temporal' }],
    [' Temporal ', { kind: 'temporal' }],
    ['short-1', { kind: 'short', foldInTitles: 1 }],
    ['short-3', { kind: 'short', foldInTitles: 3 }],
    ['SHORT-250', { kind: 'short', foldInTitles: 250 }],
  ])('reads %j', (text, protocol) => {
    expect(parseEvaluationProtocol(text)).toEqual(protocol);
    expect(protocolName(parseEvaluationProtocol(text))).toBe(text.trim().toLowerCase());
  });

  it.each(['', 'short', 'short-0', 'short--3', 'short-2.5', 'short-x', 'short-99999999999999999999', 'time', 'random-3'])('refuses %j as invalid-argument', (text) => {
    const error = thrownBy(() => parseEvaluationProtocol(text));
    expect(isOndeckError(error, 'invalid-argument')).toBe(true);
    expect((error as Error).message).toContain('short-N');
  });
});

describe('minimumTitlesFor', () => {
  it('asks minPositives of every protocol, and one title beyond the fold-in', () => {
    expect(minimumTitlesFor({ kind: 'random' }, 5)).toBe(5);
    expect(minimumTitlesFor({ kind: 'temporal' }, 5)).toBe(5);
    expect(minimumTitlesFor({ kind: 'temporal' }, 1)).toBe(2);
    expect(minimumTitlesFor({ kind: 'short', foldInTitles: 3 }, 5)).toBe(5);
    expect(minimumTitlesFor({ kind: 'short', foldInTitles: 5 }, 5)).toBe(6);
  });
});
