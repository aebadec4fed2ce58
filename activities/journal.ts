import { recordAudit } from '../src/db/audit-trail';
import type { Db } from '../src/db/client';
import { advanceLastActivity } from '../src/db/last-activity';
import { LeadflowError } from '../src/domain/errors';
import type { LeadStage } from '../src/domain/lead';
import type { LeadEvent } from '../src/domain/lead-events';
import type { ReasonCode, TaskTitleCode, WordingParams, Worded } from '../src/domain/reason-codes';

/**
 * The lead's journal in the database: timeline entries, stage transitions, SLA status and
 * tasks. Every write is keyed, so an activity retry records nothing twice.
 */
export function createJournalActivities(db: Db) {
  return {
    async recordLeadEvent(input: { leadId: string; event: LeadEvent }): Promise<{ duplicate: boolean }> {
      const key = `event:${input.leadId}:${input.event.eventId}`;
      const existing = await db.interaction.findUnique({ where: { idempotencyKey: key }, select: { id: true } });
      // A retry after a crash between the two writes still moves the lead's last activity.
      if (existing) {
        await advanceLastActivity(db, input.leadId, new Date(input.event.at));
        return { duplicate: true };
      }
      await db.interaction.create({
        data: {
          id: key,
          leadId: input.leadId,
          kind: input.event.type,
          occurredAt: new Date(input.event.at),
          payload: { actor: input.event.actor ?? null, details: input.event.details },
          idempotencyKey: key,
        },
      });
      await advanceLastActivity(db, input.leadId, new Date(input.event.at));
      return { duplicate: false };
    },

    async transitionStage(input: {
      leadId: string;
      from: LeadStage;
      to: LeadStage;
      reason: string;
      /** `reason` as a code and values (src/domain/reason-codes.ts); absent in calls from older workflows. */
      reasonCode?: string;
      reasonParams?: WordingParams;
      rulesetVersion: string | null;
      at: string;
      idempotencyKey: string;
      extra?: { bant?: Record<string, string>; disqualifiedReason?: string | null };
    }): Promise<void> {
      await db.$transaction(async (tx) => {
        if (await tx.stageEvent.findUnique({ where: { idempotencyKey: input.idempotencyKey }, select: { id: true } }))
          return;
        const at = new Date(input.at);
        await tx.stageEvent.create({
          data: {
            id: input.idempotencyKey,
            leadId: input.leadId,
            fromStage: input.from,
            toStage: input.to,
            reason: input.reason,
            reasonCode: input.reasonCode ?? null,
            ...(input.reasonParams ? { reasonParams: input.reasonParams } : {}),
            rulesetVersion: input.rulesetVersion,
            occurredAt: at,
            idempotencyKey: input.idempotencyKey,
          },
        });
        await tx.lead.update({
          where: { id: input.leadId },
          data: {
            stage: input.to,
            ...(input.to === 'mql' ? { mqlAt: at } : {}),
            ...(input.to === 'sql' ? { sqlAt: at } : {}),
            ...(input.extra?.bant ? { bant: input.extra.bant } : {}),
            ...(input.extra && 'disqualifiedReason' in input.extra
              ? { disqualifiedReason: input.extra.disqualifiedReason ?? null }
              : {}),
          },
        });
      });
    },

    /**
     * The deal closed: the lead it came from becomes a `customer` (won) or `lost`, with a stage
     * event and an audit entry, once (keyed by the deal and outcome). The stage event carries the
     * closing decision's ruleset version (a win's stage-exit check); a loss is a person's call that
     * no rule decides, so it carries the version behind the lead's latest decision.
     */
    async closeLeadWithDeal(input: {
      dealId: string;
      outcome: 'won' | 'lost';
      actor: string;
      reason: string;
      /**
       * The closer's own words for the reason code (null: none, `reason` is leadflow's); absent from
       * older workflows, whose `reason` is taken as the words.
       */
      note?: string | null;
      rulesetVersion: string | null;
      at: string;
    }): Promise<{ leadId: string; journeyId: string; stage: LeadStage }> {
      const to: LeadStage = input.outcome === 'won' ? 'customer' : 'lost';
      const key = `${input.dealId}:lead-${to}`;
      return db.$transaction(async (tx) => {
        const deal = await tx.deal.findUnique({ where: { id: input.dealId }, select: { leadId: true, tenant: true } });
        const lead = deal
          ? await tx.lead.findUnique({ where: { id: deal.leadId }, select: { id: true, stage: true, journeyId: true } })
          : null;
        if (!deal || !lead)
          throw new LeadflowError(
            'not_found',
            `No deal ${input.dealId} with its lead: the lead cannot follow its close.`,
          );
        const closed = { leadId: lead.id, journeyId: lead.journeyId, stage: to };
        if (await tx.stageEvent.findUnique({ where: { idempotencyKey: key }, select: { id: true } })) return closed;
        const latest = await tx.decision.findFirst({
          where: { leadId: lead.id },
          orderBy: { decidedAt: 'desc' },
          select: { rulesetVersion: true },
        });
        const rulesetVersion = input.rulesetVersion ?? latest?.rulesetVersion ?? null;
        const reason = `deal ${input.dealId} closed ${input.outcome}: ${input.reason}`;
        const at = new Date(input.at);
        await tx.stageEvent.create({
          data: {
            id: key,
            leadId: lead.id,
            fromStage: lead.stage,
            toStage: to,
            reason,
            reasonCode: 'deal-closed' satisfies ReasonCode,
            reasonParams: {
              dealId: input.dealId,
              outcome: input.outcome,
              ...(input.note === undefined ? { note: input.reason } : input.note ? { note: input.note } : {}),
            },
            rulesetVersion,
            occurredAt: at,
            idempotencyKey: key,
          },
        });
        await tx.lead.update({ where: { id: lead.id }, data: { stage: to } });
        await recordAudit(tx, {
          tenant: deal.tenant,
          subjectType: 'lead',
          subjectId: lead.id,
          dealId: input.dealId,
          action: 'lead.stage-changed',
          actor: input.actor,
          reason,
          details: { from: lead.stage, to, dealId: input.dealId, rulesetVersion },
          occurredAt: at,
          idempotencyKey: `${key}:audit`,
        });
        return closed;
      });
    },

    /** `none`: the clock stopped without being met or breached (the lead was handed to a queue). */
    async updateSla(input: {
      leadId: string;
      status: 'none' | 'running' | 'met' | 'breached';
      dueAt?: string | null;
      firstTouchAt?: string;
    }): Promise<void> {
      await db.lead.update({
        where: { id: input.leadId },
        data: {
          slaStatus: input.status,
          ...(input.dueAt !== undefined ? { slaDueAt: input.dueAt ? new Date(input.dueAt) : null } : {}),
          ...(input.firstTouchAt ? { firstTouchAt: new Date(input.firstTouchAt) } : {}),
        },
      });
    },

    async createTask(input: {
      id: string;
      leadId: string;
      ownerEmail: string | null;
      kind: string;
      /** In English; `titleText` is the same as a code (absent in calls from older workflows). */
      title: string;
      titleText?: Worded<TaskTitleCode>;
      dueAt: string;
    }): Promise<void> {
      await db.task.upsert({
        where: { id: input.id },
        create: {
          id: input.id,
          leadId: input.leadId,
          ownerEmail: input.ownerEmail,
          kind: input.kind,
          title: input.title,
          titleCode: input.titleText?.code ?? null,
          ...(input.titleText ? { titleParams: input.titleText.params } : {}),
          dueAt: new Date(input.dueAt),
        },
        update: {},
      });
    },

    async recordEnrolment(input: {
      id: string;
      leadId: string;
      cadence: string;
      state: { status: string; nextStep: string | null; nextStepAt: string | null };
      stepIndex: number;
      stoppedReason?: string | null;
    }): Promise<void> {
      const data = {
        status: input.state.status,
        stepIndex: input.stepIndex,
        nextStepName: input.state.nextStep,
        nextStepAt: input.state.nextStepAt ? new Date(input.state.nextStepAt) : null,
        stoppedReason: input.stoppedReason ?? null,
      };
      await db.cadenceEnrolment.upsert({
        where: { id: input.id },
        create: {
          id: input.id,
          leadId: input.leadId,
          cadence: input.cadence,
          workflowId: input.id,
          enrolledAt: new Date(),
          ...data,
        },
        update: data,
      });
    },

    async pinRules(input: { leadId: string; version: string }): Promise<void> {
      await db.lead.update({ where: { id: input.leadId }, data: { pinnedRulesVersion: input.version } });
    },
  };
}
