import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../../models/artifact/parseManifest';
import { isOndeckError } from '../../../models/errors/OndeckError';
import { thrownBy } from '../../support/thrownBy';

const base = {
  format: 'ondeck-model',
  formatVersion: 1,
  modelVersion: 1,
  lineageId: 'l',
  createdAt: '2026-01-01T00:00:00Z',
  dims: 8,
  itemCount: 10,
  foldIn: { alpha: 1, unobservedWeight: 0.3, regularization: 0.01, regularizationExponent: 1 },
  training: { algorithm: 'ials' },
  files: {},
};

describe('parseManifest: popularityPrior', () => {
  it('reads a model without one (written before it existed) as having none', () => {
    expect(parseManifest(JSON.stringify(base)).popularityPrior).toBeUndefined();
  });

  it('reads one', () => {
    expect(parseManifest(JSON.stringify({ ...base, popularityPrior: { weight: 0.2, historyScale: 50 } })).popularityPrior).toEqual({ weight: 0.2, historyScale: 50 });
  });

  it.each([null, 3, { weight: -1, historyScale: 1 }, { weight: 0.2 }, { weight: 0.2, historyScale: 0 }])('refuses %o as model-corrupt', (popularityPrior) => {
    const error = thrownBy(() => parseManifest(JSON.stringify({ ...base, popularityPrior })));
    expect(isOndeckError(error, 'model-corrupt')).toBe(true);
    expect((error as Error).message).toMatch(/popularityPrior/);
  });
});
