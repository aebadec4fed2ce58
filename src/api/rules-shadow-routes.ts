/**
 * HTTP endpoints for shadow mode: start shadowing a candidate (its files, or a stored version),
 * list the shadows, read one's report (running or ended), end it. RevOps starts and ends; RevOps
 * and sales leaders read. Thin: parse, call src/usecases/rule-shadows.ts, answer.
 */
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { requireActor } from '../auth/actor';
import type { Db } from '../db/client';
import type { LeadflowError } from '../domain/errors';
import type { RuleRegistry } from '../rules/registry';
import type { Ruleset } from '../rules/ruleset';
import { SHADOW_KINDS } from '../rules/shadow-compare';
import type { RuleVersionStore } from '../rules/version-store';
import { endShadow, listShadows, runningShadow, shadowReport, startShadow } from '../usecases/rule-shadows';
import { invalidInput } from './input';
import { because } from './zod-words';

export interface ShadowRoutesDeps {
  db: Db;
  registry: Pick<RuleRegistry, 'active' | 'activeOrNull'>;
  store: RuleVersionStore;
  now?: () => Date;
}

/** Blank (spaces only) fits the document's `minLength: 1`, so it is a 422, not a 400. */
const reason = z
  .string()
  .min(1, 'say why (it goes into the audit trail)')
  .max(500, 'at most 500 characters')
  .refine((text) => text.trim().length > 0, because('reason-not-blank', {}, { unprocessable: true }));

export const startShadowBody = z
  .strictObject({
    files: z
      .record(
        z
          .string()
          .regex(/^[a-z]+(-[a-z]+)*\.ya?ml$/, 'a rule file name, e.g. "scoring.yaml"')
          .max(40),
        z.string().max(128 * 1024, 'a rule file must be under 128 k characters'),
      )
      .optional()
      .meta({
        description:
          'The candidate rules folder: file name → exact text, one entry per rule file, as `leadflow rules check` would read them. Give this or `hash`.',
      }),
    hash: z
      .string()
      .regex(
        /^[0-9a-f]{8,64}$/,
        'a version hash (or a unique prefix of 8 or more digits) is hexadecimal, e.g. "3f9a0c1d"',
      )
      .optional()
      .meta({ description: 'A stored rules version to shadow (a hash, or a unique prefix). Give this or `files`.' }),
    reason: reason.meta({ description: 'Why, for the audit trail.' }),
  })
  .refine((b) => (b.files === undefined) !== (b.hash === undefined), {
    ...because('files-or-hash', {}, { unprocessable: true }),
    path: ['files'],
  });

export const endShadowBody = z.strictObject({
  reason: reason.meta({ description: 'Why it ends (e.g. "activated", "not worth it"), for the audit trail.' }),
});

export const shadowParams = z.object({
  shadowId: z
    .string()
    .regex(/^sh_[0-9a-f-]{36}$/, 'a shadow id, e.g. "sh_0f8c…"')
    .meta({ description: 'The id POST /api/rules/shadows answered.' }),
});

export const shadowReportQuery = z.strictObject({
  kind: z.enum(SHADOW_KINDS).optional().meta({ description: 'Only differences of this kind.' }),
  limit: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be 1–200')
    .max(200, 'must be 1–200')
    .default(50)
    .meta({ description: 'Differences per page.' }),
  cursor: z
    .string()
    .regex(/^se_[0-9a-f-]{36}$/, 'the `nextCursor` of the previous page')
    .optional()
    .meta({ description: 'The `changed.nextCursor` of the previous page.' }),
});

export const ShadowSchema = z.strictObject({
  id: z.string(),
  status: z.enum(['running', 'ended']),
  versionHash: z
    .string()
    .meta({ description: 'The shadowed version (GET /api/rules/versions/{hash}; activate it by this hash).' }),
  liveVersion: z.string().nullable().meta({ description: 'The live version when the shadow started.' }),
  startedBy: z.string(),
  startedAt: z.iso.datetime(),
  reason: z.string(),
  endedAt: z.iso.datetime().nullable(),
  endedBy: z.string().nullable(),
  endReason: z.string().nullable(),
  evaluations: z.int().meta({ description: 'Live decisions evaluated under the shadow.' }),
  differences: z.int().meta({ description: 'How many of them it decides differently.' }),
});

export const StartShadowResultSchema = z.strictObject({
  shadow: ShadowSchema,
  changes: z.array(z.string()).meta({ description: 'What the candidate changes against the live version.' }),
  replaced: ShadowSchema.nullable().meta({ description: 'The shadow that was running and has now ended, or null.' }),
});

export const ShadowListSchema = z.strictObject({
  running: ShadowSchema.nullable(),
  shadows: z.array(ShadowSchema).meta({ description: 'The latest 50, newest first.' }),
});

const LiveShadow = { live: z.int(), shadow: z.int() };

export const ShadowReportSchema = z.strictObject({
  shadow: ShadowSchema,
  byKind: z.array(z.strictObject({ kind: z.enum(SHADOW_KINDS), evaluations: z.int(), differences: z.int() })),
  scoring: z.strictObject({
    leads: z.int().meta({ description: 'Distinct leads scored while shadowing.' }),
    mqls: z
      .strictObject(LiveShadow)
      .meta({ description: 'Of them, leads that reached MQL live and under the shadow.' }),
    mqlOnlyUnderShadow: z.int(),
    mqlOnlyLive: z.int(),
  }),
  routing: z.strictObject({
    byTarget: z.array(z.strictObject({ target: z.string(), ...LiveShadow })).meta({
      description: "Routing decisions per pool, named rep or queue (the rep inside a pool is the pool's turn).",
    }),
  }),
  approvals: z.strictObject({ byTier: z.array(z.strictObject({ tier: z.string(), ...LiveShadow })) }),
  changed: z.strictObject({
    items: z.array(
      z.strictObject({
        id: z.string(),
        decisionId: z.string(),
        kind: z.enum(SHADOW_KINDS),
        leadId: z.string(),
        lead: z.string().meta({ description: "The lead's email, external id or id." }),
        dealId: z.string().nullable(),
        at: z.iso.datetime(),
        liveVersion: z.string(),
        live: z.string().meta({ description: '`mql`/`not-mql`, a routing target, or an approval tier.' }),
        shadow: z.string(),
        liveSummary: z.string(),
        shadowSummary: z.string(),
        flipped: z.string().meta({ description: 'The condition that flipped, in one line.' }),
        diff: z
          .array(z.string())
          .meta({ description: 'Explanation lines only one version gives: `- ` live, `+ ` shadow.' }),
        liveOutcome: z.unknown(),
        shadowOutcome: z.unknown(),
      }),
    ),
    nextCursor: z.string().nullable(),
  }),
});

/** The 400 for a refused part of a request, its field messages in the caller's language (./input.ts). */
function invalid(what: string, schema: z.ZodType, value: unknown, error: z.ZodError): LeadflowError {
  return invalidInput(`The ${what} is invalid; see fields.`, schema, value, error);
}

/** Routes to mount under `/api/rules/shadows`. */
export function shadowRoutes(deps: ShadowRoutesDeps): Router {
  const router = Router();
  const live = (): Ruleset | null => deps.registry.activeOrNull();

  router.post('/', async (req: Request, res: Response) => {
    const actor = requireActor(req);
    const parsed = startShadowBody.safeParse(req.body ?? undefined);
    if (!parsed.success) throw invalid('shadow request', startShadowBody, req.body ?? undefined, parsed.error);
    const { files, hash } = parsed.data;
    const result = await startShadow(deps, actor, {
      candidate: files ? { files } : { hash: hash! },
      reason: parsed.data.reason.trim(),
      live: live(),
    });
    res.status(201).location(`/api/rules/shadows/${result.shadow.id}`).json(StartShadowResultSchema.parse(result));
  });

  router.get('/', async (req: Request, res: Response) => {
    const { tenant } = requireActor(req);
    const [running, shadows] = await Promise.all([runningShadow(deps.db, tenant), listShadows(deps.db, tenant)]);
    res.json(ShadowListSchema.parse({ running, shadows }));
  });

  router.get('/:shadowId', async (req: Request, res: Response) => {
    const params = shadowParams.safeParse(req.params);
    if (!params.success) throw invalid('shadow id', shadowParams, req.params, params.error);
    const query = shadowReportQuery.safeParse(req.query);
    if (!query.success) throw invalid('query', shadowReportQuery, req.query, query.error);
    const report = await shadowReport(deps.db, requireActor(req).tenant, params.data.shadowId, query.data);
    res.json(ShadowReportSchema.parse(report));
  });

  router.post('/:shadowId/end', async (req: Request, res: Response) => {
    const actor = requireActor(req);
    const params = shadowParams.safeParse(req.params);
    if (!params.success) throw invalid('shadow id', shadowParams, req.params, params.error);
    const body = endShadowBody.safeParse(req.body ?? undefined);
    if (!body.success) throw invalid('request', endShadowBody, req.body ?? undefined, body.error);
    res.json(ShadowSchema.parse(await endShadow(deps, actor, params.data.shadowId, body.data.reason.trim())));
  });

  return router;
}
