/**
 * The demo's leads: captured over the year from every source (more on weekdays, a little more as
 * the year goes on), with their behaviour, score, MQL transition, routing to a rep of the team of
 * their region, first-touch SLA, BANT qualification, and the way out of the funnel (nurture,
 * disqualification) for those that do not become SQLs. SQLs become deals ({@link addDemoDeal}).
 * Halfway through the year a second ruleset version takes over: its leads are answered faster and
 * qualify a little more often, so the rule attribution report has something to show.
 */
import { addDemoDeal } from './demo-deals';
import { DEMO_CAMPAIGNS } from './demo-org';
import { DAY_MS, HOUR_MS, demoLeadId, type DemoClock, type DemoContext, type DemoTeam } from './demo-rows';
import { worded, type Worded } from '../../domain/reason-codes';

export const RULESET_A = 'demo-ruleset-a';
export const RULESET_B = 'demo-ruleset-b';

/** The moment ruleset B takes over from A: 55 % into the demo year. */
export const rulesetSwitchMs = (clock: DemoClock) => clock.startMs + 0.55 * (clock.endMs - clock.startMs);

const SOURCES = {
  ads: 0.27,
  content: 0.2,
  events: 0.12,
  social: 0.1,
  'cold-outreach': 0.13,
  'partner-referral': 0.1,
  'customer-referral': 0.08,
} as const;
type Source = keyof typeof SOURCES;
/** How likely a lead of each source is to become an MQL. */
const MQL_RATE: Record<Source, number> = {
  ads: 0.42,
  content: 0.38,
  events: 0.55,
  social: 0.3,
  'cold-outreach': 0.28,
  'partner-referral': 0.7,
  'customer-referral': 0.75,
};
const INDUSTRIES = ['software', 'finance', 'retail', 'manufacturing', 'health', 'logistics'] as const;
const TITLES = ['VP Sales', 'Head of Revenue Operations', 'Sales Director', 'CFO', 'COO', 'Sales Manager'] as const;
const FIRST = ['Emma', 'Liam', 'Olivia', 'Mateo', 'Sofia', 'Ethan', 'Mia', 'Lucas', 'Zoe', 'Ravi', 'Hana', 'Ben'];
const LAST = ['Smith', 'Garcia', 'Kowalski', 'Tanaka', 'Dubois', 'Rossi', 'Novak', 'Silva', 'Berg', 'Khan', 'Moreau'];
const COMPANY_A = ['Blue', 'North', 'Bright', 'Iron', 'Silver', 'Cedar', 'Harbor', 'Summit', 'Quantum', 'Maple'];
const COMPANY_B = ['Logistics', 'Analytics', 'Health', 'Foods', 'Robotics', 'Capital', 'Systems', 'Retail', 'Labs'];
const COMPANY_C = ['Inc', 'GmbH', 'Ltd', 'Group', 'Co'];
const BEHAVIOURS = ['page-visit', 'pricing-page-visit', 'content-download', 'webinar-registration', 'email-click'];
const DISQUALIFIED = ['no budget', 'student or job seeker', 'existing customer of a competitor', 'not a fit'];

/** The lead's profile as captured: who, where from, which company. */
interface Capture {
  id: string;
  source: Source;
  campaign: string | null;
  company: string;
  region: 'north-america' | 'emea' | 'apac';
  employees: number;
  team: DemoTeam;
  owner: string;
  createdAt: number;
}

/** A day of the year, weekdays four times as likely as weekend days, growing by half over the year. */
function captureDay({ clock, random }: DemoContext): number {
  for (;;) {
    const index = random.int(0, clock.days - 1);
    const weight = (0.65 + (0.35 * index) / clock.days) * (clock.isWeekend(index) ? 0.25 : 1);
    if (random.chance(weight)) return index;
  }
}

function capture(ctx: DemoContext, index: number): Capture {
  const { random, teams } = ctx;
  const source = random.weighted(SOURCES);
  const campaigns = DEMO_CAMPAIGNS.filter((c) => c.source === source);
  const region = random.weighted({ 'north-america': 0.6, emea: 0.3, apac: 0.1 });
  const team = region === 'emea' ? teams[2]! : region === 'apac' ? teams[1]! : random.pick(teams.slice(0, 2));
  return {
    id: demoLeadId('lead', index),
    source,
    campaign: campaigns.length > 0 && random.chance(0.85) ? random.pick(campaigns).key : null,
    company: `${random.pick(COMPANY_A)} ${random.pick(COMPANY_B)} ${random.pick(COMPANY_C)}`,
    region,
    employees: Math.round(Math.exp(random.between(Math.log(10), Math.log(8000)))),
    team,
    owner: random.pick(team.reps),
    createdAt: ctx.clock.at(captureDay(ctx), random.between(7, 19)).getTime(),
  };
}

/** A unique, realistic address at the company's (reserved, never deliverable) `.example` domain. */
function emailOf(ctx: DemoContext, first: string, last: string, company: string): string {
  const domain = `${company.toLowerCase().replace(/[^a-z]+/g, '')}.example`;
  let email = `${first}.${last}@${domain}`.toLowerCase();
  for (let n = 2; ctx.emails.has(email); n++) email = `${first}.${last}${n}@${domain}`.toLowerCase();
  ctx.emails.add(email);
  return email;
}

/** Appends lead `index`'s whole history to the rows. */
export function addDemoLead(ctx: DemoContext, index: number): void {
  const { rows, random, clock, tenant } = ctx;
  const lead = capture(ctx, index);
  const { id } = lead;
  let stage = 'new';
  let events = 0;
  const move: Move = (to, at, reason, version = null, why) => {
    const key = `${id}:stage:${events++}`;
    rows.stages.push({
      id: key,
      leadId: id,
      fromStage: stage === to ? null : stage,
      toStage: to,
      reason,
      ...(why ? { reasonCode: why.code, reasonParams: why.params } : {}),
      rulesetVersion: version,
      occurredAt: new Date(at),
      idempotencyKey: key,
    });
    stage = to;
  };
  const interaction = (kind: string, at: number, payload: Record<string, string>, source: string | null = null) => {
    const key = `${id}:int:${rows.interactions.length}`;
    rows.interactions.push({
      id: key,
      leadId: id,
      kind,
      source,
      occurredAt: new Date(at),
      payload,
      idempotencyKey: key,
    });
  };
  move('new', lead.createdAt, `captured from ${lead.source}`, null, worded('captured', { source: lead.source }));
  interaction(
    'submission',
    lead.createdAt,
    { source: lead.source, ...(lead.campaign ? { campaign: lead.campaign } : {}) },
    lead.source,
  );
  for (let n = random.int(1, 4); n > 0; n--) {
    const at = lead.createdAt + random.between(0.05, 6) * DAY_MS;
    if (at < clock.endMs) interaction(random.pick(BEHAVIOURS), at, {});
  }

  const rate = MQL_RATE[lead.source] * (lead.employees >= 200 ? 1.15 : 0.85);
  const mqlAt = random.chance(rate)
    ? clock.at(clock.indexOf(lead.createdAt) + random.int(0, 4), random.between(9, 16.5)).getTime()
    : null;
  const qualified = mqlAt !== null && mqlAt > lead.createdAt && mqlAt < clock.endMs ? mqlAt : null;
  const version = (qualified ?? lead.createdAt) < rulesetSwitchMs(clock) ? RULESET_A : RULESET_B;
  const score = qualified !== null ? random.int(60, 98) : random.int(5, 55);
  const decide = (kind: string, at: number, outcome: Record<string, unknown>) =>
    rows.decisions.push({
      id: `${id}:decision:${kind}`,
      leadId: id,
      kind,
      outcome: outcome as never,
      explanation: { demo: true },
      rulesetVersion: version,
      decidedAt: new Date(at),
      idempotencyKey: `${id}:decision:${kind}`,
    });
  decide('scoring', qualified ?? lead.createdAt, { score, tier: qualified !== null ? 'mql' : 'cold' });

  const journey: LeadJourney = {
    firstTouchAt: null,
    slaDueAt: null,
    slaStatus: 'none',
    sqlAt: null,
    bant: null,
    disqualifiedReason: null,
  };
  if (qualified !== null) qualify(ctx, lead, qualified, version, move, interaction, decide, journey);
  const [first, last] = [random.pick(FIRST), random.pick(LAST)];
  rows.leads.push({
    id,
    tenant,
    email: emailOf(ctx, first, last, lead.company),
    firstName: first,
    lastName: last,
    company: lead.company,
    title: random.pick(TITLES),
    country: lead.region === 'emea' ? random.pick(['GB', 'DE', 'FR', 'NL']) : lead.region === 'apac' ? 'AU' : 'US',
    source: lead.source,
    sourceDetails: lead.campaign ? { campaign: lead.campaign } : {},
    attributes: { industry: random.pick(INDUSTRIES), employees: lead.employees, region: lead.region },
    stage,
    score,
    ownerId: qualified === null ? null : lead.owner,
    journeyId: `${id}:journey`,
    mqlAt: qualified === null ? null : new Date(qualified),
    sqlAt: journey.sqlAt === null ? null : new Date(journey.sqlAt),
    firstTouchAt: journey.firstTouchAt === null ? null : new Date(journey.firstTouchAt),
    slaDueAt: journey.slaDueAt === null ? null : new Date(journey.slaDueAt),
    slaStatus: journey.slaStatus,
    bant: journey.bant ?? undefined,
    disqualifiedReason: journey.disqualifiedReason,
    createdAt: new Date(lead.createdAt),
  });
}

interface LeadJourney {
  firstTouchAt: number | null;
  slaDueAt: number | null;
  slaStatus: 'none' | 'running' | 'met' | 'breached';
  sqlAt: number | null;
  bant: Record<string, string> | null;
  disqualifiedReason: string | null;
}

/** A stage event, with its reason in English and, where the live journeys write one, as a code. */
type Move = (to: string, at: number, reason: string, version?: string | null, why?: Worded) => void;
type Touch = (kind: string, at: number, payload: Record<string, string>) => void;
type Decide = (kind: string, at: number, outcome: Record<string, unknown>) => void;

/** From MQL on: routing, the first touch against its SLA, then SQL (and a deal), nurture or disqualification. */
function qualify(
  ctx: DemoContext,
  lead: Capture,
  mqlAt: number,
  version: string,
  move: Move,
  touch: Touch,
  decide: Decide,
  journey: LeadJourney,
): void {
  const { rows, random, clock, tenant } = ctx;
  move('mql', mqlAt, `score crossed the MQL threshold`, version);
  decide('routing', mqlAt, { kind: 'assign', ownerEmail: lead.owner });
  rows.assignments.push({
    id: `${lead.id}:assignment:0`,
    leadId: lead.id,
    tenant,
    repEmail: lead.owner,
    reason: 'routed by region',
    rulesetVersion: version,
    assignedAt: new Date(mqlAt),
    idempotencyKey: `${lead.id}:assignment:0`,
  });
  journey.slaDueAt = mqlAt + 4 * HOUR_MS;
  const draw = random();
  const fast = version === RULESET_B ? 0.85 : 0.72;
  const touchAt =
    draw < fast
      ? mqlAt + random.between(0.15, 3.8) * HOUR_MS
      : draw < 0.96
        ? mqlAt + random.between(4.5, 40) * HOUR_MS
        : null;
  if (touchAt === null || touchAt >= clock.endMs) {
    journey.slaStatus = journey.slaDueAt >= clock.endMs ? 'running' : 'breached';
    return;
  }
  journey.firstTouchAt = touchAt;
  journey.slaStatus = touchAt <= journey.slaDueAt ? 'met' : 'breached';
  touch('call-logged', touchAt, { actor: lead.owner, outcome: 'connected' });
  if (random.chance(0.6) && touchAt + DAY_MS < clock.endMs)
    touch('email-sent', touchAt + DAY_MS, { actor: lead.owner, subject: 'Following up on our call' });

  const sqlAt = clock.at(clock.indexOf(touchAt) + random.int(1, 12), random.between(9, 17)).getTime();
  if (random.chance(version === RULESET_B ? 0.55 : 0.47) && sqlAt < clock.endMs) {
    journey.sqlAt = sqlAt;
    journey.bant = {
      budget: random.pick(['confirmed', 'planned']),
      authority: random.pick(['decision-maker', 'influencer']),
      need: 'confirmed',
      timeline: random.pick(['this-quarter', 'next-quarter', 'this-year']),
    };
    move('sql', sqlAt, `qualified on BANT by ${lead.owner}`, null, worded('bant-qualified', { actor: lead.owner }));
    if (random.chance(0.78)) {
      const openedAt = sqlAt + random.between(1, 3) * DAY_MS;
      if (openedAt < clock.endMs)
        addDemoDeal(ctx, {
          leadId: lead.id,
          owner: lead.owner,
          team: lead.team,
          company: lead.company,
          employees: lead.employees,
          openedAt,
          move,
          kind: 'new',
        });
    }
    return;
  }
  const outAt = mqlAt + random.between(10, 40) * DAY_MS;
  if (outAt >= clock.endMs) return;
  if (random.chance(0.55)) {
    journey.bant = { budget: 'none', authority: 'influencer', need: 'exploring', timeline: 'later' };
    move('nurture', outAt, `not ready: back to nurture by ${lead.owner}`);
  } else if (random.chance(0.4)) {
    journey.disqualifiedReason = random.pick(DISQUALIFIED);
    move(
      'disqualified',
      outAt,
      `disqualified by ${lead.owner}: ${journey.disqualifiedReason}`,
      null,
      worded('disqualified', { actor: lead.owner, note: journey.disqualifiedReason }),
    );
  }
}
