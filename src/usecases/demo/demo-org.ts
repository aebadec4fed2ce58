/**
 * The demo's organisation and plans: a VP and a director over three sales teams (a manager and four reps
 * each, in their own time zones and currencies), the campaigns of every lead source with their
 * monthly spend, quarterly quotas per rep and per team, and a small catalogue with a price book.
 */
import { formatLocalDate, type LocalDate } from '../../domain/time-zone';
import type { SeededRandom } from '../../domain/seeded-random';
import { DEMO_PREFIX, type DemoClock, type DemoRows, type DemoTeam } from './demo-rows';

const DOMAIN = 'demo.leadflow.example';

const TEAMS = [
  {
    key: 'east',
    zone: 'America/New_York',
    currency: 'USD',
    manager: 'Maria Okafor',
    reps: ['Alex Chen', 'Priya Raman', 'Jordan Blake', 'Sam Ortiz'],
  },
  {
    key: 'west',
    zone: 'America/Los_Angeles',
    currency: 'USD',
    manager: 'Tom Reyes',
    reps: ['Kim Nguyen', 'Leo Martins', 'Ava Schultz', 'Noah Patel'],
  },
  {
    key: 'emea',
    zone: 'Europe/London',
    currency: 'EUR',
    manager: 'Ines Duarte',
    reps: ['Lukas Weber', 'Chloe Martin', 'Omar Haddad', 'Freya Lund'],
  },
] as const;

export const DIRECTOR_NAME = 'Dana Whitfield';
export const VP_NAME = 'Victor Lang';
const DIRECTOR = DIRECTOR_NAME;

/** `Maria Okafor` → `maria.okafor@demo.leadflow.example`. */
export const demoEmail = (name: string) => `${name.toLowerCase().replace(/\s+/g, '.')}@${DOMAIN}`;
const slug = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, '-');

/** The campaign every lead of a source carries (ads run two), and what a month of it costs (USD cents). */
export const DEMO_CAMPAIGNS = [
  { key: 'demo-search-ads', name: 'Search ads (demo)', source: 'ads', monthlyMinor: 1_800_000 },
  { key: 'demo-linkedin-ads', name: 'LinkedIn ads (demo)', source: 'ads', monthlyMinor: 1_200_000 },
  { key: 'demo-whitepapers', name: 'Whitepaper series (demo)', source: 'content', monthlyMinor: 600_000 },
  { key: 'demo-trade-shows', name: 'Trade shows (demo)', source: 'events', monthlyMinor: 1_500_000 },
  { key: 'demo-partner-program', name: 'Partner programme (demo)', source: 'partner-referral', monthlyMinor: 500_000 },
  {
    key: 'demo-referral-rewards',
    name: 'Customer referral rewards (demo)',
    source: 'customer-referral',
    monthlyMinor: 200_000,
  },
  { key: 'demo-social', name: 'Social (demo)', source: 'social', monthlyMinor: 400_000 },
  { key: 'demo-outbound', name: 'Outbound SDR (demo)', source: 'cold-outreach', monthlyMinor: 900_000 },
] as const;

/** The catalogue's products: a yearly seat licence, a yearly add-on and a one-time onboarding. */
export const DEMO_PRODUCTS = [
  { sku: 'DEMO-PLATFORM', name: 'Platform seat (demo)', billing: 'yearly', usd: 120_000, eur: 110_000 },
  { sku: 'DEMO-ANALYTICS', name: 'Analytics add-on seat (demo)', billing: 'yearly', usd: 40_000, eur: 37_000 },
  { sku: 'DEMO-ONBOARDING', name: 'Onboarding package (demo)', billing: 'one-time', usd: 500_000, eur: 460_000 },
] as const;

/** Rep and team quotas per quarter, in the team's currency (minor units). */
const REP_QUARTER_QUOTA = 11_000_000;

/** Writes the people (director, managers, reps) and returns the teams. */
export function addDemoPeople(rows: DemoRows, tenant: string): DemoTeam[] {
  const person = (name: string, role: string, zone: string, managerId: string | null) => {
    const id = `${DEMO_PREFIX}rep_${slug(name)}`;
    rows.reps.push({ id, tenant, email: demoEmail(name), name, role, managerId, timeZone: zone });
    return id;
  };
  const vp = person(VP_NAME, 'vp', 'America/New_York', null);
  const director = person(DIRECTOR, 'director', 'America/New_York', vp);
  return TEAMS.map((team) => {
    const manager = person(team.manager, 'manager', team.zone, director);
    for (const rep of team.reps) person(rep, 'rep', team.zone, manager);
    return {
      manager: demoEmail(team.manager),
      reps: team.reps.map(demoEmail),
      zone: team.zone,
      currency: team.currency,
    };
  });
}

/** Campaigns, and their spend for every month whose first day lies in the demo year. */
export function addDemoMarketing(rows: DemoRows, tenant: string, clock: DemoClock, random: SeededRandom): void {
  const by = demoEmail(DIRECTOR);
  for (const campaign of DEMO_CAMPAIGNS)
    rows.campaigns.push({
      id: `${DEMO_PREFIX}cmp_${campaign.key}`,
      tenant,
      key: campaign.key,
      name: campaign.name,
      source: campaign.source,
      createdBy: by,
      createdAt: clock.at(-30, 9),
    });
  for (const month of monthsIn(clock)) {
    const bookedAt = clock.at(month.index, 9);
    for (const campaign of DEMO_CAMPAIGNS)
      rows.spend.push({
        id: `${DEMO_PREFIX}sp_${campaign.key}_${month.label}`,
        tenant,
        source: campaign.source,
        campaignKey: campaign.key,
        month: month.label,
        currency: 'USD',
        amountMinor: BigInt(Math.round((campaign.monthlyMinor * random.between(0.8, 1.2)) / 100) * 100),
        origin: 'api',
        enteredBy: by,
        createdAt: bookedAt,
      });
  }
}

/** A quota per rep and per team (the manager's) for every quarter the demo year touches. */
export function addDemoQuotas(rows: DemoRows, tenant: string, clock: DemoClock, teams: DemoTeam[]): void {
  const by = demoEmail(DIRECTOR);
  for (const quarter of quartersOf(clock)) {
    const quota = (scope: 'rep' | 'team', ownerEmail: string, currency: string, amountMinor: number) =>
      rows.quotas.push({
        id: `${DEMO_PREFIX}qta_${scope}_${ownerEmail.split('@')[0]}_${quarter.period}`,
        tenant,
        scope,
        ownerEmail,
        periodKind: 'quarter',
        period: quarter.period,
        startsOn: quarter.startsOn,
        endsOn: quarter.endsOn,
        currency,
        amountMinor: BigInt(amountMinor),
        setBy: by,
        createdAt: quarter.setAt,
      });
    for (const team of teams) {
      for (const rep of team.reps) quota('rep', rep, team.currency, REP_QUARTER_QUOTA);
      quota('team', team.manager, team.currency, REP_QUARTER_QUOTA * team.reps.length);
    }
  }
}

/**
 * The products and their standard price book entries in USD and EUR, and the `standard` quote
 * template a new quote uses when it names none (so a rep can quote a demo deal at once).
 */
export function addDemoCatalogue(rows: DemoRows, tenant: string, clock: DemoClock): void {
  rows.templates.push({
    id: `${DEMO_PREFIX}qt_standard`,
    tenant,
    name: 'standard',
    content: {
      seller: { name: 'Demo Seller Inc. (demo)', address: null, taxId: null },
      paymentTerms: 'net-30',
      validForDays: null,
      currency: 'USD',
      priceBook: 'standard',
      notes: 'Written by leadflow demo; leadflow demo --remove takes it out.',
    },
    createdAt: clock.at(-60, 9),
  });
  for (const product of DEMO_PRODUCTS) {
    const id = `${DEMO_PREFIX}prd_${slug(product.sku)}`;
    rows.products.push({
      id,
      tenant,
      sku: product.sku,
      name: product.name,
      billing: product.billing,
      createdAt: clock.at(-60, 9),
    });
    for (const [currency, unitPriceMinor] of [
      ['USD', product.usd],
      ['EUR', product.eur],
    ] as const)
      rows.prices.push({
        id: `${id}_${currency.toLowerCase()}`,
        tenant,
        productId: id,
        currency,
        unitPriceMinor: BigInt(unitPriceMinor),
      });
  }
}

/** The months (`2026-03`) whose first day lies in the demo year, with that day's index. */
function monthsIn(clock: DemoClock): { label: string; index: number }[] {
  const months: { label: string; index: number }[] = [];
  for (let index = 0; index < clock.days; index++) {
    const day = clock.day(index);
    if (day.day === 1) months.push({ label: formatLocalDate(day).slice(0, 7), index });
  }
  return months;
}

interface Quarter {
  period: string;
  startsOn: string;
  endsOn: string;
  setAt: Date;
}

/** The calendar quarters that overlap the demo year, each set a week before it starts. */
function quartersOf(clock: DemoClock): Quarter[] {
  const quarters: Quarter[] = [];
  let { year, month } = clock.firstDay;
  let firstMonth = month - ((month - 1) % 3);
  const last = clock.until;
  for (;;) {
    const start: LocalDate = { year, month: firstMonth, day: 1 };
    if (start.year > last.year || (start.year === last.year && start.month > last.month)) break;
    const endMonth = firstMonth + 2;
    const end: LocalDate = { year, month: endMonth, day: new Date(Date.UTC(year, endMonth, 0)).getUTCDate() };
    const startIndex = Math.round(
      (Date.UTC(start.year, start.month - 1, 1) -
        Date.UTC(clock.firstDay.year, clock.firstDay.month - 1, clock.firstDay.day)) /
        86_400_000,
    );
    quarters.push({
      period: `${year}-Q${(firstMonth + 2) / 3}`,
      startsOn: formatLocalDate(start),
      endsOn: formatLocalDate(end),
      setAt: clock.at(startIndex - 7, 9),
    });
    firstMonth += 3;
    if (firstMonth > 12) {
      firstMonth = 1;
      year += 1;
    }
    month = firstMonth;
  }
  return quarters;
}
