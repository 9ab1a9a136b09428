import { describe, expect, it } from 'vitest';
import { drawRecallChart } from '../../../models/evaluation/drawRecallChart';

/** Checks that every opened tag is closed in order; returns the tag names in document order. */
function checkBalancedTags(svg: string): string[] {
  const stack: string[] = [];
  const seen: string[] = [];
  for (const match of svg.matchAll(/<(\/?)([A-Za-z][\w:-]*)((?:"[^"]*"|'[^']*'|[^'">])*?)(\/?)>/g)) {
    const [, closing, name, , selfClosing] = match;
    if (closing) {
      expect(stack.pop(), `closing </${name}>`).toBe(name);
    } else {
      seen.push(name);
      if (!selfClosing) stack.push(name);
    }
  }
  expect(stack).toEqual([]);
  return seen;
}

/** The coordinates of each series' polyline, in document order. */
function polylines(svg: string): { x: number; y: number }[][] {
  return [...svg.matchAll(/<polyline[^>]* points="([^"]*)"/g)].map((match) =>
    match[1].split(' ').map((pair) => {
      const [x, y] = pair.split(',').map(Number);
      return { x, y };
    }),
  );
}

const als = {
  name: 'ALS <k=64> & "friends"',
  points: [
    { k: 20, recall: 0.62 },
    { k: 5, recall: 0.31 },
    { k: 10, recall: 0.45 },
    { k: 50, recall: 0.74 },
  ],
};
const popularity = {
  name: "pop'ularity",
  points: [
    { k: 5, recall: 0.1 },
    { k: 10, recall: 0.15 },
    { k: 20, recall: 0.22 },
    { k: 50, recall: 0.35 },
  ],
};

describe('drawRecallChart', () => {
  const svg = drawRecallChart([als, popularity], { title: 'Recall on <held-out> users' });

  it('produces a self-contained, well-formed SVG document', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    const tags = checkBalancedTags(svg);
    expect(tags[0]).toBe('svg');
    // No scripts, images, external fonts or links.
    expect(svg).not.toMatch(/<script|<image|<foreignObject|@import|href=|url\(/i);
  });

  it('escapes every piece of user text, in content and attributes', () => {
    expect(svg).toContain('ALS &lt;k=64&gt; &amp; &quot;friends&quot;');
    expect(svg).toContain('pop&apos;ularity');
    expect(svg).toContain('Recall on &lt;held-out&gt; users');
    expect(svg).not.toContain('<k=64>');
    expect(svg).not.toContain('<held-out>');
    // Outside tags, an ampersand only ever starts an entity.
    const textOnly = svg.replace(/<[^>]*>/g, '');
    expect(textOnly).not.toMatch(/&(?!(?:amp|lt|gt|quot|apos);)/);
    expect(textOnly).not.toContain('<');
  });

  it('draws one polyline per series with one point per K, x increasing with K', () => {
    const lines = polylines(svg);
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line).toHaveLength(4);
      for (let i = 1; i < line.length; i++) expect(line[i].x).toBeGreaterThan(line[i - 1].x);
    }
    // Both series share the Ks, so they share the x positions.
    expect(lines[0].map((point) => point.x)).toEqual(lines[1].map((point) => point.x));
    // Recall grows with K in both series, so y (downwards in SVG) must shrink.
    for (const line of lines) {
      for (let i = 1; i < line.length; i++) expect(line[i].y).toBeLessThan(line[i - 1].y);
    }
    // At every K, the better model is drawn higher.
    lines[0].forEach((point, i) => expect(point.y).toBeLessThan(lines[1][i].y));
  });

  it('places x linearly in K and uses a y axis from 0 up to the maximum rounded up to a tick', () => {
    const [line] = polylines(svg);
    const [at5, at10, at20, at50] = line.map((point) => point.x);
    // Linear in K: the 10→20 gap is twice the 5→10 gap, and 20→50 three times 10→20.
    expect(at20 - at10).toBeCloseTo(2 * (at10 - at5), 1);
    expect(at50 - at20).toBeCloseTo(3 * (at20 - at10), 1);
    const yLabels = [...svg.matchAll(/text-anchor="end">([^<]*)</g)].map((match) => match[1]);
    // Max recall 0.74 with ~5 ticks: step 0.2, axis 0 … 0.8.
    expect(yLabels).toEqual(['0', '0.2', '0.4', '0.6', '0.8']);
  });

  it('gives each series a distinct colour, shared by its line, markers and legend entry', () => {
    const strokes = [...svg.matchAll(/<polyline[^>]* stroke="(#[0-9A-Fa-f]{6})"/g)].map((match) => match[1]);
    expect(new Set(strokes).size).toBe(2);
    const groups = svg.split('<g class="series"').slice(1);
    groups.forEach((group, index) => {
      const colours = new Set([...group.matchAll(/(?:fill|stroke)="(#[0-9A-Fa-f]{6})"/g)].map((match) => match[1]));
      expect(colours).toEqual(new Set([strokes[index]]));
    });
  });

  it('rejects non-finite values instead of drawing NaN coordinates', () => {
    expect(() => drawRecallChart([{ name: 'broken', points: [{ k: 10, recall: Number.NaN }] }])).toThrow(/broken/);
  });
});
