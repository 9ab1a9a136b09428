import { maturityAgeOf } from './maturity';
import type { ItemMetadata } from './ItemMetadata';
import type { SeededRandom } from '../random';

/** The TV genres synthetic titles are drawn from. */
export const TV_GENRES: readonly string[] = [
  'Drama',
  'Comedy',
  'Action',
  'Adventure',
  'Thriller',
  'Crime',
  'Horror',
  'Sci-Fi',
  'Fantasy',
  'Romance',
  'Documentary',
  'Kids',
  'Animation',
  'Family',
  'Reality',
  'Sports',
  'Music',
  'History',
];

/**
 * The 1–2 genres each taste cluster is anchored on; cluster `c` uses entry `c % length`, so the
 * default 12 clusters cover kids, documentaries, horror and the big adult genres.
 */
export const CLUSTER_ANCHOR_GENRES: readonly (readonly string[])[] = [
  ['Kids', 'Animation'],
  ['Drama'],
  ['Comedy'],
  ['Action', 'Adventure'],
  ['Horror', 'Thriller'],
  ['Documentary', 'History'],
  ['Sci-Fi', 'Fantasy'],
  ['Romance', 'Comedy'],
  ['Crime', 'Drama'],
  ['Reality'],
  ['Family', 'Comedy'],
  ['Sports', 'Documentary'],
  ['Music'],
  ['Thriller', 'Crime'],
  ['Animation', 'Sci-Fi'],
  ['Fantasy', 'Adventure'],
  ['Romance', 'Drama'],
  ['History', 'Drama'],
];

/** Extra genres a title of a kids or family cluster may pick up. */
const KID_FRIENDLY_EXTRAS = ['Animation', 'Family', 'Comedy', 'Adventure', 'Music'];
/** Extra genres any other title may pick up (never Kids or Family). */
const GENERAL_EXTRAS = TV_GENRES.filter((genre) => genre !== 'Kids' && genre !== 'Family');

const ADJECTIVES = [
  'Silent',
  'Crimson',
  'Hidden',
  'Last',
  'Golden',
  'Broken',
  'Midnight',
  'Wild',
  'Frozen',
  'Electric',
  'Burning',
  'Lonely',
  'Secret',
  'Hollow',
  'Bright',
  'Distant',
  'Savage',
  'Gentle',
  'Restless',
  'Velvet',
  'Iron',
  'Paper',
  'Neon',
  'Forgotten',
  'Endless',
  'Little',
  'Brave',
  'Wandering',
  'Shattered',
  'Quiet',
  'Northern',
  'Lucky',
  'Clever',
  'Dark',
  'Sunny',
  'Hungry',
  'Tiny',
  'Royal',
  'Glass',
  'Stolen',
];
const NOUNS = [
  'Harbor',
  'Kingdom',
  'River',
  'Detective',
  'Garden',
  'Signal',
  'Empire',
  'Horizon',
  'Orchard',
  'Frontier',
  'Circuit',
  'Lantern',
  'Mountain',
  'Witness',
  'Island',
  'Station',
  'Voyage',
  'Engine',
  'Forest',
  'Promise',
  'Shadow',
  'Summit',
  'Canyon',
  'Archive',
  'Mirror',
  'Compass',
  'Tide',
  'Ember',
  'Falcon',
  'Meadow',
  'Dragon',
  'Rocket',
  'Bakery',
  'Castle',
  'Planet',
  'Robot',
  'Ocean',
  'Circus',
  'Crown',
  'Letter',
];
const SUBTITLES = ['Origins', 'The Series', 'Reloaded', 'Season Two', 'Live', 'Uncut', 'Unfinished Business', 'After Dark'];
const SEQUELS = ['II', 'III', 'IV', 'Returns', 'Forever'];

/** Label and weight pairs; the weights of one table sum to 1. */
type MaturityTable = readonly (readonly [string, number])[];
const KIDS_RATINGS: MaturityTable = [
  ['TV-Y', 0.45],
  ['TV-Y7', 0.35],
  ['TV-G', 0.2],
];
const FAMILY_RATINGS: MaturityTable = [
  ['TV-G', 0.35],
  ['PG', 0.25],
  ['TV-PG', 0.3],
  ['TV-Y7', 0.1],
];
const HORROR_RATINGS: MaturityTable = [
  ['TV-MA', 0.5],
  ['R', 0.4],
  ['TV-14', 0.1],
];
const CRIME_RATINGS: MaturityTable = [
  ['TV-14', 0.4],
  ['TV-MA', 0.3],
  ['R', 0.2],
  ['PG-13', 0.1],
];
const FACTUAL_RATINGS: MaturityTable = [
  ['TV-G', 0.3],
  ['TV-PG', 0.4],
  ['TV-14', 0.3],
];
const ANIMATION_RATINGS: MaturityTable = [
  ['TV-PG', 0.5],
  ['TV-14', 0.3],
  ['PG', 0.2],
];
const GENERAL_RATINGS: MaturityTable = [
  ['TV-PG', 0.2],
  ['PG-13', 0.25],
  ['TV-14', 0.3],
  ['TV-MA', 0.15],
  ['R', 0.1],
];

/** First day of the synthetic availability calendar (2024-01-01, UTC) and its span in days. */
const CALENDAR_START_MS = Date.UTC(2024, 0, 1);
const CALENDAR_DAYS = 3 * 365;
const DAY_MS = 86_400_000;

/**
 * One synthetic title of taste cluster `cluster`: genres anchored on the cluster's genres,
 * a maturity rating consistent with them (Kids → TV-Y/TV-Y7/TV-G, Horror → TV-MA/R …), a year
 * in 1960–2026 skewed recent, a generated title, and for ~15% an availability window in
 * 2024–2027. Deterministic given the state of `random`.
 *
 * @example
 * ```ts
 * const item = syntheticItem('i1', 0, new SeededRandom(42)); // a Kids/Animation title
 * ```
 */
export function syntheticItem(id: string, cluster: number, random: SeededRandom): ItemMetadata {
  const anchors = CLUSTER_ANCHOR_GENRES[cluster % CLUSTER_ANCHOR_GENRES.length];
  const genres: string[] = [];
  for (const genre of anchors) if (random.next() < 0.75) genres.push(genre);
  if (genres.length === 0) genres.push(anchors[random.nextInt(anchors.length)]);
  if (random.next() < 0.3) {
    const kidFriendly = anchors.includes('Kids') || anchors.includes('Family');
    const extras = kidFriendly ? KID_FRIENDLY_EXTRAS : GENERAL_EXTRAS;
    const extra = extras[random.nextInt(extras.length)];
    if (!genres.includes(extra)) genres.push(extra);
  }
  const maturityRating = pickWeighted(maturityTableFor(genres), random);
  const maturityAge = maturityAgeOf(maturityRating);
  // Squaring a uniform draw skews years toward the present, as streaming catalogs are.
  const year = 2026 - Math.floor(67 * random.next() ** 2);
  // Fields in the order loadItemsCsv sets them, so a written and re-read item is the same object shape.
  const item: { -readonly [K in keyof ItemMetadata]: ItemMetadata[K] } = { id, title: syntheticTitle(random), genres, maturityRating };
  if (maturityAge !== undefined) item.maturityAge = maturityAge;
  item.year = year;
  const window = random.next();
  if (window < 0.15) {
    const startDay = random.nextInt(CALENDAR_DAYS);
    if (window >= 0.05) item.availableFrom = isoDay(startDay);
    if (window < 0.1) item.availableUntil = isoDay(startDay + 30 + random.nextInt(700));
  }
  return item;
}

/**
 * A deterministic made-up title: adjective + noun combinations in a few shapes, some with a
 * comma, an apostrophe, an ampersand or quotes (so every consumer must render titles as text and
 * quote them in CSV). Titles may repeat, as remakes do.
 */
export function syntheticTitle(random: SeededRandom): string {
  const adjective = ADJECTIVES[random.nextInt(ADJECTIVES.length)];
  const noun = NOUNS[random.nextInt(NOUNS.length)];
  const otherNoun = NOUNS[random.nextInt(NOUNS.length)];
  switch (random.nextInt(9)) {
    case 0:
      return `The ${adjective} ${noun}`;
    case 1:
      return `${adjective} ${noun}`;
    case 2:
      return `${noun} & ${otherNoun}`;
    case 3:
      return `Return to ${adjective} ${noun}`;
    case 4:
      return `The ${noun}'s ${otherNoun}`;
    case 5:
      return `Goodbye, ${adjective} ${noun}`;
    case 6:
      return `${adjective} ${noun}: ${SUBTITLES[random.nextInt(SUBTITLES.length)]}`;
    case 7:
      return `${noun} ${SEQUELS[random.nextInt(SEQUELS.length)]}`;
    default:
      return `The "${adjective}" ${noun}`;
  }
}

function maturityTableFor(genres: readonly string[]): MaturityTable {
  const has = (genre: string): boolean => genres.includes(genre);
  if (has('Kids')) return KIDS_RATINGS;
  if (has('Horror')) return HORROR_RATINGS;
  if (has('Family')) return FAMILY_RATINGS;
  if (has('Crime') || has('Thriller')) return CRIME_RATINGS;
  if (has('Animation')) return ANIMATION_RATINGS;
  if (has('Documentary') || has('History') || has('Sports') || has('Music') || has('Reality')) return FACTUAL_RATINGS;
  return GENERAL_RATINGS;
}

function pickWeighted(table: MaturityTable, random: SeededRandom): string {
  let draw = random.next();
  for (const [label, weight] of table) {
    draw -= weight;
    if (draw < 0) return label;
  }
  return table[table.length - 1][0];
}

function isoDay(day: number): string {
  return new Date(CALENDAR_START_MS + day * DAY_MS).toISOString().slice(0, 10);
}
