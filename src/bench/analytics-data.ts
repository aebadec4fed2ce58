/**
 * A generated sales history for the analytics benchmark: N leads over one year, written as the
 * journeys record them (StageEvent, Decision, Assignment and Interaction rows per lead; deals with
 * their timeline, quotes, approvals and contracts): through createMany on SQLite, unnest INSERTs
 * on PostgreSQL (the same rows; test/analytics/bench-writers.int.test.ts). Seeded, so a run is repeatable.
 *
 * Shape, per lead: created uniformly over 2025; 60% become MQLs within 3 days (scored and routed
 * by the ruleset live then, assigned to one of 20 reps in 4 teams, with a first-touch SLA and, for
 * 90%, a logged call); half of those become SQLs; a third of SQLs become deals (10% of leads, the
 * issue's 100 000 deals per 1 000 000 leads; until 2026-12-05, 70% of SQLs) that move through the
 * deal stages and, when their close falls before the benchmark's moment, are won (40%) or lost.
 * Each deal has a forecast per stage it reaches (DealForecast: its category and expected close),
 * and every team and a few reps have monthly quotas (USD, and EUR per quarter for the teams). The
 * forecasts and quotas are derived without drawing random numbers, so the rest of the history is
 * the same as before they were added.
 */
import type { Db, Prisma } from '../db/client';
import { providerOf } from '../db/client';
import { seededRandom } from '../domain/seeded-random';
import { insertWithUnnest } from './unnest-insert';

export const BENCH_TENANT = 'bench';
/** The moment reports are read at: a month after the generated year. */
export const BENCH_AS_OF = new Date('2026-01-31T00:00:00Z');

/** The share of SQLs that become deals: a third, 10% of leads (the 100 000 deals per 1 000 000 leads). */
export const DEAL_SHARE = 1 / 3;

const YEAR_START = Date.parse('2025-01-01T00:00:00Z');
const DAY = 86_400_000;
const HOUR = 3_600_000;
const SOURCES = ['ads', 'events', 'content', 'partner-referral', 'cold-outreach', 'social'];
const INDUSTRIES = ['software', 'finance', 'retail', 'manufacturing', 'health'];
const REGIONS = ['north-america', 'emea', 'apac'];
const DEAL_PATH = ['needs-analysis', 'presentation', 'proposal', 'negotiation'];
const RULES_V2_AT = Date.parse('2025-07-01T00:00:00Z');
/** The shipped forecast.yaml's category of each open deal stage. */
const CATEGORY: Record<string, string> = {
  'needs-analysis': 'pipeline',
  presentation: 'pipeline',
  proposal: 'best-case',
  negotiation: 'commit',
};

interface Rows {
  /** Stage events written by earlier slices: stage event ids number every event of the history. */
  stagesBefore: number;
  leads: Prisma.LeadCreateManyInput[];
  stages: Prisma.StageEventCreateManyInput[];
  decisions: Prisma.DecisionCreateManyInput[];
  assignments: Prisma.AssignmentCreateManyInput[];
  touches: Prisma.InteractionCreateManyInput[];
  deals: Prisma.DealCreateManyInput[];
  activities: Prisma.DealActivityCreateManyInput[];
  meetings: Prisma.MeetingCreateManyInput[];
  quotes: Prisma.QuoteCreateManyInput[];
  versions: Prisma.QuoteVersionCreateManyInput[];
  approvals: Prisma.ApprovalRequestCreateManyInput[];
  contracts: Prisma.ContractCreateManyInput[];
  forecasts: Prisma.DealForecastCreateManyInput[];
}

const reps = Array.from({ length: 20 }, (_, i) => `rep${i}@bench.example`);
const managers = Array.from({ length: 4 }, (_, i) => `manager${i}@bench.example`);

/** Appends one lead's whole history to `rows`. */
function generateLead(rows: Rows, index: number, random: () => number, dealShare: number): void {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const id = `ld_bench${String(index).padStart(9, '0')}`;
  const createdAt = YEAR_START + Math.floor(random() * 365 * DAY);
  const owner = pick(reps);
  const stage = (to: string, from: string | null, at: number, version: string | null = null) => {
    const n = rows.stagesBefore + rows.stages.length;
    rows.stages.push({
      id: `${id}:s${n}`,
      leadId: id,
      fromStage: from,
      toStage: to,
      reason: 'bench',
      rulesetVersion: version,
      occurredAt: new Date(at),
      idempotencyKey: `${id}:s${n}`,
    });
  };
  let last = 'new';
  const move = (to: string, at: number, version: string | null = null) => {
    stage(to, last, at, version);
    last = to;
  };
  stage('new', null, createdAt);
  const mqlAt = random() < 0.6 ? createdAt + Math.floor(random() * 3 * DAY) : null;
  let slaDueAt: Date | null = null;
  if (mqlAt !== null) {
    const version = mqlAt < RULES_V2_AT ? 'bench-rules-v1' : 'bench-rules-v2';
    move('mql', mqlAt, version);
    for (const kind of ['scoring', 'routing'])
      rows.decisions.push({
        id: `${id}:${kind}`,
        leadId: id,
        kind,
        outcome: {},
        explanation: {},
        rulesetVersion: version,
        decidedAt: new Date(mqlAt),
        idempotencyKey: `${id}:${kind}`,
      });
    rows.assignments.push({
      id: `${id}:a`,
      leadId: id,
      tenant: BENCH_TENANT,
      repEmail: owner,
      reason: 'routed',
      assignedAt: new Date(mqlAt),
      idempotencyKey: `${id}:a`,
    });
    slaDueAt = new Date(mqlAt + 2 * HOUR);
    if (random() < 0.9)
      rows.touches.push({
        id: `${id}:t`,
        leadId: id,
        kind: 'call-logged',
        occurredAt: new Date(mqlAt + Math.floor(random() * 48 * HOUR)),
        payload: { actor: owner },
        idempotencyKey: `${id}:t`,
      });
    if (random() < 0.5) {
      const sqlAt = mqlAt + Math.floor((1 + random() * 9) * DAY);
      move('sql', sqlAt);
      if (random() < dealShare) generateDeal(rows, { id, owner, sqlAt, move, random });
    }
  }
  rows.leads.push({
    id,
    tenant: BENCH_TENANT,
    email: `lead${index}@prospect.example`,
    source: pick(SOURCES),
    sourceDetails: random() < 0.5 ? { campaign: `campaign-${Math.floor(random() * 12)}` } : {},
    attributes: {
      industry: pick(INDUSTRIES),
      employees: Math.floor(1 + random() * 5000),
      region: pick(REGIONS),
    },
    stage: last,
    ownerId: mqlAt === null ? null : owner,
    journeyId: `journey-${id}`,
    slaDueAt,
    createdAt: new Date(createdAt),
  });
}

interface DealSeed {
  id: string;
  owner: string;
  sqlAt: number;
  move: (to: string, at: number) => void;
  random: () => number;
}

/** Of ten deals, by the last digit of the deal's id: those with a demo, and how it went. */
const DEMO_OUTCOMES: readonly ('held' | 'no-show' | 'cancelled' | null)[] = [
  'held',
  'held',
  'held',
  'held',
  'held',
  'no-show',
  'cancelled',
  null,
  null,
  null,
];

/**
 * A demo three days after the deal opened, on seven deals in ten, its outcome recorded as the app
 * records it (completeMeeting, src/usecases/meetings.ts): the meeting's status, and a `demo` deal
 * activity keyed `<meeting>:outcome`, which the reports count only for a held one. Chosen by the
 * deal's id, not drawn from `random`: the rest of the history is the one generated before demos.
 */
function generateDemo(rows: Rows, dealId: string, owner: string, openedAt: number): void {
  const status = DEMO_OUTCOMES[Number(dealId.slice(-1)) % DEMO_OUTCOMES.length];
  if (!status) return;
  const meetingId = `mt_${dealId}`;
  const startsAt = new Date(openedAt + 3 * DAY);
  rows.meetings.push({
    id: meetingId,
    dealId,
    kind: 'demo',
    title: 'Product demo',
    startsAt,
    endsAt: new Date(startsAt.getTime() + HOUR),
    attendees: [],
    status,
    createdBy: owner,
    createdAt: new Date(openedAt + DAY),
    updatedAt: startsAt,
  });
  rows.activities.push({
    id: `${meetingId}:outcome`,
    dealId,
    kind: 'demo',
    summary: `Product demo: ${status}`,
    actor: owner,
    occurredAt: startsAt,
    payload: { attendance: [] },
    idempotencyKey: `${meetingId}:outcome`,
  });
}

function generateDeal(rows: Rows, { id: leadId, owner, sqlAt, move, random }: DealSeed): void {
  const dealId = `dl_${leadId.slice(3)}`;
  const openedAt = sqlAt + Math.floor((1 + random() * 2) * DAY);
  const currency = random() < 0.8 ? 'USD' : 'EUR';
  const acv = 100_000 * (5 + Math.floor(random() * 200));
  let at = openedAt;
  const steps = 1 + Math.floor(random() * DEAL_PATH.length);
  const reached: [string, number][] = [];
  for (const next of DEAL_PATH.slice(0, steps)) {
    move(next, at);
    reached.push([next, at]);
    at += Math.floor((3 + random() * 15) * DAY);
  }
  const closed = at < BENCH_AS_OF.getTime() && random() < 0.8 ? (random() < 0.4 ? 'closed-won' : 'closed-lost') : null;
  if (closed) move(closed, at);
  // The rep expects the close within a week of when it comes (or would have come), earlier or later.
  const expectedClose = new Date(at + ((acv / 100_000) % 15) * DAY - 7 * DAY).toISOString().slice(0, 10);
  for (const [n, [stage, when]] of [...reached, ...(closed ? [[closed, at] as [string, number]] : [])].entries())
    rows.forecasts.push({
      id: `${dealId}:f${n}`,
      tenant: BENCH_TENANT,
      dealId,
      cause: n === 0 ? 'conversion' : 'stage-change',
      stage,
      expectedCloseDate: stage.startsWith('closed') ? null : expectedClose,
      category: CATEGORY[stage] ?? null,
      currency,
      actor: owner,
      occurredAt: new Date(when),
      idempotencyKey: `${dealId}:f${n}`,
    });
  rows.deals.push({
    id: dealId,
    tenant: BENCH_TENANT,
    leadId,
    accountId: 'acc-bench',
    name: `Deal ${leadId}`,
    ownerEmail: owner,
    stage: closed ?? DEAL_PATH[steps - 1]!,
    currency,
    acvMinor: BigInt(acv),
    workflowId: `deal-${dealId}`,
    needs: {},
    closedAt: closed ? new Date(at) : null,
    createdAt: new Date(openedAt),
  });
  for (const [n, kind] of ['call', 'email'].entries())
    rows.activities.push({
      id: `${dealId}:act${n}`,
      dealId,
      kind,
      summary: kind,
      actor: owner,
      occurredAt: new Date(openedAt + (n + 1) * DAY),
      payload: {},
      idempotencyKey: `${dealId}:act${n}`,
    });
  generateDemo(rows, dealId, owner, openedAt);
  if (random() < 0.5) generateQuote(rows, dealId, openedAt + 2 * DAY, random);
  if (closed === 'closed-won')
    rows.contracts.push({
      id: `ct_${dealId}`,
      tenant: BENCH_TENANT,
      dealId,
      quoteVersionId: `qv_${dealId}`,
      startDate: new Date(at),
      endDate: new Date(at + 365 * DAY),
      termMonths: 12,
      tcvMinor: BigInt(acv),
      acvMinor: BigInt(acv),
      currency,
      workflowId: `renewal-${dealId}`,
      createdAt: new Date(at),
    });
}

function generateQuote(rows: Rows, dealId: string, at: number, random: () => number): void {
  const quoteId = `qt_${dealId}`;
  const discountBp = Math.floor(random() * 40) * 100;
  rows.quotes.push({ id: quoteId, tenant: BENCH_TENANT, dealId, number: `Q-${dealId}`, createdAt: new Date(at) });
  rows.versions.push({
    id: `qv_${dealId}`,
    quoteId,
    version: 1,
    content: {},
    totals: {},
    contentHash: `hash-${dealId}`,
    status: 'sent',
    approvalDiscountBp: discountBp,
    approvalTier: discountBp > 1000 ? 'manager-authority' : 'rep-authority',
    createdAt: new Date(at),
    sentAt: new Date(at + DAY),
  });
  if (discountBp > 1000)
    rows.approvals.push({
      id: `ap_${dealId}`,
      tenant: BENCH_TENANT,
      dealId,
      quoteVersionId: `qv_${dealId}`,
      contentHash: `hash-${dealId}`,
      tier: 'manager-authority',
      chain: ['manager'],
      status: 'approved',
      workflowId: `approval-${dealId}`,
      rulesetVersion: 'bench-rules-v1',
      requestedAt: new Date(at + HOUR),
      decidedAt: new Date(at + 5 * HOUR),
    });
}

/** Writes `count` in batches (one statement per batch stays within every database's parameter limit). */
async function insert<T>(rows: T[], write: (batch: T[]) => Promise<unknown>, size = 500): Promise<void> {
  for (let start = 0; start < rows.length; start += size) await write(rows.slice(start, start + size));
}

const emptyRows = (stagesBefore: number): Rows => ({
  stagesBefore,
  leads: [],
  stages: [],
  decisions: [],
  assignments: [],
  touches: [],
  deals: [],
  activities: [],
  meetings: [],
  quotes: [],
  versions: [],
  approvals: [],
  contracts: [],
  forecasts: [],
});

/** Leads generated and written at a time, so a million leads need not be held in memory at once. */
const SLICE = 20_000;

/** Each kind of generated row with the table (Prisma model) it is stored in. */
const TABLES: [keyof Omit<Rows, 'stagesBefore'>, string][] = [
  ['leads', 'Lead'],
  ['stages', 'StageEvent'],
  ['decisions', 'Decision'],
  ['assignments', 'Assignment'],
  ['touches', 'Interaction'],
  ['deals', 'Deal'],
  ['meetings', 'Meeting'],
  ['activities', 'DealActivity'],
  ['quotes', 'Quote'],
  ['versions', 'QuoteVersion'],
  ['approvals', 'ApprovalRequest'],
  ['contracts', 'Contract'],
  ['forecasts', 'DealForecast'],
];

/**
 * Writes a slice's rows, parents first. On PostgreSQL one unnest INSERT per 5,000 rows
 * (./unnest-insert.ts); on SQLite createMany in 500-row batches.
 */
async function writeRows(db: Db, rows: Rows, via: BenchWriter): Promise<void> {
  if (via === 'fastest' && providerOf(db) === 'postgresql') {
    for (const [kind, table] of TABLES) await insertWithUnnest(db, table, rows[kind]);
    return;
  }
  await insert(rows.leads, (data) => db.lead.createMany({ data }));
  await insert(rows.stages, (data) => db.stageEvent.createMany({ data }));
  await insert(rows.decisions, (data) => db.decision.createMany({ data }));
  await insert(rows.assignments, (data) => db.assignment.createMany({ data }));
  await insert(rows.touches, (data) => db.interaction.createMany({ data }));
  await insert(rows.deals, (data) => db.deal.createMany({ data }));
  await insert(rows.meetings, (data) => db.meeting.createMany({ data }));
  await insert(rows.activities, (data) => db.dealActivity.createMany({ data }));
  await insert(rows.quotes, (data) => db.quote.createMany({ data }));
  await insert(rows.versions, (data) => db.quoteVersion.createMany({ data }));
  await insert(rows.approvals, (data) => db.approvalRequest.createMany({ data }));
  await insert(rows.contracts, (data) => db.contract.createMany({ data }));
  await insert(rows.forecasts, (data) => db.dealForecast.createMany({ data }));
}

/** Monthly USD quotas of 2025 for every team and the first four reps, and quarterly EUR ones for the teams. */
function quotas(): Prisma.QuotaCreateManyInput[] {
  const months = Array.from({ length: 12 }, (_, i) => {
    const month = String(i + 1).padStart(2, '0');
    const last = new Date(Date.UTC(2025, i + 1, 0)).getUTCDate();
    return { period: `2025-${month}`, kind: 'month', startsOn: `2025-${month}-01`, endsOn: `2025-${month}-${last}` };
  });
  const quarters = [1, 2, 3, 4].map((q) => {
    const first = String(q * 3 - 2).padStart(2, '0');
    const lastMonth = q * 3;
    const last = new Date(Date.UTC(2025, lastMonth, 0)).getUTCDate();
    const end = `2025-${String(lastMonth).padStart(2, '0')}-${last}`;
    return { period: `2025-Q${q}`, kind: 'quarter', startsOn: `2025-${first}-01`, endsOn: end };
  });
  const quota = (scope: string, owner: string, span: (typeof months)[number], currency: string, amount: number) => ({
    id: `qu_${scope}_${owner}_${span.period}_${currency}`,
    tenant: BENCH_TENANT,
    scope,
    ownerEmail: owner,
    periodKind: span.kind,
    period: span.period,
    startsOn: span.startsOn,
    endsOn: span.endsOn,
    currency,
    amountMinor: BigInt(amount),
    setBy: 'ops@bench.example',
    createdAt: new Date(YEAR_START),
  });
  return [
    ...months.flatMap((span) => managers.map((owner) => quota('team', owner, span, 'USD', 50_000_000))),
    ...months.flatMap((span) => reps.slice(0, 4).map((owner) => quota('rep', owner, span, 'USD', 10_000_000))),
    ...quarters.flatMap((span) => managers.map((owner) => quota('team', owner, span, 'EUR', 30_000_000))),
  ];
}

/** How the rows are written: the fastest way for the provider, or createMany everywhere (to compare the two). */
export type BenchWriter = 'fastest' | 'createMany';

/** Generates and writes the history of `leadCount` leads; returns how many rows of each kind. */
export async function writeBenchHistory(
  db: Db,
  leadCount: number,
  {
    seed = 7,
    via = 'fastest',
    dealShare = DEAL_SHARE,
  }: {
    seed?: number;
    via?: BenchWriter;
    /** The share of SQLs that become deals (DEAL_SHARE): 0.7 writes the history generated before it. */
    dealShare?: number;
  } = {},
): Promise<Record<string, number>> {
  const random = seededRandom(seed);
  const people = [...managers, ...reps].map((email, i) => ({
    id: `rep_bench_${i}`,
    tenant: BENCH_TENANT,
    email,
    name: email,
    role: i < managers.length ? 'manager' : 'rep',
    managerId: i < managers.length ? null : `rep_bench_${i % managers.length}`,
    timeZone: 'America/New_York',
  }));
  await db.rep.createMany({ data: people });
  await db.account.create({ data: { id: 'acc-bench', tenant: BENCH_TENANT, name: 'Bench Account' } });
  for (const version of ['bench-rules-v1', 'bench-rules-v2']) {
    const activatedAt = new Date(version.endsWith('v1') ? YEAR_START : RULES_V2_AT);
    await db.ruleVersion.create({ data: { hash: version, files: {}, activatedAt } });
    await db.ruleActivation.create({
      data: { hash: version, previous: version.endsWith('v1') ? null : 'bench-rules-v1', activatedAt },
    });
  }
  await db.quota.createMany({ data: quotas() });
  const counts: Record<string, number> = {};
  let stages = 0;
  for (let start = 0; start < leadCount; start += SLICE) {
    const rows = emptyRows(stages);
    for (let index = start; index < Math.min(start + SLICE, leadCount); index++)
      generateLead(rows, index, random, dealShare);
    await writeRows(db, rows, via);
    stages += rows.stages.length;
    for (const [kind, list] of Object.entries(rows))
      if (Array.isArray(list)) counts[kind] = (counts[kind] ?? 0) + list.length;
  }
  return counts;
}
