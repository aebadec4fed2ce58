import { z } from 'zod';

/**
 * A required line or paragraph of text, trimmed, of at most `max` characters. "Not blank" is
 * written as the pattern `\S` (checked before trimming), so the OpenAPI document carries it too:
 * a client or a fuzzer reading the document knows that "   " is refused.
 */
export const text = (max: number) =>
  z.string().regex(/\S/, 'must not be empty').trim().max(max, `must be at most ${max} characters`);

/**
 * The shape of an IANA zone name ("Europe/Berlin", "America/Argentina/Buenos_Aires", "UTC"). The
 * OpenAPI document carries it; whether the name is in this runtime's time zone database is
 * another matter (aliases such as "Asia/Kolkata" are accepted), so a well-formed unknown name is
 * a 422 (`unprocessable`), not a 400.
 */
export const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]{0,31}(?:\/[A-Za-z0-9_+-]{1,32}){0,2}$/;

/** An IANA time zone, returned in the runtime's canonical spelling. */
export const timeZoneName = (message = 'must be an IANA time zone, e.g. "Europe/Berlin" or "America/New_York"') =>
  z
    .string({ error: message })
    .regex(ZONE_NAME, message)
    .transform((zone, ctx) => {
      try {
        return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
      } catch {
        ctx.addIssue({
          code: 'custom',
          message: `${message}; "${zone}" is not in the time zone database`,
          // Worded in Chinese by its code (src/api/zod-words.ts).
          params: { unprocessable: true, code: 'time-zone-unknown', zone },
        });
        return z.NEVER;
      }
    });
