import { z } from 'zod';

/**
 * A required line or paragraph of text, trimmed, of at most `max` characters. "Not blank" is
 * written as the pattern `\S` (checked before trimming), so the OpenAPI document carries it too:
 * a client or a fuzzer reading the document knows that "   " is refused.
 */
export const text = (max: number) =>
  z.string().regex(/\S/, 'must not be empty').trim().max(max, `must be at most ${max} characters`);
