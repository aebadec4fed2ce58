/**
 * A deal's needs analysis: SPIN notes, pain points, business goals, objections and how each was
 * answered, and the summary the stage exit criteria look for. Saved whole, under optimistic
 * concurrency: a write names the deal revision it read, and loses (409) if someone wrote since.
 */
import { z } from 'zod';
import { text } from '../domain/fields';
import { because } from '../api/zod-words';
import type { Actor } from '../auth/actor';
import type { Db } from '../db/client';
import { auditDeal, findDeal, findWritableDeal } from './deal-access';
import { LeadflowError } from '../domain/errors';

const note = (max: number) => z.string().trim().max(max, `must be at most ${max} characters`);
const item = text(500);

export const OBJECTION_STATUSES = ['open', 'answered'] as const;

export const ObjectionSchema = z
  .strictObject({
    objection: item,
    response: note(2000).nullable().optional(),
    status: z.enum(OBJECTION_STATUSES, { error: `must be one of: ${OBJECTION_STATUSES.join(', ')}` }).default('open'),
  })
  // A rule between two fields, which the document cannot say: a 422 (FieldError.unprocessable).
  .refine((o) => o.status !== 'answered' || (o.response ?? '').length > 0, {
    ...because('answered-needs-response', {}, { unprocessable: true }),
    path: ['response'],
  });

const needsShape = {
  spin: z
    .strictObject({
      situation: note(4000).default(''),
      problem: note(4000).default(''),
      implication: note(4000).default(''),
      needPayoff: note(4000).default(''),
    })
    .default({ situation: '', problem: '', implication: '', needPayoff: '' }),
  painPoints: z.array(item).max(50, 'at most 50 pain points').default([]),
  businessGoals: z.array(item).max(50, 'at most 50 business goals').default([]),
  objections: z.array(ObjectionSchema).max(50, 'at most 50 objections').default([]),
};

/** The needs analysis as written through the API (without the summary): unknown fields are an error. */
export const NeedsAnalysisSchema = z.strictObject(needsShape);
/** As stored in `Deal.needs`: whatever else the row holds (e.g. written by a conversion) is ignored. */
const StoredNeedsSchema = z.object(needsShape);
export type NeedsAnalysis = z.infer<typeof NeedsAnalysisSchema>;

export interface NeedsView {
  dealId: string;
  /** Name it when saving (If-Match or `revision`). */
  revision: number;
  needs: NeedsAnalysis;
  /** What the stage exit criteria check for (`deal.needsSummary`); null until written. */
  summary: string | null;
  updatedAt: string;
}

type DealRow = Awaited<ReturnType<typeof findDeal>>;

export async function getNeeds(db: Db, actor: Actor, dealId: string): Promise<NeedsView> {
  return toView(await findDeal(db, actor.tenant, dealId));
}

/** Replaces the needs analysis if the deal is still at `expectedRevision`; 409 stale_revision naming the current one otherwise. */
export async function saveNeeds(
  db: Db,
  actor: Actor,
  dealId: string,
  input: { needs: NeedsAnalysis; summary: string | null; expectedRevision: number },
  now: Date,
): Promise<NeedsView> {
  return db.$transaction(async (tx) => {
    const deal = await findWritableDeal(tx, actor, dealId);
    const { count } = await tx.deal.updateMany({
      where: { id: deal.id, revision: input.expectedRevision },
      data: { needs: input.needs, needsSummary: input.summary, revision: { increment: 1 } },
    });
    if (count === 0) {
      const current =
        (await tx.deal.findUnique({ where: { id: deal.id }, select: { revision: true } }))?.revision ?? deal.revision;
      throw new LeadflowError(
        'stale_revision',
        `Deal ${deal.id} is at revision ${current}, not ${input.expectedRevision}: it changed since you read it. Reload the needs analysis, reapply your edit and save with revision ${current}.`,
        { details: [{ path: 'revision', message: `the current revision is ${current}` }] },
      );
    }
    await auditDeal(tx, actor, deal, 'deal.needs-updated', now, {
      revision: input.expectedRevision + 1,
      summary: input.summary,
    });
    return toView(await findDeal(tx, actor.tenant, deal.id));
  });
}

function toView(deal: DealRow): NeedsView {
  const stored = StoredNeedsSchema.safeParse(deal.needs ?? {});
  if (!stored.success)
    throw new LeadflowError(
      'internal',
      `Deal ${deal.id} holds a needs analysis leadflow cannot read: ${stored.error.issues[0]?.message ?? 'invalid'}.`,
    );
  return {
    dealId: deal.id,
    revision: deal.revision,
    needs: stored.data,
    summary: deal.needsSummary,
    updatedAt: deal.updatedAt.toISOString(),
  };
}
