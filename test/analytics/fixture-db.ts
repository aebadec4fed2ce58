/**
 * Writes the hand-computed fixture (fixture.ts) into a real database through Prisma, as the journeys
 * record it: StageEvent rows for lead and deal stages, Decision rows, the Assignment history,
 * Interaction rows for touches, DealActivity and Meeting rows, quotes with versions and approval
 * requests, contracts and rule versions. It adds rows loadFacts must ignore (noise) so the
 * integration test shows they change nothing.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Db, Prisma } from '../../src/db/client';
import {
  ACTIVITIES,
  APPROVALS,
  CONTRACTS,
  DEAL_STAGE_NAMES,
  DEALS,
  LEADS,
  ALICE,
  QUOTES,
  REPS,
  RULE_ACTIVATIONS,
  V2,
  stagesOf,
  when,
  type LeadSpec,
} from './fixture';

const LEAD_INTERACTION = { call: 'call-logged', email: 'email-sent', meeting: 'meeting-booked' } as const;

async function writeReps(db: Db, tenant: string): Promise<void> {
  for (const rep of REPS) {
    const manager = rep.manager ? await db.rep.findFirst({ where: { tenant, email: rep.manager } }) : null;
    await db.rep.create({
      data: {
        id: `${tenant}:${rep.email}`,
        tenant,
        email: rep.email,
        name: rep.email.split('@')[0]!,
        role: rep.manager ? 'rep' : 'manager',
        managerId: manager?.id ?? null,
        timeZone: rep.timeZone,
      },
    });
  }
}

function leadRow(lead: LeadSpec, tenant: string): Prisma.LeadCreateManyInput {
  const current = lead.assignments.at(-1);
  const attributes: Record<string, string | number> = {};
  if (lead.industry) attributes.industry = lead.industry;
  if (lead.employees !== undefined) attributes.employees = lead.employees;
  if (lead.region) attributes.region = lead.region;
  return {
    id: lead.id,
    tenant,
    email: `${lead.id.toLowerCase()}@prospect.example`,
    source: lead.source,
    sourceDetails: lead.campaign ? { campaign: lead.campaign } : {},
    attributes,
    stage: stagesOf(lead).at(-1)!.to,
    // The current owner: the last assignment, after C too (L17 is bob's now); leads never routed keep theirs.
    ownerId: current ? current[1] : lead.owner,
    queue: current && current[1] === null ? 'unassigned-mql' : null,
    journeyId: `journey-${lead.id}`,
    slaDueAt: lead.slaDueAt ? when(lead.slaDueAt) : null,
    createdAt: when(lead.createdAt),
  };
}

async function writeLeads(db: Db, tenant: string): Promise<void> {
  await db.lead.createMany({ data: LEADS.map((lead) => leadRow(lead, tenant)) });
  await db.stageEvent.createMany({
    data: LEADS.flatMap((lead) =>
      stagesOf(lead).map((event, index) => ({
        id: `${lead.id}:stage:${index}`,
        leadId: lead.id,
        fromStage: event.from,
        toStage: event.to,
        reason: event.to === 'closed-lost' ? lead.lostReason! : `moved to ${event.to}`,
        rulesetVersion: event.rulesetVersion,
        occurredAt: event.at,
        idempotencyKey: `${lead.id}:stage:${index}`,
      })),
    ),
  });
  await db.decision.createMany({
    data: LEADS.flatMap((lead) =>
      (lead.decisions ?? []).map(([kind, version, time], index) => ({
        id: `${lead.id}:decision:${index}`,
        leadId: lead.id,
        kind,
        outcome: {},
        explanation: {},
        rulesetVersion: version,
        decidedAt: when(time),
        idempotencyKey: `${lead.id}:decision:${index}`,
      })),
    ),
  });
  await db.assignment.createMany({
    data: LEADS.flatMap((lead) =>
      lead.assignments.map(([time, rep], index) => ({
        id: `${lead.id}:assignment:${index}`,
        leadId: lead.id,
        tenant,
        repEmail: rep,
        queue: rep === null ? 'unassigned-mql' : null,
        reason: index === 0 ? 'routed' : 'reassigned',
        assignedAt: when(time),
        idempotencyKey: `${lead.id}:assignment:${index}`,
      })),
    ),
  });
}

async function writeDeals(db: Db, tenant: string): Promise<void> {
  for (const deal of DEALS) {
    const lead = LEADS.find((spec) => spec.id === deal.leadId)!;
    const dealStages = stagesOf(lead).filter((event) => DEAL_STAGE_NAMES.includes(event.to));
    const last = dealStages.at(-1)!;
    await db.account.upsert({
      where: { tenant_name: { tenant, name: deal.accountId } },
      create: { id: deal.accountId, tenant, name: deal.accountId },
      update: {},
    });
    await db.deal.create({
      data: {
        id: deal.id,
        tenant,
        leadId: deal.leadId,
        accountId: deal.accountId,
        name: `${deal.id} opportunity`,
        ownerEmail: lead.owner!,
        stage: last.to,
        currency: deal.currency,
        acvMinor: deal.acvMinor === null ? null : BigInt(deal.acvMinor),
        workflowId: `deal-${deal.id}`,
        needs: {},
        closedAt: last.to.startsWith('closed') ? last.at : null,
        closeReason: last.to === 'closed-lost' ? lead.lostReason! : null,
        lossReason: deal.loss?.code ?? null,
        lossCompetitor: deal.loss?.competitor ?? null,
        createdAt: dealStages[0]!.at,
      },
    });
  }
}

async function writeActivities(db: Db): Promise<void> {
  for (const activity of ACTIVITIES) {
    if (activity.dealId === null) {
      await db.interaction.create({
        data: {
          id: activity.id,
          leadId: activity.leadId,
          kind: LEAD_INTERACTION[activity.kind],
          occurredAt: when(activity.at),
          payload: { actor: activity.actor, details: {} },
          idempotencyKey: activity.id,
        },
      });
      continue;
    }
    const meetingId = activity.id.endsWith(':outcome') ? activity.id.slice(0, -':outcome'.length) : null;
    if (meetingId) await writeMeeting(db, meetingId, activity.dealId, when(activity.at), 'held');
    await db.dealActivity.create({
      data: {
        id: activity.id,
        dealId: activity.dealId,
        kind: meetingId ? 'demo' : activity.kind,
        summary: `${activity.kind} by ${activity.actor}`,
        actor: activity.actor,
        occurredAt: when(activity.at),
        payload: {},
        idempotencyKey: activity.id,
      },
    });
  }
}

async function writeMeeting(db: Db, id: string, dealId: string, startsAt: Date, status: string): Promise<void> {
  await db.meeting.create({
    data: {
      id,
      dealId,
      kind: 'demo',
      title: `Demo ${dealId}`,
      startsAt,
      endsAt: new Date(startsAt.getTime() + 3_600_000),
      attendees: [],
      status,
    },
  });
}

async function writeQuotes(db: Db, tenant: string): Promise<void> {
  for (const dealId of [...new Set(QUOTES.map((quote) => quote.dealId))])
    await db.quote.create({ data: { id: `q-${dealId}`, tenant, dealId, number: `Q-${tenant}-${dealId}` } });
  for (const quote of QUOTES)
    await db.quoteVersion.create({
      data: {
        id: quote.id,
        quoteId: `q-${quote.dealId}`,
        version: quote.version,
        content: {},
        totals: {},
        contentHash: `hash-${quote.id}`,
        status: quote.sentAt ? 'sent' : 'draft',
        approvalDiscountBp: quote.discountBp,
        approvalTier: quote.tier,
        createdAt: when(quote.createdAt),
        sentAt: quote.sentAt ? when(quote.sentAt) : null,
      },
    });
  for (const approval of APPROVALS) {
    const quote = QUOTES.find((spec) => spec.id === approval.versionId)!;
    await db.approvalRequest.create({
      data: {
        id: approval.id,
        tenant,
        dealId: quote.dealId,
        quoteVersionId: quote.id,
        contentHash: `hash-${quote.id}`,
        tier: approval.tier,
        chain: ['manager'],
        status: approval.status,
        workflowId: `approval-${approval.id}`,
        rulesetVersion: 'rules-v1',
        requestedAt: when(approval.requestedAt),
        decidedAt: approval.decidedAt ? when(approval.decidedAt) : null,
      },
    });
  }
}

async function writeContracts(db: Db, tenant: string): Promise<void> {
  await db.contract.createMany({
    data: CONTRACTS.map((contract) => ({
      id: contract.id,
      tenant,
      dealId: contract.dealId,
      quoteVersionId: `qv-${contract.dealId}`,
      startDate: when(contract.startDate),
      endDate: when(contract.endDate),
      termMonths: 12,
      tcvMinor: BigInt(contract.acvMinor),
      acvMinor: BigInt(contract.acvMinor),
      currency: contract.currency,
      workflowId: `renewal-${contract.id}`,
      createdAt: when(contract.createdAt),
    })),
  });
}

/** Rows the loader must leave out: not touches, not activity, not a scoring/routing decision, not this tenant. */
async function writeNoise(db: Db, tenant: string): Promise<void> {
  await db.interaction.create({
    data: {
      id: 'noise-visit',
      leadId: 'L08',
      kind: 'pricing-page-visit',
      occurredAt: when('03-04 12:00'),
      payload: {},
      idempotencyKey: 'noise-visit',
    },
  });
  await db.decision.create({
    data: {
      id: 'noise-sla',
      leadId: 'L08',
      kind: 'sla',
      outcome: {},
      explanation: {},
      rulesetVersion: 'rules-v1',
      decidedAt: when('03-03 15:00'),
      idempotencyKey: 'noise-sla',
    },
  });
  await db.dealActivity.create({
    data: {
      id: 'noise-note',
      dealId: 'D08',
      kind: 'note',
      summary: 'a note is not activity',
      actor: 'alice@example.com',
      occurredAt: when('03-12 16:00'),
      payload: {},
      idempotencyKey: 'noise-note',
    },
  });
  // A demo that did not happen: its outcome entry is on the timeline, but it is no meeting held.
  await writeMeeting(db, 'mtg-D09', 'D09', when('03-18 15:00'), 'no-show');
  await db.dealActivity.create({
    data: {
      id: 'mtg-D09:outcome',
      dealId: 'D09',
      kind: 'demo',
      summary: 'Demo D09: no-show',
      actor: 'bob@example.com',
      occurredAt: when('03-18 15:00'),
      payload: {},
      idempotencyKey: 'mtg-D09:outcome',
    },
  });
  await db.lead.create({
    data: {
      id: 'OTHER-1',
      tenant: `${tenant}-other`,
      email: 'other@prospect.example',
      source: 'ads',
      sourceDetails: {},
      attributes: {},
      journeyId: 'journey-other',
      createdAt: when('03-10 15:00'),
      stageEvents: {
        create: {
          id: 'OTHER-1:stage:0',
          toStage: 'new',
          reason: 'captured',
          occurredAt: when('03-10 15:00'),
          idempotencyKey: 'OTHER-1:stage:0',
        },
      },
    },
  });
}

/**
 * rules-v2 weighs proposals at 40 % where the shipped forecast.yaml (active when the test reads)
 * says 50 %, and needs analysis at 20 % where it says 10 %: a report on a period that ended under
 * rules-v2 weighs with these.
 */
export const V2_FORECAST = { 'needs-analysis: 0.1': 'needs-analysis: 0.2', 'proposal: 0.5': 'proposal: 0.4' };

/** The shipped rule files' texts, with forecast.yaml's lines replaced as `forecast` says. */
function shippedRuleTexts(forecast: Record<string, string>): Record<string, string> {
  const dir = path.resolve('rules');
  const files = Object.fromEntries(
    readdirSync(dir)
      .filter((name) => name.endsWith('.yaml'))
      .map((name) => [name, readFileSync(path.join(dir, name), 'utf8')]),
  );
  for (const [from, to] of Object.entries(forecast)) {
    if (!files['forecast.yaml']!.includes(from)) throw new Error(`test setup: "${from}" not in forecast.yaml`);
    files['forecast.yaml'] = files['forecast.yaml']!.replace(from, to);
  }
  return files;
}

/** The whole fixture, with its noise, in `tenant`. */
export async function writeFixture(db: Db, tenant: string): Promise<void> {
  await writeReps(db, tenant);
  let previous: string | null = null;
  for (const activation of RULE_ACTIVATIONS) {
    const files = shippedRuleTexts(activation.version === V2 ? V2_FORECAST : {});
    await db.ruleVersion.create({ data: { hash: activation.version, files, activatedAt: activation.activatedAt } });
    await db.ruleActivation.create({
      data: { hash: activation.version, previous, activatedAt: activation.activatedAt, summary: null },
    });
    previous = activation.version;
  }
  await writeLeads(db, tenant);
  await writeDeals(db, tenant);
  await writeActivities(db);
  await writeQuotes(db, tenant);
  await writeContracts(db, tenant);
  await writeNoise(db, tenant);
}

/**
 * What the pipeline and channel reports read beside the journeys, for period C: the forecasts of
 * the deals open when C began (as set in February), alice's March quota (USD 30 000) and the
 * spring-promo spend of March (USD 5 000). The same records test/api/analytics.int.test.ts enters
 * for its forecast, quota and ROI figures.
 */
export async function writeForecastsQuotaAndSpend(db: Db, tenant: string): Promise<void> {
  const forecasts: [string, string, string, string, string][] = [
    ['D01', 'USD', '2026-02-20T16:00:00Z', '2026-03-05', 'commit'],
    ['D02', 'EUR', '2026-02-18T16:00:00Z', '2026-03-15', 'commit'],
    ['D06', 'EUR', '2026-02-28T16:00:00Z', '2026-03-20', 'best-case'],
    ['D20', 'USD', '2026-02-05T16:00:00Z', '2026-04-15', 'pipeline'],
  ];
  await db.dealForecast.createMany({
    data: forecasts.map(([dealId, currency, at, expectedCloseDate, category]) => ({
      id: `fc-${dealId}`,
      tenant,
      dealId,
      cause: 'edit',
      stage: 'needs-analysis',
      expectedCloseDate,
      category,
      currency,
      actor: ALICE,
      occurredAt: new Date(at),
      idempotencyKey: `fc-${dealId}`,
    })),
  });
  const recordedEarly = new Date('2026-02-01T00:00:00Z');
  await db.quota.create({
    data: {
      id: 'quota-alice-march',
      tenant,
      scope: 'rep',
      ownerEmail: ALICE,
      periodKind: 'month',
      period: '2026-03',
      startsOn: '2026-03-01',
      endsOn: '2026-03-31',
      currency: 'USD',
      amountMinor: 3_000_000n,
      setBy: 'revops@leadflow.test',
      createdAt: recordedEarly,
    },
  });
  await db.campaign.create({
    data: {
      id: 'cmp-spring',
      tenant,
      key: 'spring-promo',
      name: 'Spring promo',
      source: 'ads',
      createdBy: 'revops@leadflow.test',
    },
  });
  await db.marketingSpend.create({
    data: {
      id: 'spend-spring-march',
      tenant,
      source: 'ads',
      campaignKey: 'spring-promo',
      month: '2026-03',
      currency: 'USD',
      amountMinor: 500_000n,
      origin: 'api',
      enteredBy: 'revops@leadflow.test',
      createdAt: recordedEarly,
    },
  });
}
