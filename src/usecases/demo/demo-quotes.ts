/**
 * The demo's quotes: priced from the demo catalogue by the quote arithmetic itself (computeQuote),
 * with an overall discount that, above a rep's 10 %, goes through the shipped approval matrix's
 * chain; about one chain in ten refuses, and the quote goes out again within the rep's authority.
 */
import { createHash } from 'node:crypto';
import { computeQuote, type QuoteContent, type QuoteTotals } from '../../domain/quote';
import { canonicalQuoteContent } from '../../domain/quote-hash';
import type { DemoDealSeed } from './demo-deals';
import { DEMO_PRODUCTS, DIRECTOR_NAME, VP_NAME, demoEmail } from './demo-org';
import { DAY_MS, DEMO_PREFIX, HOUR_MS, type DemoAccount, type DemoContext, type DemoRows } from './demo-rows';

/** Overall discount (bp) a quote goes out with. */
const DISCOUNTS = { '0': 0.3, '500': 0.2, '1000': 0.15, '1500': 0.15, '2000': 0.12, '2500': 0.08 };

/** Seats by company size; quoted in the team's currency from the demo price book. */
export function quoteContent(
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
    validUntil: ctx.clock.dateOf(at + 30 * DAY_MS),
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
export function addQuote(
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

export function markSigned(rows: DemoRows, versionId: string, at: number): void {
  const version = rows.versions.find((v) => v.id === versionId);
  if (version) Object.assign(version, { status: 'signed', signedAt: new Date(at) });
}
