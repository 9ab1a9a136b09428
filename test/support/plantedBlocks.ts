import { InteractionBuilder } from '../../models/data/InteractionBuilder';
import type { InteractionMatrix } from '../../models/data/InteractionMatrix';
import { SeededRandom } from '../../models/random';

/**
 * Users and items in `blocks` disjoint taste groups: user u of block b interacts only with
 * items of block b (each with probability `density`). Any sound recommender must rank a viewer's
 * own block first, which makes the right answer known in advance.
 */
export function plantedBlocks(options: { blocks: number; usersPerBlock: number; itemsPerBlock: number; density: number; seed: number }): {
  matrix: InteractionMatrix;
  blockOfItem: (itemId: string) => number;
  blockOfUser: (userId: string) => number;
} {
  const random = new SeededRandom(options.seed);
  const itemIds: string[] = [];
  for (let b = 0; b < options.blocks; b++) for (let i = 0; i < options.itemsPerBlock; i++) itemIds.push(`b${b}-i${i}`);
  const builder = new InteractionBuilder(itemIds);
  for (let b = 0; b < options.blocks; b++) {
    for (let u = 0; u < options.usersPerBlock; u++) {
      let any = false;
      for (let i = 0; i < options.itemsPerBlock; i++) {
        if (random.next() < options.density) {
          builder.add(`b${b}-u${u}`, `b${b}-i${i}`, 1 + random.nextInt(3));
          any = true;
        }
      }
      if (!any) builder.add(`b${b}-u${u}`, `b${b}-i0`, 1);
    }
  }
  const blockOf = (id: string): number => Number(id.slice(1, id.indexOf('-')));
  return { matrix: builder.build(), blockOfItem: blockOf, blockOfUser: blockOf };
}
