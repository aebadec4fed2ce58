/**
 * The demo's customers from before its year, so renewals have something to show: each was won a
 * year before its contract ends inside the demo year (its lead and deal carry no rule decisions,
 * like history brought over from another CRM), and three in four renew: a renewal lead and deal on
 * the same account, won around the old contract's end, whose contract starts within the 30-day
 * grace the renewal rate allows.
 */
import { addDemoDeal, type DemoDealSeed } from './demo-deals';
import { DAY_MS, demoLeadId, type DemoContext } from './demo-rows';
import { worded, type Worded } from '../../domain/reason-codes';

const COMPANIES = ['Northwind Traders', 'Contoso Health', 'Fabrikam Robotics', 'Tailspin Logistics', 'Litware Capital'];

/** Appends prior customer `index` (and its renewal, when it renews) to the rows; ids continue after the leads'. */
export function addDemoPriorCustomer(ctx: DemoContext, index: number): void {
  const { random, clock, teams } = ctx;
  const team = random.pick(teams);
  const company = `${random.pick(COMPANIES)} ${index}`;
  const employees = random.int(100, 3000);
  const owner = random.pick(team.reps);
  const wonAt = clock.at(random.int(5, clock.days - 5) - 365, 11).getTime();
  const prior = addHistoricLead(ctx, {
    id: demoLeadId('prior', index),
    company,
    owner,
    createdAt: wonAt - random.between(30, 60) * DAY_MS,
  });
  const end = addDemoDeal(ctx, {
    ...prior,
    team,
    company,
    employees,
    owner,
    openedAt: wonAt - 18 * DAY_MS,
    kind: 'prior',
  });
  if (end.contractEndsAt === null || !random.chance(0.75)) return;
  const createdAt = end.contractEndsAt - random.between(50, 70) * DAY_MS;
  const openedAt = end.contractEndsAt - random.between(35, 45) * DAY_MS;
  if (openedAt >= clock.endMs) return;
  const renewal = addHistoricLead(ctx, {
    id: demoLeadId('renew', index),
    company,
    owner,
    createdAt,
  });
  addDemoDeal(ctx, {
    ...renewal,
    team,
    company,
    employees,
    owner,
    openedAt,
    kind: 'renewal',
    contractStartsAt: end.contractEndsAt + random.int(0, 10) * DAY_MS,
  });
}

/** A customer's lead: captured from a referral, qualified the same week, owned by `owner`. */
function addHistoricLead(
  ctx: DemoContext,
  lead: { id: string; company: string; owner: string; createdAt: number },
): Pick<DemoDealSeed, 'leadId' | 'move'> {
  const { rows, tenant } = ctx;
  let stage = 'new';
  let events = 0;
  const move = (to: string, at: number, reason: string, _version?: string | null, why?: Worded) => {
    const key = `${lead.id}:stage:${events++}`;
    rows.stages.push({
      id: key,
      leadId: lead.id,
      fromStage: events === 1 ? null : stage,
      toStage: to,
      reason,
      ...(why ? { reasonCode: why.code, reasonParams: why.params } : {}),
      occurredAt: new Date(at),
      idempotencyKey: key,
    });
    stage = to;
    leadRow.stage = to;
  };
  const sqlAt = lead.createdAt + 5 * DAY_MS;
  const domain = `${lead.company.toLowerCase().replace(/[^a-z0-9]+/g, '')}.example`;
  const leadRow: (typeof rows.leads)[number] = {
    id: lead.id,
    tenant,
    email: `buyer.${lead.id.slice(8).replace(/-0+/, '-')}@${domain}`,
    company: lead.company,
    source: 'customer-referral',
    sourceDetails: {},
    attributes: { region: 'north-america' },
    stage,
    score: 80,
    ownerId: lead.owner,
    journeyId: `${lead.id}:journey`,
    sqlAt: new Date(sqlAt),
    createdAt: new Date(lead.createdAt),
  };
  rows.leads.push(leadRow);
  rows.assignments.push({
    id: `${lead.id}:assignment:0`,
    leadId: lead.id,
    tenant,
    repEmail: lead.owner,
    reason: 'account owner',
    assignedAt: new Date(lead.createdAt),
    idempotencyKey: `${lead.id}:assignment:0`,
  });
  move(
    'new',
    lead.createdAt,
    'captured from customer-referral',
    null,
    worded('captured', { source: 'customer-referral' }),
  );
  move('sql', sqlAt, `qualified by ${lead.owner}`, null, worded('bant-qualified', { actor: lead.owner }));
  return { leadId: lead.id, move };
}
