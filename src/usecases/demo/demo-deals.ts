/**
 * The demo's deals: opened from an SQL, moved through the deal stages with a forecast entry at
 * each change, given calls, meetings and a demo on the way, quoted from the demo catalogue (with
 * a discount that sometimes needs an approval chain), and closed won (with a contract) or lost
 * (with a loss-reasons.yaml code), or still open at the end of the year with an expected close
 * date. Amounts are computed by the same quote arithmetic as real quotes (computeQuote).
 */
import { computeQuote, type QuoteTotals } from '../../domain/quote';
import { addQuote, markSigned, quoteContent } from './demo-quotes';
import { DAY_MS, DEMO_PREFIX, type DemoAccount, type DemoContext, type DemoRows, type DemoTeam } from './demo-rows';
import { worded, type Worded } from '../../domain/reason-codes';

export interface DemoDealSeed {
  leadId: string;
  owner: string;
  team: DemoTeam;
  company: string;
  employees: number;
  openedAt: number;
  move: (to: string, at: number, reason: string, version?: string | null, why?: Worded) => void;
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
      expectedCloseDate: category === null ? null : ctx.clock.dateOf(expectedClose),
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
  seed.move(
    stage,
    at,
    `converted to deal ${dealId} by ${seed.owner}`,
    null,
    worded('converted', { dealId, actor: seed.owner }),
  );
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
    seed.move(
      outcome === 'won' ? 'customer' : 'lost',
      closedAt,
      `deal ${dealId} closed ${outcome}: ${closeReason}`,
      null,
      worded('deal-closed', { dealId, outcome, note: closeReason }),
    );
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
      expectedCloseDate: outcome === null ? ctx.clock.dateOf(expectedClose) : null,
      forecastCategory: outcome === null ? CATEGORY[stage] : null,
      forecastRuleCategory: outcome === null ? CATEGORY[stage] : null,
      createdAt: new Date(seed.openedAt),
    };
  }
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
