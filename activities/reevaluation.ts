/**
 * The database side of re-scoring open journeys after a rules activation
 * (workflows/rulesReevaluation.ts): pages of open leads' journeys, and the audit entry when it
 * is done. Both are reads or idempotent writes, so a retry changes nothing.
 */
import type { Db } from '../src/db/client';
import { recordAudit } from '../src/db/audit-trail';
import type { LeadStage } from '../src/domain/lead';

/**
 * Stages whose journey still scores: before MQL (a re-score may make an MQL) and after it (reps
 * see which MQLs heat up). Disqualified leads and those whose deal closed are left alone.
 */
export const OPEN_LEAD_STAGES: readonly LeadStage[] = ['new', 'engaged', 'mql', 'sql', 'nurture', 'recycled'];

export interface OpenJourneysPage {
  journeyIds: string[];
  /** The last lead id of the page: the next page starts after it; null when there is no more. */
  next: string | null;
}

export interface ReevaluationRecord {
  /** The tenant whose audit trail gets the entry (the installation's; the rules are shared). */
  tenant: string;
  version: string;
  previous: string | null;
  leads: number;
  startedAt: string;
  finishedAt: string;
}

export function createReevaluationActivities(db: Db) {
  return {
    /** Up to `limit` open journeys, in lead id order, after lead id `after` (all tenants: the rules are shared). */
    async openJourneysPage(input: { after: string | null; limit: number }): Promise<OpenJourneysPage> {
      const leads = await db.lead.findMany({
        where: { stage: { in: [...OPEN_LEAD_STAGES] }, ...(input.after ? { id: { gt: input.after } } : {}) },
        orderBy: { id: 'asc' },
        take: input.limit,
        select: { id: true, journeyId: true },
      });
      return {
        journeyIds: leads.map((lead) => lead.journeyId),
        next: leads.length === input.limit ? leads.at(-1)!.id : null,
      };
    },

    /** The audit entry of a finished re-evaluation, once per run (keyed by version and start). */
    async recordReevaluation(record: ReevaluationRecord): Promise<void> {
      await recordAudit(db, {
        tenant: record.tenant,
        subjectType: 'rules',
        subjectId: record.version,
        action: 'rules.reevaluated',
        actor: 'system',
        reason: null,
        details: {
          previous: record.previous,
          leads: record.leads,
          startedAt: record.startedAt,
          finishedAt: record.finishedAt,
        },
        occurredAt: new Date(record.finishedAt),
        idempotencyKey: `rules.reevaluated:${record.version}:${record.startedAt}`,
      });
    },
  };
}
