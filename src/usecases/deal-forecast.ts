/**
 * A deal's forecast: its expected close date, the probability of its stage and its forecast
 * category from forecast.yaml, and a person's override of that category. Every change (a
 * conversion, a stage change, an edit) updates the deal's columns and appends a DealForecast row
 * with the rules version, so a past forecast is read back as it was, never recomputed.
 *
 * Edits name the deal revision they read (optimistic concurrency, as the needs analysis does).
 */
import type { Actor } from '../auth/actor';
import type { Db, Prisma } from '../db/client';
import { LeadflowError } from '../domain/errors';
import { evaluateForecast, RuleFileAbsentError } from '../rules/evaluate-forecast';
import { DEAL_STAGES, type DealStage } from '../rules/facts';
import type { Ruleset } from '../rules/ruleset';
import type { ForecastCategory } from '../rules/schema/forecast';
import { auditDeal, findDeal, findWritableDeal } from './deal-access';

type Tx = Prisma.TransactionClient;
type DealRow = Awaited<ReturnType<typeof findDeal>>;
/** The rules a forecast is decided by: the active ruleset, or null while none is loaded. */
export type ForecastRuleset = Pick<Ruleset, 'forecast' | 'version'> | null;

export interface ForecastChange {
  cause: 'conversion' | 'stage-change' | 'edit';
  /** The deal's stage after the change. */
  stage: DealStage;
  /** undefined: keep; null: clear. */
  expectedCloseDate?: string | null;
  /** undefined: keep; null: clear (the rules decide again). */
  override?: { category: ForecastCategory; reason: string | null } | null;
  actor: string;
  reason: string | null;
  at: Date;
  /** Idempotency key of the history row: a retried activity writes it once. */
  key: string;
}

/**
 * Decides the deal's forecast after `change` and records it: the deal's columns and a history
 * row. A closed deal has no category (it is an actual) and loses its override.
 */
export async function applyForecast(
  tx: Tx,
  dealId: string,
  rules: ForecastRuleset,
  change: ForecastChange,
): Promise<void> {
  if (await tx.dealForecast.findUnique({ where: { idempotencyKey: change.key }, select: { id: true } })) return;
  const deal = await tx.deal.findUniqueOrThrow({ where: { id: dealId } });
  const closed = change.stage === 'closed-won' || change.stage === 'closed-lost';
  const decided = rules?.forecast ? evaluateForecast(rules, { stage: change.stage }) : null;
  const probability = closed
    ? change.stage === 'closed-won'
      ? 1
      : 0
    : decided?.outcome.kind === 'open'
      ? decided.outcome.probability
      : null;
  // Without forecast.yaml (a stored version from before it) the last category the rules gave stays.
  const ruleCategory = closed
    ? null
    : decided?.outcome.kind === 'open'
      ? decided.outcome.category
      : (deal.forecastRuleCategory as ForecastCategory | null);
  const rulesetVersion = decided ? decided.version : deal.forecastRulesVersion;
  const keep = change.override === undefined && !closed;
  const override = closed ? null : change.override === undefined ? storedOverride(deal) : change.override;
  const category = closed ? null : (override?.category ?? ruleCategory);
  const expectedCloseDate = change.expectedCloseDate === undefined ? deal.expectedCloseDate : change.expectedCloseDate;
  await tx.deal.update({
    where: { id: dealId },
    data: {
      expectedCloseDate,
      forecastCategory: category,
      forecastRuleCategory: ruleCategory,
      forecastRulesVersion: rulesetVersion,
      ...(keep
        ? {}
        : {
            forecastOverride: override?.category ?? null,
            forecastOverrideReason: override?.reason ?? null,
            forecastOverrideBy: override ? change.actor : null,
            forecastOverrideAt: override ? change.at : null,
          }),
    },
  });
  await tx.dealForecast.create({
    data: {
      id: change.key,
      tenant: deal.tenant,
      dealId,
      cause: change.cause,
      stage: change.stage,
      probability,
      expectedCloseDate,
      category,
      ruleCategory,
      override: override?.category ?? null,
      amountMinor: deal.amountMinor,
      currency: deal.currency,
      rulesetVersion,
      actor: change.actor,
      reason: change.reason,
      occurredAt: change.at,
      idempotencyKey: change.key,
    },
  });
}

function storedOverride(deal: DealRow): { category: ForecastCategory; reason: string | null } | null {
  return deal.forecastOverride
    ? { category: deal.forecastOverride as ForecastCategory, reason: deal.forecastOverrideReason }
    : null;
}

export interface ForecastEdit {
  /** YYYY-MM-DD, or null to clear; absent: unchanged. */
  expectedCloseDate?: string | null;
  /** A category instead of the rules', or null to let the rules decide again; absent: unchanged. */
  category?: ForecastCategory | null;
  /** Why (forecast.yaml `overrides.needsReason` may require it for an override). */
  reason?: string | null;
  expectedRevision: number;
}

/** Changes the deal's close date and/or category override if the deal is still at `expectedRevision`. */
export async function editForecast(
  db: Db,
  rules: () => ForecastRuleset,
  actor: Actor,
  dealId: string,
  edit: ForecastEdit,
  now: Date,
): Promise<ForecastView> {
  const deal = await findWritableDeal(db, actor, dealId);
  assertOpen(deal);
  const ruleset = rules();
  const override =
    edit.category === undefined
      ? undefined
      : edit.category === null
        ? null
        : { category: edit.category, reason: edit.reason ?? null };
  if (override) assertOverrideAllowed(ruleset, override.reason);
  return db.$transaction(async (tx) => {
    // Open and at the revision read, checked atomically with the increment: a deal closing meanwhile is not edited.
    const { count } = await tx.deal.updateMany({
      where: { id: deal.id, revision: edit.expectedRevision, stage: { notIn: ['closed-won', 'closed-lost'] } },
      data: { revision: { increment: 1 } },
    });
    const current = await findDeal(tx, actor.tenant, deal.id);
    if (count === 0) {
      assertOpen(current);
      throw new LeadflowError(
        'stale_revision',
        `Deal ${deal.id} is at revision ${current.revision}, not ${edit.expectedRevision}: it changed since you read it. Reload the forecast, reapply your edit and save with revision ${current.revision}.`,
        { details: [{ path: 'revision', message: `the current revision is ${current.revision}` }] },
      );
    }
    const revision = current.revision;
    await applyForecast(tx, deal.id, ruleset, {
      cause: 'edit',
      stage: storedStage(current),
      ...(edit.expectedCloseDate === undefined ? {} : { expectedCloseDate: edit.expectedCloseDate }),
      ...(override === undefined ? {} : { override }),
      actor: actor.email,
      reason: edit.reason ?? null,
      at: now,
      key: `${deal.id}:forecast:r${revision}`,
    });
    const after = await findDeal(tx, actor.tenant, deal.id);
    await auditDeal(tx, actor, deal, 'deal.forecast-updated', now, {
      revision,
      reason: edit.reason ?? null,
      from: {
        expectedCloseDate: current.expectedCloseDate,
        category: current.forecastCategory,
        override: current.forecastOverride,
      },
      to: {
        expectedCloseDate: after.expectedCloseDate,
        category: after.forecastCategory,
        override: after.forecastOverride,
      },
    });
    return forecastView(tx, after);
  });
}

function assertOpen(deal: DealRow): void {
  if (deal.stage === 'closed-won' || deal.stage === 'closed-lost')
    throw new LeadflowError('conflict', `Deal ${deal.id} is ${deal.stage}; a closed deal has no forecast to change.`);
}

function assertOverrideAllowed(ruleset: ForecastRuleset, reason: string | null): void {
  if (!ruleset?.forecast)
    throw new LeadflowError(
      'rules_unavailable',
      ruleset
        ? new RuleFileAbsentError('forecast.yaml', ruleset.version).message
        : 'No rules version is active, so forecast.yaml cannot say whether a category may be overridden.',
    );
  const { allowed, needsReason } = ruleset.forecast.overrides;
  if (!allowed)
    throw new LeadflowError(
      'not_allowed',
      'forecast.yaml does not allow overriding the forecast category (overrides.allowed: false).',
      {
        details: [{ path: 'category', message: 'may not be set: the category comes from forecast.yaml alone' }],
      },
    );
  if (needsReason && !reason)
    throw new LeadflowError('unprocessable', 'The forecast cannot be saved; see fields.', {
      details: [
        {
          path: 'reason',
          message: 'is required to override the category (forecast.yaml overrides.needsReason): say why',
        },
      ],
    });
}

function storedStage(deal: DealRow): DealStage {
  const stage = DEAL_STAGES.find((s) => s === deal.stage);
  if (!stage) throw new LeadflowError('internal', `Deal ${deal.id} is in an unknown stage "${deal.stage}".`);
  return stage;
}

export interface ForecastView {
  dealId: string;
  /** Name it when editing (If-Match or `revision`). */
  revision: number;
  stage: string;
  expectedCloseDate: string | null;
  /** The stage's probability from the latest forecast (closed won 1, lost 0); null before any. */
  probability: number | null;
  /** The override when one is set, else the rules' category; null once closed. */
  category: string | null;
  ruleCategory: string | null;
  override: { category: string; reason: string | null; by: string | null; at: string | null } | null;
  rulesetVersion: string | null;
  amountMinor: number | null;
  currency: string;
  /** Every change, oldest first. */
  history: {
    at: string;
    cause: string;
    stage: string;
    probability: number | null;
    expectedCloseDate: string | null;
    category: string | null;
    ruleCategory: string | null;
    override: string | null;
    amountMinor: number | null;
    currency: string;
    rulesetVersion: string | null;
    actor: string;
    reason: string | null;
  }[];
}

export async function getForecast(db: Db, actor: Actor, dealId: string): Promise<ForecastView> {
  return forecastView(db, await findDeal(db, actor.tenant, dealId));
}

async function forecastView(db: Pick<Db, 'dealForecast'> | Tx, deal: DealRow): Promise<ForecastView> {
  const history = await db.dealForecast.findMany({
    where: { dealId: deal.id },
    orderBy: [{ occurredAt: 'asc' }, { id: 'asc' }],
  });
  const minor = (value: bigint | null) => (value === null ? null : Number(value));
  return {
    dealId: deal.id,
    revision: deal.revision,
    stage: deal.stage,
    expectedCloseDate: deal.expectedCloseDate,
    probability: history.at(-1)?.probability ?? null,
    category: deal.forecastCategory,
    ruleCategory: deal.forecastRuleCategory,
    override: deal.forecastOverride
      ? {
          category: deal.forecastOverride,
          reason: deal.forecastOverrideReason,
          by: deal.forecastOverrideBy,
          at: deal.forecastOverrideAt?.toISOString() ?? null,
        }
      : null,
    rulesetVersion: deal.forecastRulesVersion,
    amountMinor: minor(deal.amountMinor),
    currency: deal.currency,
    history: history.map((row) => ({
      at: row.occurredAt.toISOString(),
      cause: row.cause,
      stage: row.stage,
      probability: row.probability,
      expectedCloseDate: row.expectedCloseDate,
      category: row.category,
      ruleCategory: row.ruleCategory,
      override: row.override,
      amountMinor: minor(row.amountMinor),
      currency: row.currency,
      rulesetVersion: row.rulesetVersion,
      actor: row.actor,
      reason: row.reason,
    })),
  };
}
