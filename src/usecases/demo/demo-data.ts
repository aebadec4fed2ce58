/**
 * `leadflow demo`: a year of sales history, generated from a seed and an anchor date, written
 * straight into the database in one transaction; and its removal. The rows are what the journeys
 * record (stage events, decisions, assignments, touches, forecasts, quotes, approvals, contracts),
 * dated in the past, with no workflow behind them: see docs/demo-data.md for why.
 */
import type { Db } from '../../db/client';
import { seededRandom } from '../../domain/seeded-random';
import type { LocalDate } from '../../domain/time-zone';
import { addDemoLead, RULESET_A, RULESET_B, rulesetSwitchMs } from './demo-leads';
import { addDemoCatalogue, addDemoMarketing, addDemoPeople, addDemoQuotas } from './demo-org';
import { addDemoPriorCustomer } from './demo-renewals';
import {
  DEMO_DEAL_PREFIX,
  DEMO_LEAD_PREFIX,
  DEMO_PREFIX,
  DemoClock,
  emptyDemoRows,
  type DemoContext,
  type DemoRows,
} from './demo-rows';

export interface DemoOptions {
  tenant: string;
  /** The day after the demo year: no demo event happens on or after its local midnight. */
  until: LocalDate;
  /** The reporting zone the days are counted in. */
  zone: string;
  seed: number;
  /** Leads captured in the year (the prior customers and their renewals come on top). */
  leads: number;
  /**
   * The rules folder's texts (file name → text), stored as the demo's two rules versions so their
   * decisions explain with real rules; null (the folder does not load): no versions are written.
   */
  ruleTexts: Record<string, string> | null;
}

/** Customers won before the demo year, whose contracts come up for renewal in it. */
const PRIOR_CUSTOMERS = 80;

/** Every row of the demo data set; the same options give the same rows. */
export function generateDemoData(options: DemoOptions): DemoRows {
  const rows = emptyDemoRows();
  const random = seededRandom(options.seed);
  const clock = new DemoClock(options.until, options.zone);
  const teams = addDemoPeople(rows, options.tenant);
  addDemoMarketing(rows, options.tenant, clock, random);
  addDemoQuotas(rows, options.tenant, clock, teams);
  addDemoCatalogue(rows, options.tenant, clock);
  const ctx: DemoContext = {
    tenant: options.tenant,
    clock,
    random,
    teams,
    rows,
    accounts: new Map(),
    emails: new Set(),
  };
  for (let index = 0; index < PRIOR_CUSTOMERS; index++) addDemoPriorCustomer(ctx, index);
  for (let index = 0; index < options.leads; index++) addDemoLead(ctx, index);
  if (options.ruleTexts) addDemoRulesHistory(rows, clock, options.ruleTexts);
  return rows;
}

/**
 * Ruleset A from the start of the year, B from 55 % into it (the leads' decisions name them), as
 * two stored versions and two activations, so the trend charts mark the switch and the rule
 * attribution report explains with real texts. They are never "last activated" (no `activatedAt`
 * on the version), so a restart on broken rule files never falls back to a demo version.
 */
function addDemoRulesHistory(rows: DemoRows, clock: DemoClock, files: Record<string, string>): void {
  const start = new Date(clock.startMs);
  const switchAt = new Date(rulesetSwitchMs(clock));
  rows.ruleVersions.push(
    { hash: RULESET_A, files, createdAt: start, summary: 'demo data: ruleset A', activatedAt: null },
    {
      hash: RULESET_B,
      files,
      createdAt: switchAt,
      summary: 'demo data: ruleset B (faster first touch)',
      activatedAt: null,
    },
  );
  rows.ruleActivations.push(
    { hash: RULESET_A, previous: null, activatedAt: start, summary: 'demo data: ruleset A' },
    {
      hash: RULESET_B,
      previous: RULESET_A,
      activatedAt: switchAt,
      summary: 'demo data: ruleset B (faster first touch)',
    },
  );
}

/** Rows per table. */
export type DemoCounts = Record<keyof DemoRows, number>;

const BATCH = 500;

/**
 * Writes the demo data set in one transaction (all of it or, on any failure, none); demo data
 * already there is removed first, so running it again replaces it.
 */
export async function writeDemoData(db: Db, options: DemoOptions): Promise<{ counts: DemoCounts; replaced: boolean }> {
  const rows = generateDemoData(options);
  let replaced = false;
  await db.$transaction(
    async (tx) => {
      replaced = Object.values(await removeIn(tx as Db, options.tenant)).some((n) => n > 0);
      const write = async <T>(list: T[], create: (data: T[]) => Promise<unknown>) => {
        for (let start = 0; start < list.length; start += BATCH) await create(list.slice(start, start + BATCH));
      };
      await write(rows.reps, (data) => tx.rep.createMany({ data }));
      await write(rows.accounts, (data) => tx.account.createMany({ data }));
      await write(rows.campaigns, (data) => tx.campaign.createMany({ data }));
      await write(rows.spend, (data) => tx.marketingSpend.createMany({ data }));
      await write(rows.quotas, (data) => tx.quota.createMany({ data }));
      await write(rows.products, (data) => tx.product.createMany({ data }));
      await write(rows.prices, (data) => tx.priceBookEntry.createMany({ data }));
      // The tenant's own template of the same name stays, and the demo's is not written.
      const taken = await tx.quoteTemplate.findMany({
        where: { tenant: options.tenant, name: { in: rows.templates.map((t) => t.name) } },
        select: { name: true },
      });
      rows.templates = rows.templates.filter((t) => !taken.some((own) => own.name === t.name));
      await write(rows.templates, (data) => tx.quoteTemplate.createMany({ data }));
      await write(rows.leads, (data) => tx.lead.createMany({ data }));
      await write(rows.stages, (data) => tx.stageEvent.createMany({ data }));
      await write(rows.decisions, (data) => tx.decision.createMany({ data }));
      await write(rows.assignments, (data) => tx.assignment.createMany({ data }));
      await write(rows.interactions, (data) => tx.interaction.createMany({ data }));
      await write(rows.deals, (data) => tx.deal.createMany({ data }));
      await write(rows.forecasts, (data) => tx.dealForecast.createMany({ data }));
      await write(rows.activities, (data) => tx.dealActivity.createMany({ data }));
      await write(rows.quotes, (data) => tx.quote.createMany({ data }));
      await write(rows.versions, (data) => tx.quoteVersion.createMany({ data }));
      await write(rows.approvals, (data) => tx.approvalRequest.createMany({ data }));
      await write(rows.approvalSteps, (data) => tx.approvalStep.createMany({ data }));
      await write(rows.contracts, (data) => tx.contract.createMany({ data }));
      await write(rows.ruleVersions, (data) => tx.ruleVersion.createMany({ data }));
      await write(rows.ruleActivations, (data) => tx.ruleActivation.createMany({ data }));
    },
    { timeout: 300_000, maxWait: 30_000 },
  );
  return {
    counts: Object.fromEntries(
      Object.entries(rows).map(([table, list]: [string, unknown[]]) => [table, list.length]),
    ) as DemoCounts,
    replaced,
  };
}

/** Removes the tenant's demo data, and only it, in one transaction; returns what was removed per table. */
export async function removeDemoData(db: Db, tenant: string): Promise<Partial<DemoCounts>> {
  return db.$transaction((tx) => removeIn(tx as Db, tenant), { timeout: 300_000, maxWait: 30_000 });
}

const demo = { startsWith: DEMO_PREFIX };
const demoLead = { startsWith: DEMO_LEAD_PREFIX };
const demoDeal = { startsWith: DEMO_DEAL_PREFIX };

/**
 * Deletes every demo lead (`ld_demo-…`), deal (`dl_demo-…`) and other demo row (`demo-…`). The children of demo leads and deals
 * (stage events, touches, decisions, tasks, emails, activities, quotes, approvals, contracts,
 * forecasts) go with them, including anything recorded on a demo record since it was written.
 */
async function removeIn(db: Db, tenant: string): Promise<Partial<DemoCounts>> {
  const counts: Partial<DemoCounts> = {};
  const count = async (table: keyof DemoRows, removed: Promise<{ count: number }>) => {
    counts[table] = (await removed).count;
  };
  const dealIds = (await db.deal.findMany({ where: { tenant, id: demoDeal }, select: { id: true } })).map((d) => d.id);
  await count('contracts', db.contract.deleteMany({ where: { dealId: { in: dealIds } } }));
  await count('deals', db.deal.deleteMany({ where: { tenant, id: demoDeal } }));
  await count('leads', db.lead.deleteMany({ where: { tenant, id: demoLead } }));
  await count('assignments', db.assignment.deleteMany({ where: { tenant, id: demoLead } }));
  await count('accounts', db.account.deleteMany({ where: { tenant, id: demo } }));
  await count('spend', db.marketingSpend.deleteMany({ where: { tenant, id: demo } }));
  await count('campaigns', db.campaign.deleteMany({ where: { tenant, id: demo } }));
  await count('quotas', db.quota.deleteMany({ where: { tenant, id: demo } }));
  await count('products', db.product.deleteMany({ where: { tenant, id: demo } }));
  await count('templates', db.quoteTemplate.deleteMany({ where: { tenant, id: demo } }));
  await count('reps', db.rep.deleteMany({ where: { tenant, id: demo } }));
  const demoVersions = { hash: { in: [RULESET_A, RULESET_B] } };
  await count('ruleActivations', db.ruleActivation.deleteMany({ where: demoVersions }));
  await count('ruleVersions', db.ruleVersion.deleteMany({ where: demoVersions }));
  return counts;
}

/** How many demo rows of the main kinds the tenant holds (0 everywhere: none). */
export async function countDemoData(db: Db, tenant: string): Promise<Record<string, number>> {
  return {
    people: await db.rep.count({ where: { tenant, id: demo } }),
    leads: await db.lead.count({ where: { tenant, id: demoLead } }),
    stageEvents: await db.stageEvent.count({ where: { id: demoLead, lead: { tenant } } }),
    deals: await db.deal.count({ where: { tenant, id: demoDeal } }),
    quotes: await db.quote.count({ where: { tenant, id: { startsWith: `qo_${DEMO_PREFIX}` } } }),
    contracts: await db.contract.count({ where: { tenant, id: demoDeal } }),
    campaigns: await db.campaign.count({ where: { tenant, id: demo } }),
    spend: await db.marketingSpend.count({ where: { tenant, id: demo } }),
    quotas: await db.quota.count({ where: { tenant, id: demo } }),
    ruleActivations: await db.ruleActivation.count({ where: { hash: { in: [RULESET_A, RULESET_B] } } }),
  };
}
