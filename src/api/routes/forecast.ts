/**
 * A deal's forecast over HTTP (its expected close date, probability, category and override, with
 * their history) and the loss reason codes people close lost deals with. The use-cases decide who
 * may write; the access policy has already checked the deal is in the caller's sight.
 */
import { Router } from 'express';
import { z } from 'zod';
import { text } from '../../domain/fields';
import { because } from '../zod-words';
import { requireActor } from '../../auth/actor';
import type { Db } from '../../db/client';
import { LeadflowError } from '../../domain/errors';
import { NoActiveRulesetError } from '../../rules/registry';
import type { Ruleset } from '../../rules/ruleset';
import { FORECAST_CATEGORIES } from '../../rules/schema/forecast';
import { editForecast, getForecast, type ForecastRuleset } from '../../usecases/deal-forecast';
import { lossReasonCatalogue } from '../../usecases/deal-loss';
import { expectedRevisionOf, parseInput } from '../input';
import { dealIdOf } from './accounts';

export interface ForecastRoutesDeps {
  db: Db;
  /** The active rules; throws NoActiveRulesetError while none is loaded. */
  rules: () => Ruleset;
  now?: () => Date;
}

export const ForecastPatchSchema = z
  .strictObject({
    expectedCloseDate: z.iso
      .date('must be a calendar date, YYYY-MM-DD')
      .regex(/^(?:20\d{2}|2100)-/, 'must be between 2000-01-01 and 2100-12-31')
      .nullable()
      .optional()
      .meta({ description: 'The day the deal is expected to close (YYYY-MM-DD, no time zone); null clears it.' }),
    category: z
      .enum(FORECAST_CATEGORIES, { error: `must be one of: ${FORECAST_CATEGORIES.join(', ')}, or null` })
      .nullable()
      .optional()
      .meta({
        description:
          "A forecast category instead of the one forecast.yaml gives the deal's stage; null clears the override so the rules decide again.",
      }),
    reason: text(1000)
      .optional()
      .meta({ description: 'Why (forecast.yaml `overrides.needsReason` may require it for an override).' }),
    revision: z
      .number()
      .int('must be a whole number')
      .min(1, 'must be 1 or more')
      .optional()
      .meta({ description: 'The deal revision you read (or send If-Match).' }),
  })
  .refine((edit) => edit.expectedCloseDate !== undefined || edit.category !== undefined, {
    path: ['expectedCloseDate'],
    ...because('close-date-or-category'),
  })
  .meta({ anyOf: [{ required: ['expectedCloseDate'] }, { required: ['category'] }] });

/** The active rules for a forecast, or null while none is loaded (the deal keeps its last category). */
function forecastRules(rules: () => Ruleset): () => ForecastRuleset {
  return () => {
    try {
      return rules();
    } catch (error) {
      if (error instanceof NoActiveRulesetError) return null;
      throw error;
    }
  };
}

export function forecastRoutes(deps: ForecastRoutesDeps): Router {
  const router = Router();
  const now = deps.now ?? (() => new Date());

  router.get('/api/deals/:dealId/forecast', async (req, res) => {
    const forecast = await getForecast(deps.db, requireActor(req), dealIdOf(req));
    res.setHeader('ETag', `"${forecast.revision}"`).json(forecast);
  });

  router.patch('/api/deals/:dealId/forecast', async (req, res) => {
    const actor = requireActor(req);
    const dealId = dealIdOf(req);
    const { revision, ...edit } = parseInput(ForecastPatchSchema, 'body', req.body, 'The forecast');
    const expectedRevision = expectedRevisionOf(req.get('If-Match'), revision, 'The forecast');
    const saved = await editForecast(
      deps.db,
      forecastRules(deps.rules),
      actor,
      dealId,
      { ...edit, expectedRevision },
      now(),
    );
    res.setHeader('ETag', `"${saved.revision}"`).json(saved);
  });

  router.get('/api/loss-reasons', (_req, res) => {
    try {
      res.json(lossReasonCatalogue(deps.rules));
    } catch (error) {
      if (error instanceof NoActiveRulesetError)
        throw new LeadflowError(
          'rules_unavailable',
          'No valid rules are active; fix the rules (`npx leadflow rules check`).',
          { cause: error },
        );
      throw error;
    }
  });

  return router;
}
