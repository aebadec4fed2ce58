/**
 * HTTP endpoints for the rules' history: the semantic diff between two stored versions (for the
 * dashboard) and activating a stored version by hand (a rollback), audited with who and why.
 * Thin: parse, call the registry, record the audit entry, map the outcome to a status.
 */
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { requireActor } from '../auth/actor';
import type { Db } from '../db/client';
import { LeadflowError } from '../domain/errors';
import { findStoredVersion } from '../rules/activate-version';
import type { RuleRegistry } from '../rules/registry';
import { diffRuleTexts } from '../rules/semantic-diff';
import { formatDiagnostic, RULE_KINDS } from '../rules/types';
import type { RuleVersionStore, StoredRuleVersion } from '../rules/version-store';
import { auditRulesActivation } from '../usecases/rules-activation';
import { invalidInput } from './input';

export interface RulesHistoryRoutesDeps {
  registry: Pick<RuleRegistry, 'activateStored'>;
  store: RuleVersionStore;
  db: Pick<Db, 'auditEvent'>;
  /**
   * The installation's own tenant. The rules folder and its live version are shared by every
   * tenant of the installation, so only this tenant's RevOps may change which version is live.
   */
  defaultTenant: string;
  now?: () => Date;
}

const versionRef = z
  .string()
  .regex(/^[0-9a-f]{8,64}$/, 'a version hash (or a unique prefix of 8 or more digits) is hexadecimal, e.g. "3f9a0c1d"');

export const diffQuery = z.strictObject({
  from: versionRef.meta({ description: 'The earlier version: a hash, or a unique prefix of it.' }),
  to: versionRef.meta({ description: 'The later version: a hash, or a unique prefix of it.' }),
});

export const activateBody = z.strictObject({
  hash: versionRef.meta({ description: 'The stored version to make live: a hash, or a unique prefix of it.' }),
  reason: z
    .string()
    .trim()
    .min(1, 'say why (it goes into the audit trail)')
    .max(500, 'at most 500 characters')
    .meta({ description: 'Why, for the audit trail and the activation history.' }),
});

export const RuleChangeSchema = z.strictObject({
  file: z.string(),
  kind: z.enum(RULE_KINDS),
  what: z
    .string()
    .meta({ description: 'What changed, e.g. `MQL threshold`, `pool enterprise-na member alice weight`.' }),
  change: z.enum(['changed', 'added', 'removed', 'reordered']),
  before: z.string().optional().meta({ description: 'The value before, as written in YAML.' }),
  after: z.string().optional().meta({ description: 'The value after, as written in YAML.' }),
  text: z.string().meta({ description: 'The whole change in words: `scoring.yaml: MQL threshold 80 → 75`.' }),
});
export const RulesDiffSchema = z.strictObject({
  from: z.string(),
  to: z.string(),
  changes: z.array(RuleChangeSchema),
});
export const RulesActivationResultSchema = z.strictObject({
  activated: z.boolean().meta({ description: 'False when the version was live already (nothing recorded).' }),
  hash: z.string(),
  previous: z.string().nullable().meta({ description: 'The version live before; null if none was.' }),
  actor: z.string(),
  reason: z.string(),
  changes: z.array(z.string()).meta({ description: 'What changed, in the words of GET /api/rules/diff.' }),
});

/** The 400 for a refused part of a request, its field messages in the caller's language (./input.ts). */
function invalid(what: string, schema: z.ZodType, value: unknown, error: z.ZodError): LeadflowError {
  return invalidInput(`The ${what} is invalid; see fields.`, schema, value, error);
}

/** The stored version `ref` names; 404 when none, 422 when a prefix names several. */
async function storedVersion(store: RuleVersionStore, ref: string, field: string): Promise<StoredRuleVersion> {
  const lookup = await findStoredVersion(store, ref);
  if (lookup.found) return lookup.version;
  if (lookup.why === 'not-found') throw new LeadflowError('not_found', `No rules version ${ref} is stored.`);
  throw new LeadflowError('unprocessable', 'The version is ambiguous; see fields.', {
    details: [{ path: field, message: lookup.message, unprocessable: true }],
  });
}

/** Routes to mount under `/api/rules`, after rulesRoutes. */
export function rulesHistoryRoutes(deps: RulesHistoryRoutesDeps): Router {
  const router = Router();

  router.get('/diff', async (req: Request, res: Response) => {
    const query = diffQuery.safeParse(req.query);
    if (!query.success) throw invalid('query', diffQuery, req.query, query.error);
    const store = deps.store.visibleTo(requireActor(req).tenant);
    const from = await storedVersion(store, query.data.from, 'query.from');
    const to = await storedVersion(store, query.data.to, 'query.to');
    res.json(RulesDiffSchema.parse({ from: from.hash, to: to.hash, changes: diffRuleTexts(from.files, to.files) }));
  });

  router.post('/activations', async (req: Request, res: Response) => {
    const actor = requireActor(req);
    if (actor.tenant !== deps.defaultTenant)
      throw new LeadflowError(
        'forbidden',
        `The live rules are shared by every tenant of this installation, so only RevOps of its own tenant ` +
          `(${deps.defaultTenant}) may activate a version; your tenant is ${actor.tenant}. ` +
          'A backtest or a shadow (POST /api/rules/backtests, /api/rules/shadows) shows what a change would do for yours.',
      );
    const body = activateBody.safeParse(req.body ?? undefined);
    if (!body.success) throw invalid('activation', activateBody, req.body ?? undefined, body.error);
    const { hash, reason } = body.data;
    const result = await deps.registry.activateStored(hash, { actor: actor.email, reason });
    switch (result.outcome) {
      case 'not-found':
        throw new LeadflowError('not_found', `No rules version ${hash} is stored; the live version is unchanged.`);
      case 'ambiguous':
        throw new LeadflowError('unprocessable', 'The version is ambiguous; see fields.', {
          details: [{ path: 'body.hash', message: result.message, unprocessable: true }],
        });
      case 'rejected':
        throw new LeadflowError(
          'unprocessable',
          `Rules version ${result.version} cannot be activated: ${result.diagnostics.length} problem(s); the live version is unchanged.`,
          {
            details: result.diagnostics.map((d) => ({
              path: 'body.hash',
              message: formatDiagnostic(d),
              unprocessable: true,
            })),
          },
        );
      case 'unwritable':
        throw new LeadflowError('rules_unavailable', `${result.message}; the live version is unchanged.`);
      case 'unchanged':
        res.json(
          RulesActivationResultSchema.parse({
            activated: false,
            hash: result.version,
            previous: result.version,
            actor: actor.email,
            reason,
            changes: [],
          }),
        );
        return;
      case 'activated':
        await auditRulesActivation(deps.db, {
          tenant: actor.tenant,
          hash: result.version,
          previous: result.previous,
          actor: actor.email,
          reason,
          changes: result.summary.changes,
          at: deps.now?.() ?? new Date(),
        });
        res.json(
          RulesActivationResultSchema.parse({
            activated: true,
            hash: result.version,
            previous: result.previous,
            actor: actor.email,
            reason,
            changes: result.summary.changes,
          }),
        );
    }
  });

  return router;
}
