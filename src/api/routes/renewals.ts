/** GET /api/renewals: the renewals calendar over a date range, for the contracts in the caller's sight. */
import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../../db/client';
import type { Duration } from '../../rules/duration';
import type { Ruleset } from '../../rules/ruleset';
import { renewalsCalendar } from '../../usecases/renewals';
import { sightFor } from '../access';
import { invalidInput } from '../input';
import { because } from '../zod-words';

/** The longest range one request may ask for. */
const MAX_RANGE_DAYS = 731;

const day = (what: string) =>
  z.iso.date({ error: 'must be a calendar date, YYYY-MM-DD' }).describe(`${what} (YYYY-MM-DD, UTC), included.`);

export const RenewalsQuerySchema = z
  .strictObject({
    from: day('The first end date to include'),
    to: day('The last end date to include'),
  })
  .superRefine(({ from, to }, ctx) => {
    // Only two real dates can clash; a malformed one is already a 400 of its own.
    if (!isCalendarDate(from) || !isCalendarDate(to)) return;
    const days = (Date.parse(to) - Date.parse(from)) / (24 * 3600 * 1000);
    if (days < 0)
      ctx.addIssue({
        code: 'custom',
        path: ['to'],
        ...because('not-before-from', {}, { unprocessable: true }),
      });
    else if (days > MAX_RANGE_DAYS)
      ctx.addIssue({
        code: 'custom',
        path: ['to'],
        ...because('range-at-most', { days: MAX_RANGE_DAYS }, { unprocessable: true }),
      });
  });

function isCalendarDate(value: unknown): value is string {
  return typeof value === 'string' && z.iso.date().safeParse(value).success;
}

export function renewalRoutes(deps: { db: Db; rules: () => Ruleset }): Router {
  const router = Router();

  router.get('/api/renewals', async (req, res) => {
    const query = RenewalsQuerySchema.safeParse(req.query);
    if (!query.success)
      throw invalidInput('The query is invalid; see fields.', RenewalsQuerySchema, req.query, query.error);
    res.json(await renewalsCalendar(deps.db, await sightFor(req), query.data, remindBefore(deps.rules)));
  });

  return router;
}

/** The reminders the active rules plan; none while no rules are loaded (sent ones still show). */
function remindBefore(rules: () => Ruleset): Duration[] {
  try {
    return rules().approvals.renewalRemindBefore;
  } catch {
    return [];
  }
}
