/**
 * The `cursor` (or `before`, `after`) query parameter of a paged list: optional, and when given,
 * the `nextCursor` of the previous page. A string of the wrong shape is a 400 naming the field;
 * every string of the right shape is a valid position (src/usecases/keyset-cursor.ts).
 */
import { z } from 'zod';
import { KEYSET_CURSOR } from '../usecases/keyset-cursor';

export function pageCursor(description: string, pattern: RegExp = KEYSET_CURSOR) {
  return z.string().regex(pattern, 'must be the nextCursor of the previous page').optional().meta({ description });
}
