/**
 * The demo's deals: opened from an SQL, moved through the deal stages with a forecast entry at
 * each change, given calls, meetings and a demo on the way, quoted from the demo catalogue (with
 * a discount that sometimes needs an approval chain), and closed won (with a contract) or lost
 * (with a loss-reasons.yaml code), or still open at the end of the year with an expected close
 * date. Amounts are computed by the same quote arithmetic as real quotes (computeQuote).
 */
import { createHash } from 'node:crypto';
import { computeQuote, type QuoteContent, type QuoteTotals } from '../../domain/quote';
import { canonicalQuoteContent } from '../../domain/quote-hash';
import { formatLocalDate, toLocalDate } from '../../domain/time-zone';
import { DEMO_PRODUCTS, DIRECTOR_NAME, VP_NAME, demoEmail, type DemoTeam } from './demo-org';
import type { DemoContext } from './demo-leads';
import { DAY_MS, DEMO_PREFIX, HOUR_MS, type DemoRows } from './demo-rows';

export interface DemoAccount {
  id: string;
  name: string;
}

export interface DemoDealSeed {
  leadId: string;
  owner: string;
  team: DemoTeam;
  company: string;
  employees: number;
  openedAt: number;
  move: (to: string, at: number, reason: string, version?: string | null) => void;
  /**
   * new: from this year's funnel, may be lost; prior: a customer won before the demo year (its
   * contract comes up for renewal in it); renewal: that customer's renewal. Prior and renewal
   * deals move fast and are won.
   */
  kind: 'new' | 'prior' | 'renewal';
  /** The renewal contract starts here (or at the win, if later): the day the old one ends, or a few days on. */
  contractStartsAt?: number;
}

/** What became of the deal. */
export interface DemoDealEnd {
  outcome: 'won' | 'lost' | null;
  contractEndsAt: number | null;
}

const PATH = ['needs-analysis', 'presentation', 'proposal', 'negotiation'] as const;
type OpenStage = (typeof PATH)[number];
/** forecast.yaml's shipped probabilities and categories, as the forecast history records them. */
const PROBABILITY: Record<OpenStage, number> = {
  'needs-analysis': 0.1,
  presentation: 0.25,
  proposal: 0.5,
  negotiation: 0.75,
};
const CATEGORY: Record<OpenStage, string> = {
  'needs-analysis': 'pipeline',
  presentation: 'pipeline',
  proposal: 'best-case',
  negotiation: 'commit',
};
/** The chance a deal is lost while in each stage. */
const LOSS: Record<OpenStage, number> = {
  'needs-analysis': 0.12,
  presentation: 0.15,
  proposal: 0.2,
  negotiation: 0.22,
};
const LOSS_REASONS = {
  price: 0.25,
  budget: 0.15,
  competitor: 0.25,
  'no-decision': 0.15,
  timing: 0.1,
  fit: 0.07,
  other: 0.03,
};
const COMPETITORS = ['Acme CRM', 'Globex Sales Cloud', 'Initech Pipeline'];
/** Overall discount (bp) a quote goes out with. */
const DISCOUNTS = { '0': 0.3, '500': 0.2, '1000': 0.15, '1500': 0.15, '2000': 0.12, '2500': 0.08 };

/** Appends the deal of an SQL, and its lead's closing stage, to the rows. */
export function addDemoDeal(ctx: DemoContext, seed: DemoDealSeed): DemoDealEnd {
  const { rows, random, clock, tenant } = ctx;
  const dealId = `dl_${seed.leadId.slice(3)}`;
  const account = accountOf(ctx, seed.company, seed.openedAt);
  const renewal = seed.kind === 'renewal';
  const fast = seed.kind !== 'new';
  const termMonths = fast ? 12 : Number(random.weighted({ '12': 0.7, '24': 0.2, '36': 0.1 }));
  const planned = quoteContent(seed, account, termMonths, 0, seed.openedAt, ctx);
  let value = computeQuote(planned);
  let expectedClose = seed.openedAt + random.between(45, 100) * DAY_MS;
  const forecast = (stage: string, at: number, cause: string, probability: number, category: string | null) => {
    const key = `${dealId}:forecast:${rows.forecasts.length}`;
    rows.forecasts.push({
      id: key,
      tenant,
      dealId,
      cause,
      stage,
      probability,
      expectedCloseDate: category === null ? null : localDay(ctx, expectedClose),
      category,
      ruleCategory: category,
      amountMinor: BigInt(value.tcvMinor),
      currency: planned.currency,
      actor: cause === 'conversion' ? seed.owner : 'system',
      occurredAt: new Date(at),
      idempotencyKey: key,
    });
  };
  const activity = (kind: string, at: number, summary: string, outcome: string | null) => {
    const key = `${dealId}:activity:${rows.activities.length}`;
    if (at < clock.endMs)
      rows.activities.push({
        id: key,
        dealId,
        kind,
        summary,
        outcome,
        actor: seed.owner,
        occurredAt: new Date(at),
        payload: {},
        idempotencyKey: key,
      });
  };

  let stage: OpenStage = 'needs-analysis';
  let at = seed.openedAt;
  seed.move(stage, at, `converted to deal ${dealId} by ${seed.owner}`);
  forecast(stage, at, 'conversion', PROBABILITY[stage], CATEGORY[stage]);
  activity('call', at + DAY_MS, 'Discovery call', 'pains and goals captured');
  let outcome: 'won' | 'lost' | null = null;
  let quoted: { versionId: string; totals: QuoteTotals } | null = null;
  for (;;) {
    const next = at + (fast ? random.between(2, 6) : random.between(3, 18)) * DAY_MS;
    if (next >= clock.endMs) break;
    if (!fast && random.chance(LOSS[stage])) {
      outcome = 'lost';
      at = next;
      break;
    }
    const following: OpenStage | undefined = PATH[PATH.indexOf(stage) + 1];
    at = next;
    if (!following) {
      outcome = 'won';
      break;
    }
    stage = following;
    if (random.chance(0.3)) expectedClose += random.between(7, 30) * DAY_MS;
    seed.move(stage, at, `stage changed by ${seed.owner}`);
    if (stage === 'presentation') activity('demo', at + DAY_MS, 'Product demo', 'held: strong interest');
    if (stage === 'proposal') {
      quoted = addQuote(ctx, seed, dealId, account, termMonths, at);
      value = quoted.totals;
    }
    if (stage === 'negotiation') activity('meeting', at + 2 * DAY_MS, 'Negotiation meeting', 'held');
    forecast(stage, at, 'stage-change', PROBABILITY[stage], CATEGORY[stage]);
  }

  const currency = planned.currency;
  const closedAt = outcome === null ? null : at;
  if (closedAt !== null && outcome !== null) {
    const lossReason = outcome === 'lost' ? random.weighted(LOSS_REASONS) : null;
    const competitor = lossReason === 'competitor' ? random.pick(COMPETITORS) : null;
    const closeReason =
      outcome === 'won' ? 'signed' : lossReason === 'other' ? 'the champion left the company' : `lost: ${lossReason}`;
    const to = outcome === 'won' ? 'closed-won' : 'closed-lost';
    seed.move(to, closedAt, `closed ${outcome} by ${seed.owner}`);
    forecast(to, closedAt, 'stage-change', outcome === 'won' ? 1 : 0, null);
    seed.move(outcome === 'won' ? 'customer' : 'lost', closedAt, `deal ${dealId} closed ${outcome}: ${closeReason}`);
    rows.deals.push(dealRow());
    Object.assign(rows.deals[rows.deals.length - 1]!, { closeReason, lossReason, lossCompetitor: competitor });
    if (outcome === 'won') {
      if (quoted) markSigned(rows, quoted.versionId, closedAt);
      const startAt = Math.max(closedAt + DAY_MS, seed.contractStartsAt ?? 0);
      return {
        outcome,
        contractEndsAt: addContract(ctx, dealId, quoted?.versionId ?? `${dealId}:no-quote`, {
          closedAt,
          startAt,
          value,
          currency,
        }),
      };
    }
  } else rows.deals.push(dealRow());
  return { outcome, contractEndsAt: null };

  function dealRow(): DemoRows['deals'][number] {
    return {
      id: dealId,
      tenant,
      leadId: seed.leadId,
      accountId: account.id,
      name: `${seed.company}: ${renewal ? 'renewal' : 'platform'}`,
      ownerEmail: seed.owner,
      stage: outcome === 'won' ? 'closed-won' : outcome === 'lost' ? 'closed-lost' : stage,
      currency,
      amountMinor: BigInt(value.tcvMinor),
      acvMinor: BigInt(value.acvMinor),
      workflowId: `${dealId}:journey`,
      needs: { demo: true },
      closedAt: closedAt === null ? null : new Date(closedAt),
      expectedCloseDate: outcome === null ? localDay(ctx, expectedClose) : null,
      forecastCategory: outcome === null ? CATEGORY[stage] : null,
      forecastRuleCategory: outcome === null ? CATEGORY[stage] : null,
      createdAt: new Date(seed.openedAt),
    };
  }
}

function localDay(ctx: DemoContext, at: number): string {
  return formatLocalDate(toLocalDate(new Date(at), ctx.clock.zone));
}

function accountOf(ctx: DemoContext, company: string, at: number): DemoAccount {
  const known = ctx.accounts.get(company);
  if (known) return known;
  const account = { id: `${DEMO_PREFIX}acc_${company.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`, name: company };
  ctx.accounts.set(company, account);
  ctx.rows.accounts.push({
    ...account,
    tenant: ctx.tenant,
    domain: `${company.toLowerCase().replace(/[^a-z]+/g, '')}.example`,
    createdAt: new Date(at),
  });
  return account;
}

/** Seats by company size; quoted in the team's currency from the demo price book. */
function quoteContent(
  seed: DemoDealSeed,
  account: DemoAccount,
  termMonths: number,
  overallDiscountBp: number,
  at: number,
  ctx: DemoContext,
): QuoteContent {
  const { random } = ctx;
  const seats =
    seed.employees < 50 ? random.int(5, 15) : seed.employees < 200 ? random.int(10, 40) : random.int(25, 90);
  const currency = seed.team.currency;
  const price = (product: (typeof DEMO_PRODUCTS)[number]) => (currency === 'USD' ? product.usd : product.eur);
  const [platform, analytics, onboarding] = DEMO_PRODUCTS;
  const line = (product: (typeof DEMO_PRODUCTS)[number], quantity: number) => ({
    id: product.sku.toLowerCase(),
    sku: product.sku,
    name: product.name,
    quantity,
    unitPriceMinor: price(product),
    listUnitPriceMinor: price(product),
    discountBp: 0,
    billing: product.billing,
  });
  return {
    currency,
    seller: { name: 'leadflow demo seller' },
    customer: { company: account.name, region: currency === 'USD' ? 'US' : 'DE' },
    lines: [
      line(platform, seats),
      ...(random.chance(0.4) ? [line(analytics, Math.ceil(seats / 2))] : []),
      ...(seed.kind === 'renewal' ? [] : [line(onboarding, 1)]),
    ],
    overallDiscountBp,
    taxRatePpm: 0,
    taxRegion: currency === 'USD' ? 'US' : 'DE',
    paymentTerms: 'net-30',
    validUntil: localDay(ctx, at + 30 * DAY_MS),
    termMonths,
  };
}

/** The shipped approvals.yaml's tier for an overall discount (bp) on a deal of `tcvMinor`, and its chain. */
function tierOf(discountBp: number, tcvMinor: number): { tier: string; chain: string[] } {
  if (discountBp <= 1000) return { tier: 'rep-authority', chain: [] };
  if (discountBp <= 2000) return { tier: 'manager-authority', chain: ['manager'] };
  if (tcvMinor >= 25_000_000) return { tier: 'director-authority-large-deal', chain: ['manager', 'director', 'vp'] };
  return { tier: 'director-authority', chain: ['manager', 'director'] };
}

const APPROVERS = { director: demoEmail(DIRECTOR_NAME), vp: demoEmail(VP_NAME) };

/** A quote with one version (two when the first discount was refused), approved where its tier needs it, and sent. */
function addQuote(
  ctx: DemoContext,
  seed: DemoDealSeed,
  dealId: string,
  account: DemoAccount,
  termMonths: number,
  at: number,
): { versionId: string; totals: QuoteTotals } {
  const { rows, random, tenant } = ctx;
  const quoteId = `qo_${dealId.slice(3)}`;
  const discounts = [Number(seed.kind === 'renewal' ? '0' : random.weighted(DISCOUNTS))];
  const refused = discounts[0]! > 1000 && random.chance(0.1);
  if (refused) discounts.push(1000);
  rows.quotes.push({
    id: quoteId,
    tenant,
    dealId,
    number: `DEMO-${dealId.slice(3 + DEMO_PREFIX.length)}`,
    currentVersion: discounts.length,
    createdBy: seed.owner,
    createdAt: new Date(at),
  });
  let result = { versionId: '', totals: computeQuote(quoteContent(seed, account, termMonths, 0, at, ctx)) };
  let when = at;
  for (const [index, discountBp] of discounts.entries()) {
    const content = quoteContent(seed, account, termMonths, discountBp, when, ctx);
    const totals = computeQuote(content);
    const contentHash = createHash('sha256').update(canonicalQuoteContent(content)).digest('hex');
    const versionId = `${quoteId}:v${index + 1}`;
    const { tier, chain } = tierOf(discountBp, totals.tcvMinor);
    const last = index === discounts.length - 1;
    const decision = chain.length === 0 ? null : { at: when + random.between(2, 30) * HOUR_MS, approved: last };
    const decided = decision !== null && decision.at < ctx.clock.endMs;
    if (decision) addApproval(ctx, seed, { dealId, versionId, contentHash, tier, chain, requestedAt: when, decision });
    const readyAt = decision ? decision.at : when;
    const sentAt = last && readyAt + 2 * HOUR_MS < ctx.clock.endMs ? readyAt + 2 * HOUR_MS : null;
    rows.versions.push({
      id: versionId,
      quoteId,
      version: index + 1,
      content: content as never,
      totals: totals as never,
      contentHash,
      status: sentAt !== null ? 'sent' : decision && !decided ? 'pending-approval' : last ? 'approved' : 'rejected',
      approvalDiscountBp: discountBp,
      approvalTier: tier,
      rulesetVersion: 'demo-ruleset-a',
      createdBy: seed.owner,
      createdAt: new Date(when),
      sentAt: sentAt === null ? null : new Date(sentAt),
      expiresAt: sentAt === null ? null : new Date(sentAt + 30 * DAY_MS),
    });
    result = { versionId, totals };
    if (!last && !decided) break;
    when = readyAt + 3 * HOUR_MS;
  }
  return result;
}

/** The approval chain of a version: every step decided together (or all pending when the decision falls after the demo year). */
function addApproval(
  ctx: DemoContext,
  seed: DemoDealSeed,
  request: {
    dealId: string;
    versionId: string;
    contentHash: string;
    tier: string;
    chain: string[];
    requestedAt: number;
    decision: { at: number; approved: boolean };
  },
): void {
  const { rows, tenant, clock } = ctx;
  const decided = request.decision.at < clock.endMs;
  const status = !decided ? 'pending' : request.decision.approved ? 'approved' : 'rejected';
  const requestId = `${request.versionId}:approval`;
  rows.approvals.push({
    id: requestId,
    tenant,
    dealId: request.dealId,
    quoteVersionId: request.versionId,
    contentHash: request.contentHash,
    tier: request.tier,
    chain: request.chain,
    status,
    workflowId: requestId,
    rulesetVersion: 'demo-ruleset-a',
    requestedBy: seed.owner,
    requestedAt: new Date(request.requestedAt + HOUR_MS / 2),
    decidedAt: decided ? new Date(request.decision.at) : null,
    outcomeReason: !decided ? null : request.decision.approved ? 'within policy' : 'discount too deep for this deal',
  });
  request.chain.forEach((level, position) => {
    const assignee = level === 'manager' ? seed.team.manager : APPROVERS[level as keyof typeof APPROVERS];
    rows.approvalSteps.push({
      id: `${requestId}:step${position}`,
      requestId,
      position,
      level,
      assigneeEmail: assignee,
      status,
      dueAt: new Date(request.requestedAt + 48 * HOUR_MS),
      decidedBy: decided ? assignee : null,
      decidedAt: decided ? new Date(request.decision.at) : null,
      createdAt: new Date(request.requestedAt + HOUR_MS / 2),
    });
  });
}

function markSigned(rows: DemoRows, versionId: string, at: number): void {
  const version = rows.versions.find((v) => v.id === versionId);
  if (version) Object.assign(version, { status: 'signed', signedAt: new Date(at) });
}

/** The won deal's contract: from `startAt` for the quote's term (as the deal journey computes its end). */
function addContract(
  ctx: DemoContext,
  dealId: string,
  quoteVersionId: string,
  { closedAt, startAt, value, currency }: { closedAt: number; startAt: number; value: QuoteTotals; currency: string },
): number {
  const end = new Date(startAt);
  end.setUTCMonth(end.getUTCMonth() + value.termMonths);
  ctx.rows.contracts.push({
    id: `${dealId}:contract`,
    tenant: ctx.tenant,
    dealId,
    quoteVersionId,
    startDate: new Date(startAt),
    endDate: end,
    termMonths: value.termMonths,
    tcvMinor: BigInt(value.tcvMinor),
    acvMinor: BigInt(value.acvMinor),
    currency,
    status: end.getTime() <= ctx.clock.endMs ? 'ended' : 'active',
    workflowId: `${dealId}:renewal`,
    createdAt: new Date(closedAt),
  });
  return end.getTime();
}
