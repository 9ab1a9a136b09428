import { describe, expect, it } from 'vitest';
import { createJsInt8Backend } from '../../../models/scoring/createJsInt8Backend';
import { randomFactors } from '../../support/scoringFixtures';

describe('js backend prepare()', () => {
  it('gives the same answers whether the screening is built ahead (prepare) or by the first query', async () => {
    const factors = randomFactors(3000, 16, 11);
    const query = Float32Array.from({ length: 16 }, (_, d) => Math.sin(d + 1));
    const exclude = Int32Array.from([3, 17, 400]);
    const lazy = createJsInt8Backend();
    await lazy.load({ factors });
    const eager = createJsInt8Backend();
    await eager.load({ factors });
    eager.prepare!();
    const [a, b] = [await lazy.topK(query, 25, exclude), await eager.topK(query, 25, exclude)];
    expect(Array.from(b.indices)).toEqual(Array.from(a.indices));
    expect(Array.from(b.scores)).toEqual(Array.from(a.scores));
    expect(Array.from(a.indices).some((index) => exclude.includes(index))).toBe(false);
    // A released backend ignores a late prepare (the engine calls it from a timer), and a reload
    // rebuilds the screening for the new table.
    await eager.dispose();
    expect(() => eager.prepare!()).not.toThrow();
    await expect(eager.topK(query, 5)).rejects.toMatchObject({ code: 'backend-unavailable' });
    const other = randomFactors(3000, 16, 12);
    await lazy.load({ factors: other });
    const reference = createJsInt8Backend();
    await reference.load({ factors: other });
    expect(Array.from((await lazy.topK(query, 10)).indices)).toEqual(Array.from((await reference.topK(query, 10)).indices));
  });
});
