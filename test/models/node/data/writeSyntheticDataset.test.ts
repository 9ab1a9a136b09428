import { describe, expect, it } from 'vitest';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadDataset } from '../../../../models/node/data/loadDataset';
import { generateSyntheticDataset } from '../../../../models/data/synth';
import { writeSyntheticDataset } from '../../../../models/node/data/writeSyntheticDataset';
import { isOndeckError } from '../../../../models/errors/OndeckError';
import { tempDirWith } from '../../../support/tempFiles';

describe('writeSyntheticDataset', () => {
  it('writes a folder loadDataset reads back to the same interactions and items', async () => {
    const dataset = generateSyntheticDataset({ items: 800, users: 300, seed: 13 });
    const parent = await tempDirWith();
    const dir = join(parent, 'synth');
    await writeSyntheticDataset(dataset, dir);
    expect((await readdir(dir)).sort()).toEqual(['events.csv', 'items.csv']);
    // No staging folder is left behind.
    expect(await readdir(parent)).toEqual(['synth']);

    const loaded = await loadDataset(dir);
    expect(loaded.interactions).toEqual(dataset.interactions);
    expect([...loaded.items.entries()]).toEqual([...dataset.items.entries()]);
    expect(loaded.report.skippedLines).toBe(0);
    expect(loaded.report.duplicatesAggregated).toBe(0);
    // Titles with commas and quotes were quoted, not split.
    const titles = [...dataset.items.values()].map((item) => item.title);
    expect(titles.some((title) => title.includes(',')) && titles.some((title) => title.includes('"'))).toBe(true);
    expect((await readFile(join(dir, 'events.csv'), 'utf8')).split('\n')[0]).toBe('user,item,weight,timestamp');
    // The times survive the round trip (the toEqual above compares them too).
    expect(loaded.interactions.times).toBeInstanceOf(Float64Array);
    expect(loaded.interactions.times).toEqual(dataset.interactions.times);
  });

  it('round-trips ids and titles that need quoting, and fractional weights', async () => {
    const dir = join(await tempDirWith(), 'out');
    const source = await tempDirWith({
      'events.csv': 'user,item,weight\n"doe, jane",007,0.1\n"doe, jane","a ""b""",3\nx,007,2.5\n',
      'items.csv': 'id,title,genres,tags\n007,"Spy, The",Action|Thriller,gadgets|cars\n',
    });
    const original = await loadDataset(source);
    await writeSyntheticDataset(original, dir);
    const again = await loadDataset(dir);
    expect(again.interactions).toEqual(original.interactions);
    expect([...again.items.entries()]).toEqual([...original.items.entries()]);
    expect(again.interactions.itemIds).toEqual(['007', 'a "b"']);
  });

  it('replaces a previous dataset but refuses a folder holding other files', async () => {
    const parent = await tempDirWith();
    const dir = join(parent, 'data');
    await writeSyntheticDataset(generateSyntheticDataset({ items: 50, users: 20, seed: 1 }), dir);
    const second = generateSyntheticDataset({ items: 60, users: 25, seed: 2 });
    await writeSyntheticDataset(second, dir);
    expect((await loadDataset(dir)).interactions).toEqual(second.interactions);
    expect(await readdir(parent)).toEqual(['data']);

    await writeFile(join(dir, 'precious.txt'), 'keep me');
    const error = await writeSyntheticDataset(second, dir).catch((e: unknown) => e);
    expect(isOndeckError(error, 'invalid-argument')).toBe(true);
    expect(await readFile(join(dir, 'precious.txt'), 'utf8')).toBe('keep me');
  });
});
