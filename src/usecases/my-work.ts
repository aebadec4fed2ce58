/**
 * "My work": what the signed-in person should look at today, in one answer so a page needs no
 * further calls. Tasks due (overdue or due today), first-touch SLAs at risk, approval steps
 * waiting for them, today's meetings on their deals, and their stalling deals with reasons.
 * "Today" is the person's own calendar day (their Rep row's time zone). A manager sees their
 * team's SLAs and stalling deals too; tasks, approvals and meetings are the person's own.
 */
import type { Client } from '@temporalio/client';
import type { Actor } from '../auth/actor';
import type { Db } from '../db/client';
import { stalledAlert, stallReasons, type StallReason } from '../domain/deal-stall';
import { formatMoney } from '../domain/money';
import { localToday, startOfLocalDay } from '../domain/tasks';
import * as desk from '../../workflows/dealMessages';
import { leadName, dueTasks, zoneOf, type TaskView } from './tasks';
import { dealsInSight, leadsInSight, type Sight } from './visibility';

/** How many items each section holds at most. */
export const MY_WORK_LIMIT = 100;

export interface MyWork {
  me: string;
  timeZone: string;
  /** The person's calendar day, YYYY-MM-DD. */
  today: string;
  generatedAt: string;
  tasks: TaskView[];
  slasAtRisk: SlaAtRisk[];
  approvals: ApprovalWaiting[];
  meetings: MeetingToday[];
  stalledDeals: StalledDeal[];
}

export interface SlaAtRisk {
  leadId: string;
  name: string;
  company: string | null;
  email: string | null;
  owner: string | null;
  stage: string;
  slaDueAt: string;
  /** breached: the deadline passed without a first touch; at-risk: it falls within the window. */
  status: 'breached' | 'at-risk';
  /** Minutes to the deadline (negative once breached). */
  minutesLeft: number;
}

export interface Money {
  amountMinor: number | null;
  currency: string;
  /** e.g. "USD 12,000.00"; null without an amount. */
  formatted: string | null;
}

export interface ApprovalWaiting {
  requestId: string;
  stepId: string;
  level: string;
  dueAt: string;
  overdue: boolean;
  delegatedFrom: string | null;
  requestedBy: string | null;
  requestedAt: string;
  deal: { id: string; name: string; company: string | null; owner: string } & Money;
  quote: { id: string; number: string; version: number; discountBp: number };
}

export interface MeetingToday {
  meetingId: string;
  kind: string;
  title: string;
  startsAt: string;
  endsAt: string;
  status: string;
  attendees: string[];
  deal: { id: string; name: string; company: string | null };
}

export interface StalledDeal {
  deal: { id: string; name: string; company: string | null; owner: string; stage: string } & Money;
  nextStep: string | null;
  nextStepDueOn: string | null;
  reasons: StallReason[];
  /** Whether the deal journey's stall alert could be read (false: stage-alert reasons may be missing). */
  journeyChecked: boolean;
}

export interface MyWorkDeps {
  db: Db;
  temporal: Client;
}

const money = (amountMinor: bigint | null, currency: string): Money => ({
  amountMinor: amountMinor === null ? null : Number(amountMinor),
  currency,
  formatted: amountMinor === null ? null : formatMoney(Number(amountMinor), currency),
});

/** The person's work for today; `slaWithinHours` widens or narrows "at risk". */
export async function myWork(
  deps: MyWorkDeps,
  actor: Actor,
  sight: Sight,
  options: { slaWithinHours: number },
  now: Date,
): Promise<MyWork> {
  const timeZone = await zoneOf(deps.db, actor.tenant, actor.email);
  const me = [actor.email, actor.email.toLowerCase()];
  const [tasks, slasAtRisk, approvals, meetings, stalledDeals] = await Promise.all([
    dueTasks(
      deps.db,
      { lead: { tenant: actor.tenant }, ownerEmail: { in: me } },
      startOfLocalDay(now, timeZone, 1),
      now,
      MY_WORK_LIMIT,
    ),
    slaRisks(deps.db, sight, options.slaWithinHours, now),
    approvalsWaiting(deps.db, actor, now),
    meetingsToday(deps.db, actor, timeZone, now),
    stalled(deps, sight, now),
  ]);
  return {
    me: actor.email,
    timeZone,
    today: localToday(now, timeZone),
    generatedAt: now.toISOString(),
    tasks,
    slasAtRisk,
    approvals,
    meetings,
    stalledDeals,
  };
}

/** Owned leads in sight (not queue leads: nobody's clock runs there) with no first touch and a deadline within the window or past. */
async function slaRisks(db: Db, sight: Sight, withinHours: number, now: Date): Promise<SlaAtRisk[]> {
  const horizon = new Date(now.getTime() + withinHours * 3_600_000);
  const leads = await db.lead.findMany({
    where: {
      AND: [
        sight.all ? leadsInSight(sight) : { tenant: sight.tenant, ownerId: { in: sight.owners } },
        { slaStatus: { in: ['running', 'breached'] }, firstTouchAt: null, slaDueAt: { not: null, lte: horizon } },
      ],
    },
    orderBy: [{ slaDueAt: 'asc' }, { id: 'asc' }],
    take: MY_WORK_LIMIT,
  });
  return leads.map((lead) => {
    const due = lead.slaDueAt!;
    const breached = lead.slaStatus === 'breached' || due.getTime() <= now.getTime();
    return {
      leadId: lead.id,
      name: leadName(lead),
      company: lead.company,
      email: lead.email,
      owner: lead.ownerId,
      stage: lead.stage,
      slaDueAt: due.toISOString(),
      status: breached ? 'breached' : 'at-risk',
      minutesLeft: Math.floor((due.getTime() - now.getTime()) / 60_000),
    };
  });
}

/** Pending steps of pending requests assigned to the caller (as the approver, or as the delegate it was handed to). */
async function approvalsWaiting(db: Db, actor: Actor, now: Date): Promise<ApprovalWaiting[]> {
  const steps = await db.approvalStep.findMany({
    where: {
      status: 'pending',
      assigneeEmail: { in: [actor.email, actor.email.toLowerCase()] },
      request: { tenant: actor.tenant, status: 'pending' },
    },
    include: { request: { include: { quoteVersion: { include: { quote: true } } } } },
    orderBy: [{ dueAt: 'asc' }, { id: 'asc' }],
    take: MY_WORK_LIMIT,
  });
  const deals = await db.deal.findMany({
    where: { id: { in: [...new Set(steps.map((step) => step.request.dealId))] } },
    include: { account: { select: { name: true } } },
  });
  const byId = new Map(deals.map((deal) => [deal.id, deal]));
  return steps.flatMap((step) => {
    const deal = byId.get(step.request.dealId);
    if (!deal) return [];
    const version = step.request.quoteVersion;
    const waiting: ApprovalWaiting = {
      requestId: step.requestId,
      stepId: step.id,
      level: step.level,
      dueAt: step.dueAt.toISOString(),
      overdue: step.dueAt.getTime() < now.getTime(),
      delegatedFrom: step.delegatedFrom,
      requestedBy: step.request.requestedBy,
      requestedAt: step.request.requestedAt.toISOString(),
      deal: {
        id: deal.id,
        name: deal.name,
        company: deal.account.name,
        owner: deal.ownerEmail,
        ...money(deal.amountMinor, deal.currency),
      },
      quote: {
        id: version.quoteId,
        number: version.quote.number,
        version: version.version,
        discountBp: version.approvalDiscountBp,
      },
    };
    return [waiting];
  });
}

/** Meetings (not cancelled) on deals the caller owns that start during their today. */
async function meetingsToday(db: Db, actor: Actor, timeZone: string, now: Date): Promise<MeetingToday[]> {
  const rows = await db.meeting.findMany({
    where: {
      status: { not: 'cancelled' },
      startsAt: { gte: startOfLocalDay(now, timeZone), lt: startOfLocalDay(now, timeZone, 1) },
      deal: { tenant: actor.tenant, ownerEmail: { in: [actor.email, actor.email.toLowerCase()] } },
    },
    include: { deal: { select: { id: true, name: true, account: { select: { name: true } } } } },
    orderBy: [{ startsAt: 'asc' }, { id: 'asc' }],
    take: MY_WORK_LIMIT,
  });
  return rows.map((meeting) => ({
    meetingId: meeting.id,
    kind: meeting.kind,
    title: meeting.title,
    startsAt: meeting.startsAt.toISOString(),
    endsAt: meeting.endsAt.toISOString(),
    status: meeting.status,
    attendees: attendeeNames(meeting.attendees),
    deal: { id: meeting.deal.id, name: meeting.deal.name, company: meeting.deal.account.name },
  }));
}

function attendeeNames(attendees: unknown): string[] {
  if (!Array.isArray(attendees)) return [];
  return attendees.flatMap((attendee) =>
    attendee && typeof attendee === 'object' && typeof (attendee as { name?: unknown }).name === 'string'
      ? [(attendee as { name: string }).name]
      : [],
  );
}

/**
 * Open deals the caller may change (theirs; a manager's team's) that are stalling: a fired stall
 * alert (read from each deal journey, a bounded wait), a next step past its day, or none.
 */
async function stalled(deps: MyWorkDeps, sight: Sight, now: Date): Promise<StalledDeal[]> {
  const deals = await deps.db.deal.findMany({
    where: { AND: [dealsInSight(sight, 'write'), { stage: { notIn: ['closed-won', 'closed-lost'] } }] },
    include: { account: { select: { name: true } } },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    take: MY_WORK_LIMIT,
  });
  const owners = [...new Set(deals.map((deal) => deal.ownerEmail))];
  const reps = await deps.db.rep.findMany({
    where: { tenant: sight.tenant, email: { in: owners } },
    select: { email: true, timeZone: true },
  });
  const zone = new Map(reps.map((rep) => [rep.email, rep.timeZone]));
  const alerts = await Promise.all(deals.map((deal) => stageAlertOf(deps.temporal, deal.workflowId)));
  return deals.flatMap((deal, i) => {
    const alert = alerts[i]!;
    const reasons = stallReasons(
      { ...deal, stageAlert: alert.checked ? alert.alert : null },
      localToday(now, zone.get(deal.ownerEmail) ?? 'UTC'),
    );
    if (reasons.length === 0) return [];
    return [
      {
        deal: {
          id: deal.id,
          name: deal.name,
          company: deal.account.name,
          owner: deal.ownerEmail,
          stage: deal.stage,
          ...money(deal.amountMinor, deal.currency),
        },
        nextStep: deal.nextStep,
        nextStepDueOn: deal.nextStepDueOn,
        reasons,
        journeyChecked: alert.checked,
      },
    ];
  });
}

/** The deal journey's fired stall alert, if any; `checked: false` when the journey could not be asked in time. */
export async function stageAlertOf(
  temporal: Client,
  workflowId: string,
): Promise<{ checked: boolean; alert: { alert: string; stage: string } | null }> {
  try {
    const state = await temporal.withDeadline(Date.now() + 2_000, () =>
      temporal.workflow.getHandle(workflowId).query(desk.dealState),
    );
    return { checked: true, alert: stalledAlert(state) };
  } catch {
    return { checked: false, alert: null };
  }
}
