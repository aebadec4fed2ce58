/**
 * Deal-desk activities: converting an SQL into a deal, the rules' decisions on a deal (stage exit
 * criteria, approvals, stalled alerts), stage and quote-version status changes, contracts and the
 * notices people receive. Each is idempotent by an id or key the workflow derives, so a retry or
 * a replayed timer records nothing twice; every change is in the audit trail.
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { Db, Prisma } from '../src/db/client';
import { formatMoney } from '../src/domain/money';
import { dealPageUrl } from '../src/domain/dashboard-links';
import { dealNoticeText, type DealNotice } from '../src/domain/deal-notices';
import { languageOf } from '../src/domain/languages';
import type { ReasonCode, WordingParams } from '../src/domain/reason-codes';
import {
  checkStageExit,
  requiredApprovals,
  type ApprovalOutcome,
  type StageExitOutcome,
} from '../src/rules/evaluate-approvals';
import { evaluateStalled, getCadence, type Decision, type Facts, type Ruleset } from '../src/rules/evaluate';
import type { DealStage } from '../src/rules/facts';
import type { RuleRegistry } from '../src/rules/registry';
import { parseDuration, type Duration } from '../src/rules/duration';
import { formatDuration } from '../src/email/i18n';
import type { ApprovalLevel, BusinessCalendar, CompiledCadence } from '../src/rules/ruleset';
import { recordAudit } from '../src/db/audit-trail';
import { markRenewedContracts } from '../src/db/contract-renewal';
import { recordDealValue, versionValue } from './deal-value';
import { dealFacts } from '../src/usecases/deal-facts';
import { applyForecast, type ForecastRuleset } from '../src/usecases/deal-forecast';
import { recordRuleEvaluation, secondsSince } from '../src/metrics/instruments';
import type { ActorRef, QuoteVersionStatus } from '../workflows/dealMessages';
import { evaluateShadowSafely, type ShadowLogger } from '../src/usecases/shadow-evaluation';
import { activityLog } from './shadow-log';

export type DealDecisionRequest =
  | { kind: 'stage-exit'; stage: DealStage }
  | { kind: 'approval'; discountPct: number; dealSize: number }
  | { kind: 'deal-stalled'; stage: DealStage };

export interface DealDecisionInput {
  dealId: string;
  leadId: string;
  idempotencyKey: string;
  request: DealDecisionRequest;
}

/** What the approval chain needs from approvals.yaml, fixed at the moment of the decision. */
export interface ApprovalPlan {
  /** Every level by role (escalation can reach a level that is not in the tier's chain). */
  levels: Record<string, ApprovalLevel>;
  delegation: Ruleset['approvals']['delegation'];
  /** The business calendar deadlines are counted in (each approver's own time zone applies). */
  calendar: BusinessCalendar;
  /** What approvers read for each tier (approvals.yaml `label`); absent in plans stored before labels. */
  tierLabels?: Ruleset['labels']['tiers'];
}

export type StoredDealDecision<O> = Decision<O> & { decidedAt: string; plan?: ApprovalPlan };

export interface DealActivityDeps {
  db: Db;
  registry: RuleRegistry;
  publicUrl: string;
  /** Where a failed shadow evaluation is logged (default: the activity's logger). */
  logger?: ShadowLogger;
}

export function createDealActivities(deps: DealActivityDeps) {
  const { db } = deps;
  const deal = async (dealId: string) => {
    const row = await db.deal.findUnique({ where: { id: dealId } });
    if (!row) throw ApplicationFailure.nonRetryable(`deal ${dealId} does not exist`, 'DealNotFound');
    return row;
  };
  const audit = (entry: Parameters<typeof recordAudit>[1]) => recordAudit(db, entry);
  /** The running shadow's approval tier for a stored approval decision; never fails, never changes the result. */
  const shadowApproval = async (input: DealDecisionInput, live: Decision<unknown>, at: Date): Promise<void> => {
    if (input.request.kind !== 'approval') return;
    await evaluateShadowSafely(
      { db, version: (hash) => deps.registry.getVersion(hash), logger: deps.logger ?? activityLog },
      {
        kind: 'approval',
        decisionId: input.idempotencyKey,
        leadId: input.leadId,
        dealId: input.dealId,
        at,
        discountPct: input.request.discountPct,
        dealSize: input.request.dealSize,
        live: live as Decision<ApprovalOutcome>,
      },
    );
  };
  /** The forecast is decided by the active rules; while none is loaded the deal keeps its last category. */
  const forecastRules = (): ForecastRuleset => deps.registry.activeOrNull();

  return {
    /**
     * Turns an SQL into a deal: the lead's company becomes (or joins) an account, the lead
     * becomes its first stakeholder, and the deal starts in needs analysis. Idempotent by lead.
     */
    async convertLeadToDeal(input: {
      leadId: string;
      dealId: string;
      workflowId: string;
      name: string | null;
      contactRole: string;
      actor: ActorRef;
      at: string;
    }): Promise<{ dealId: string; ownerEmail: string; created: boolean }> {
      const existing = await db.deal.findUnique({ where: { leadId: input.leadId } });
      if (existing) return { dealId: existing.id, ownerEmail: existing.ownerEmail, created: false };
      const lead = await db.lead.findUnique({ where: { id: input.leadId } });
      if (!lead) throw ApplicationFailure.nonRetryable(`lead ${input.leadId} does not exist`, 'LeadNotFound');
      const accountName = lead.company ?? lead.email?.split('@')[1] ?? `Account of ${lead.id}`;
      const ownerEmail = lead.ownerId ?? input.actor.email;
      const at = new Date(input.at);
      return db.$transaction(async (tx) => {
        const account = await tx.account.upsert({
          where: { tenant_name: { tenant: lead.tenant, name: accountName } },
          create: {
            id: `acc_${input.dealId.slice(3)}`,
            tenant: lead.tenant,
            name: accountName,
            domain: lead.email?.split('@')[1] ?? null,
          },
          update: {},
        });
        const contactName =
          [lead.firstName, lead.lastName].filter(Boolean).join(' ') || lead.email || lead.externalId || lead.id;
        await tx.contact.create({
          data: {
            id: `ct_${input.dealId.slice(3)}`,
            tenant: lead.tenant,
            accountId: account.id,
            name: contactName,
            email: lead.email,
            title: lead.title,
            role: input.contactRole,
            influence: 'medium',
          },
        });
        await tx.deal.create({
          data: {
            id: input.dealId,
            tenant: lead.tenant,
            leadId: lead.id,
            accountId: account.id,
            // The company's name alone: no English word added, so it reads the same in either language.
            name: input.name ?? accountName,
            ownerEmail,
            stage: 'needs-analysis',
            workflowId: input.workflowId,
            needs: {},
            createdAt: at,
          },
        });
        await tx.stageEvent.create({
          data: {
            id: `${input.dealId}:stage:needs-analysis`,
            leadId: lead.id,
            fromStage: lead.stage,
            toStage: 'needs-analysis',
            reason: `converted to deal ${input.dealId} by ${input.actor.email}`,
            reasonCode: 'converted' satisfies ReasonCode,
            reasonParams: { dealId: input.dealId, actor: input.actor.email },
            occurredAt: at,
            idempotencyKey: `${input.dealId}:stage:needs-analysis`,
          },
        });
        await applyForecast(tx, input.dealId, forecastRules(), {
          cause: 'conversion',
          stage: 'needs-analysis',
          actor: input.actor.email,
          reason: 'converted from SQL',
          at,
          key: `${input.dealId}:forecast:conversion`,
        });
        await recordAudit(tx, {
          tenant: lead.tenant,
          subjectType: 'deal',
          subjectId: input.dealId,
          dealId: input.dealId,
          action: 'deal.created',
          actor: input.actor.email,
          reason: 'converted from SQL',
          details: { leadId: lead.id, account: accountName, owner: ownerEmail },
          occurredAt: at,
          idempotencyKey: `${input.dealId}:created`,
        });
        return { dealId: input.dealId, ownerEmail, created: true };
      });
    },

    /** A rules decision on a deal, stored with explanation and version (once per key). */
    async decideDeal(input: DealDecisionInput): Promise<StoredDealDecision<unknown>> {
      const stored = await db.decision.findUnique({ where: { idempotencyKey: input.idempotencyKey } });
      if (stored) {
        const extra = stored.explanation as unknown as { plan?: ApprovalPlan };
        const decision = {
          outcome: stored.outcome,
          explanation: stored.explanation as unknown as Decision<unknown>['explanation'],
          version: stored.rulesetVersion,
        };
        // A retry after the decision was stored: the shadow may not have seen it yet (kept once per decision).
        await shadowApproval(input, decision, stored.decidedAt);
        return { ...decision, decidedAt: stored.decidedAt.toISOString(), plan: extra.plan };
      }
      const ruleset = deps.registry.active();
      const facts = input.request.kind === 'approval' ? null : await dealFacts(db, input.dealId);
      const startedAt = performance.now();
      let decision: Decision<unknown>;
      let plan: ApprovalPlan | undefined;
      let seenFacts: Facts;
      switch (input.request.kind) {
        case 'stage-exit':
          seenFacts = { deal: { ...facts!, stage: input.request.stage } };
          decision = checkStageExit(ruleset, { stage: input.request.stage, facts: seenFacts });
          break;
        case 'deal-stalled':
          seenFacts = { deal: { ...facts!, stage: input.request.stage } };
          decision = evaluateStalled(ruleset, { stage: input.request.stage, facts: seenFacts });
          break;
        case 'approval': {
          const quote = { discountPct: input.request.discountPct, dealSize: input.request.dealSize };
          seenFacts = { quote };
          decision = requiredApprovals(ruleset, quote);
          plan = approvalPlan(ruleset);
          break;
        }
      }
      recordRuleEvaluation(input.request.kind, decision.version, secondsSince(startedAt));
      const decidedAt = new Date();
      await db.decision.create({
        data: {
          id: input.idempotencyKey,
          leadId: input.leadId,
          kind: input.request.kind,
          outcome: decision.outcome as Prisma.InputJsonValue,
          explanation: { ...decision.explanation, ...(plan ? { plan } : {}) } as unknown as Prisma.InputJsonValue,
          // The facts the rules saw, so the decision can be replayed exactly (a backtest).
          facts: seenFacts,
          rulesetVersion: decision.version,
          decidedAt,
          idempotencyKey: input.idempotencyKey,
        },
      });
      await shadowApproval(input, decision, decidedAt);
      return { ...decision, decidedAt: decidedAt.toISOString(), plan };
    },

    /**
     * Moves the deal's row to a stage, with a stage event (for KPIs), its forecast for the new stage
     * (forecast.yaml) and an audit entry; closing lost records the loss code and competitor.
     */
    async setDealStage(input: {
      dealId: string;
      from: DealStage;
      to: DealStage;
      actor: string;
      reason: string;
      /** `reason` as a code and its values (src/domain/reason-codes.ts); absent from older workflows. */
      reasonCode?: string;
      reasonParams?: WordingParams;
      rulesetVersion: string | null;
      warnings: string[];
      at: string;
      key: string;
      /** Closed lost: the loss-reasons.yaml code (checked by the API) and the competitor; absent from older workflows. */
      loss?: { lossReason: string | null; competitor: string | null };
    }): Promise<void> {
      const row = await deal(input.dealId);
      const at = new Date(input.at);
      const closed = input.to === 'closed-won' || input.to === 'closed-lost';
      const loss =
        input.to === 'closed-lost' && input.loss
          ? { lossReason: input.loss.lossReason, lossCompetitor: input.loss.competitor }
          : {};
      await db.$transaction(async (tx) => {
        if (await tx.stageEvent.findUnique({ where: { idempotencyKey: input.key }, select: { id: true } })) return;
        await tx.deal.update({
          where: { id: input.dealId },
          data: { stage: input.to, ...(closed ? { closedAt: at, closeReason: input.reason, ...loss } : {}) },
        });
        await applyForecast(tx, input.dealId, forecastRules(), {
          cause: 'stage-change',
          stage: input.to,
          actor: input.actor,
          reason: input.reason,
          at,
          key: `${input.key}:forecast`,
        });
        await tx.stageEvent.create({
          data: {
            id: input.key,
            leadId: row.leadId,
            fromStage: input.from,
            toStage: input.to,
            reason: input.reason,
            reasonCode: input.reasonCode ?? null,
            ...(input.reasonParams ? { reasonParams: input.reasonParams } : {}),
            rulesetVersion: input.rulesetVersion,
            occurredAt: at,
            idempotencyKey: input.key,
          },
        });
        await recordAudit(tx, {
          tenant: row.tenant,
          subjectType: 'deal',
          subjectId: row.id,
          dealId: row.id,
          action: 'deal.stage-changed',
          actor: input.actor,
          reason: input.reason,
          details: {
            from: input.from,
            to: input.to,
            warnings: input.warnings,
            rulesetVersion: input.rulesetVersion,
            ...(input.reasonCode ? { reasonCode: input.reasonCode, reasonParams: input.reasonParams ?? {} } : {}),
            ...(input.to === 'closed-lost' && input.loss
              ? { lossReason: input.loss.lossReason, competitor: input.loss.competitor }
              : {}),
          },
          occurredAt: at,
          idempotencyKey: `${input.key}:audit`,
        });
      });
    },

    /** Sets a quote version's status (and sent/expiry/signature times), audited. */
    async setQuoteVersionStatus(input: {
      versionId: string;
      status: QuoteVersionStatus;
      actor: string;
      reason: string;
      at: string;
      expiresAt?: string;
      key: string;
    }): Promise<void> {
      const version = await db.quoteVersion.findUnique({ where: { id: input.versionId }, include: { quote: true } });
      if (!version)
        throw ApplicationFailure.nonRetryable(
          `quote version ${input.versionId} does not exist`,
          'QuoteVersionNotFound',
        );
      const at = new Date(input.at);
      await db.$transaction(async (tx) => {
        await tx.quoteVersion.update({
          where: { id: input.versionId },
          data: {
            status: input.status,
            ...(input.status === 'sent'
              ? { sentAt: at, expiresAt: input.expiresAt ? new Date(input.expiresAt) : null }
              : {}),
            ...(input.status === 'signed' ? { signedAt: at } : {}),
          },
        });
        if (input.status === 'approved' || input.status === 'signed') await recordDealValue(tx, version.id);
        await recordAudit(tx, {
          tenant: version.quote.tenant,
          subjectType: 'quote',
          subjectId: version.quoteId,
          dealId: version.quote.dealId,
          action: `quote.${input.status}`,
          actor: input.actor,
          reason: input.reason,
          details: {
            version: version.version,
            versionId: version.id,
            contentHash: version.contentHash,
            ...(input.expiresAt ? { expiresAt: input.expiresAt } : {}),
          },
          occurredAt: at,
          idempotencyKey: input.key,
        });
      });
    },

    /**
     * A won deal's contract: it starts at the signature, runs the quote's term (12 months unless it
     * says otherwise) and is worth the version's TCV and ACV, excluding tax; the deal takes the same value.
     */
    async createContract(input: {
      dealId: string;
      versionId: string;
      contractId: string;
      workflowId: string;
      startDate: string;
      at: string;
    }): Promise<{ contractId: string; currency: string; endDate: string; created: boolean }> {
      const existing = await db.contract.findUnique({ where: { dealId: input.dealId } });
      if (existing)
        return {
          contractId: existing.id,
          currency: existing.currency,
          endDate: existing.endDate.toISOString(),
          created: false,
        };
      const version = await db.quoteVersion.findUnique({ where: { id: input.versionId }, include: { quote: true } });
      if (!version)
        throw ApplicationFailure.nonRetryable(
          `quote version ${input.versionId} does not exist`,
          'QuoteVersionNotFound',
        );
      const value = versionValue(version);
      const { currency } = value;
      const end = new Date(input.startDate);
      end.setUTCMonth(end.getUTCMonth() + value.termMonths);
      const endDate = end.toISOString();
      await db.$transaction(async (tx) => {
        await tx.contract.create({
          data: {
            id: input.contractId,
            tenant: version.quote.tenant,
            dealId: input.dealId,
            quoteVersionId: input.versionId,
            startDate: new Date(input.startDate),
            endDate: end,
            termMonths: value.termMonths,
            tcvMinor: BigInt(value.tcvMinor),
            acvMinor: BigInt(value.acvMinor),
            currency,
            workflowId: input.workflowId,
          },
        });
        await recordDealValue(tx, input.versionId);
        await markRenewedContracts(
          tx,
          {
            id: input.contractId,
            tenant: version.quote.tenant,
            dealId: input.dealId,
            startDate: new Date(input.startDate),
          },
          new Date(input.at),
        );
        await recordAudit(tx, {
          tenant: version.quote.tenant,
          subjectType: 'contract',
          subjectId: input.contractId,
          dealId: input.dealId,
          action: 'contract.created',
          actor: 'system',
          reason: 'deal closed won',
          details: {
            startDate: input.startDate,
            endDate,
            termMonths: value.termMonths,
            tcv: formatMoney(value.tcvMinor, currency),
            acv: formatMoney(value.acvMinor, currency),
            quoteVersion: version.version,
          },
          occurredAt: new Date(input.at),
          idempotencyKey: `${input.contractId}:created`,
        });
      });
      return { contractId: input.contractId, currency, endDate, created: true };
    },

    /** A renewal reminder: a task for the deal owner, an audit entry, and the notice to email. */
    async remindRenewal(input: {
      contractId: string;
      offset: string;
      at: string;
    }): Promise<{ to: string; subject: string; text: string } | null> {
      const contract = await db.contract.findUnique({ where: { id: input.contractId }, include: { deal: true } });
      if (!contract)
        throw ApplicationFailure.nonRetryable(`contract ${input.contractId} does not exist`, 'ContractNotFound');
      // Already renewed (a new contract of the account): nothing is due, so no task and no email.
      if (contract.status === 'renewed') return null;
      const key = `${input.contractId}:renewal:${input.offset}`;
      const at = new Date(input.at);
      const endDate = contract.endDate.toISOString().slice(0, 10);
      await db.task.upsert({
        where: { id: key },
        create: {
          id: key,
          leadId: contract.deal.leadId,
          dealId: contract.dealId,
          ownerEmail: contract.deal.ownerEmail,
          kind: 'renewal',
          title: `Renewal: ${contract.deal.name} ends ${endDate} (${input.offset} before)`,
          dueAt: at,
        },
        update: {},
      });
      await db.contract.update({ where: { id: contract.id }, data: { status: 'renewal-due' } });
      await audit({
        tenant: contract.tenant,
        subjectType: 'contract',
        subjectId: contract.id,
        dealId: contract.dealId,
        action: 'contract.renewal-reminder',
        actor: 'system',
        reason: `${input.offset} before the end of the contract`,
        details: { endDate, offset: input.offset },
        occurredAt: at,
        idempotencyKey: `${key}:audit`,
      });
      const owner = await db.rep.findUnique({
        where: { tenant_email: { tenant: contract.tenant, email: contract.deal.ownerEmail } },
        select: { language: true },
      });
      const language = languageOf(owner?.language);
      const offset = parseDuration(input.offset);
      const notice: DealNotice = {
        kind: 'renewal-due',
        endDate,
        offset: offset.ok ? formatDuration(offset.duration, language) : input.offset,
        acv: formatMoney(Number(contract.acvMinor), contract.currency),
        tcv: formatMoney(Number(contract.tcvMinor), contract.currency),
      };
      const link = { name: contract.deal.name, url: dealPageUrl(deps.publicUrl, contract.dealId) };
      return { to: contract.deal.ownerEmail, ...dealNoticeText(notice, link, language) };
    },

    /** The contract's term ended. */
    async endContract(input: { contractId: string; at: string }): Promise<void> {
      // A renewed contract stays `renewed` when its term ends; any other becomes `ended`.
      await db.contract.updateMany({
        where: { id: input.contractId, status: { not: 'renewed' } },
        data: { status: 'ended' },
      });
      const contract = await db.contract.findUniqueOrThrow({ where: { id: input.contractId } });
      await audit({
        tenant: contract.tenant,
        subjectType: 'contract',
        subjectId: contract.id,
        dealId: contract.dealId,
        action: 'contract.ended',
        actor: 'system',
        reason: 'end date reached',
        details: {},
        occurredAt: new Date(input.at),
        idempotencyKey: `${contract.id}:ended`,
      });
    },

    /**
     * A notice about a deal for its owner (or the owner's manager): an approval decided, a stall,
     * a quote expired, warnings; in the reader's language. `subject` and `body`: English text from
     * workflows that ran before notices were named (sent as written).
     */
    async composeDealNotice(
      input: { dealId: string; who: 'owner' | 'owner-manager' } & (
        { notice: DealNotice } | { notice?: undefined; subject: string; body: string }
      ),
    ): Promise<{ to: string; subject: string; text: string } | null> {
      const row = await deal(input.dealId);
      const owner = await db.rep.findUnique({
        where: { tenant_email: { tenant: row.tenant, email: row.ownerEmail } },
      });
      const reader =
        input.who === 'owner'
          ? owner
          : owner?.managerId
            ? await db.rep.findUnique({ where: { id: owner.managerId } })
            : null;
      const to = input.who === 'owner' ? row.ownerEmail : (reader?.email ?? null);
      if (!to) return null;
      const link = { name: row.name, url: dealPageUrl(deps.publicUrl, row.id) };
      if (input.notice) return { to, ...dealNoticeText(input.notice, link, languageOf(reader?.language)) };
      return { to, subject: `${input.subject}: ${row.name}`, text: `${input.body}\n\nDeal: ${link.url}\n` };
    },

    /** The meeting reminder offsets and the demo follow-up cadence, from the active rules. */
    dealTimingRules(): Promise<{
      meetingReminders: Duration[];
      demoFollowUp: CompiledCadence | null;
      quoteValidFor: Duration;
      renewalRemindBefore: Duration[];
    }> {
      const ruleset = deps.registry.active();
      const { approvals } = ruleset;
      const cadence = approvals.demoFollowUpCadence
        ? (getCadence(ruleset, approvals.demoFollowUpCadence) ?? null)
        : null;
      return Promise.resolve({
        meetingReminders: approvals.meetingReminders,
        demoFollowUp: cadence,
        quoteValidFor: approvals.quoteValidFor,
        renewalRemindBefore: approvals.renewalRemindBefore,
      });
    },

    /** Meeting reminder: marks it reminded and returns the notice for the owner. */
    async remindMeeting(input: {
      meetingId: string;
      offset: string;
      at: string;
    }): Promise<{ to: string; subject: string; text: string } | null> {
      const meeting = await db.meeting.findUnique({ where: { id: input.meetingId }, include: { deal: true } });
      if (!meeting || meeting.status !== 'scheduled') return null;
      await db.meeting.update({ where: { id: meeting.id }, data: { remindedAt: new Date(input.at) } });
      const attendees = (meeting.attendees as { name: string }[]).map((a) => a.name).join(', ');
      return {
        to: meeting.deal.ownerEmail,
        subject: `Reminder: ${meeting.title} in ${input.offset}`,
        text: `${meeting.kind === 'demo' ? 'Demo' : 'Meeting'} "${meeting.title}" for ${meeting.deal.name} starts at ${meeting.startsAt.toISOString()}${attendees ? ` with ${attendees}` : ''}.\n\nDeal: ${dealPageUrl(deps.publicUrl, meeting.dealId)}\n`,
      };
    },
  };
}

function approvalPlan(ruleset: Ruleset): ApprovalPlan {
  const levels: Record<string, ApprovalLevel> = {};
  for (const chain of Object.values(ruleset.approvals.chains))
    for (const step of chain) for (const level of step.approvers) levels[level.role] = level;
  const escalation = ruleset.escalation;
  const calendar = escalation.calendars[escalation.defaultCalendar]!;
  return { levels, delegation: ruleset.approvals.delegation, calendar, tierLabels: ruleset.labels.tiers };
}

export type { ApprovalOutcome, StageExitOutcome };
