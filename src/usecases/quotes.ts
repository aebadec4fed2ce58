/**
 * The quote builder: create a quote on a deal, edit it into a new version, and hand each new
 * version to the deal's workflow, which decides whether its discount needs approval.
 *
 * Every edit is a new version; a signed quote is never edited. Edits name the revision they read
 * (optimistic concurrency): the check and the increment are one conditional update inside the
 * version's transaction, so of two edits made from the same revision exactly one wins and the
 * other gets 409 `stale_revision`.
 *
 * A version is saved first and the workflow told afterwards. If the workflow cannot be told
 * (Temporal unreachable, or the workflow refuses), the version stays saved and the answer says
 * so (202, `submission.submitted: false`); `submitQuoteVersion` re-sends it. Re-sending is safe:
 * the update id is derived from the version id and the workflow ignores a version it has seen.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Actor } from '../auth/actor';
import type { Db, Prisma } from '../db/client';
import { formatBasisPoints, formatMoney, formatPartsPerMillion } from '../domain/money';
import { computeQuote, discountForApproval, type QuoteContent, type QuoteTotals } from '../domain/quote';
import { canonicalQuoteContent } from '../domain/quote-hash';
import { reviewPrices } from '../domain/quote-pricing';
import { requiredApprovals } from '../rules/evaluate-approvals';
import type { Ruleset } from '../rules/ruleset';
import { quoteVersionCreated, type QuoteApprovalStatus, type QuoteVersionNotice } from '../../workflows/dealMessages';
import { recordAudit } from '../db/audit-trail';
import { updateWorkflow } from './deal-commands';
import { findWritableDeal } from './deal-access';
import { LeadflowError } from '../domain/errors';
import { buildQuoteContent, isoDate, type QuoteDraftInput, type QuoteProvenance } from './quote-content';
import { findQuote, storedVersion, viewQuote, type QuoteView } from './quote-views';
import { isUniqueViolation } from '../db/unique-violation';

export interface QuoteDeps {
  db: Db;
  temporal: Client;
  /** The active ruleset (tax rates, validity, the approval matrix); throws `rules_unavailable` when there is none. */
  ruleset: () => Ruleset;
  now: () => Date;
}

/** Whether the deal's workflow has the version: its approval status, or why not and how to retry. */
export type QuoteSubmission =
  ({ submitted: true } & QuoteApprovalStatus) | { submitted: false; reason: string; retry: string };

export interface QuoteWriteResult {
  quote: QuoteView;
  /** False when the edit changed nothing: no version was made. */
  changed: boolean;
  submission: QuoteSubmission | null;
}

type DealRow = Awaited<ReturnType<typeof findWritableDeal>>;
type Tx = Prisma.TransactionClient;

/** Versions in these states stay what they are when a newer version replaces them. */
const FINAL_STATUSES = ['signed', 'expired'];
const NUMBER_ATTEMPTS = 5;

/** POST /api/deals/:dealId/quotes: a new quote, version 1. */
export async function createQuote(
  deps: QuoteDeps,
  actor: Actor,
  dealId: string,
  input: QuoteDraftInput,
): Promise<QuoteWriteResult> {
  const deal = await findWritableDeal(deps.db, actor, dealId);
  assertDealOpen(deal);
  const ruleset = deps.ruleset();
  const now = deps.now();
  const built = await buildQuoteContent(
    deps.db,
    { tenant: actor.tenant, author: actor, ruleset, today: isoDate(now) },
    input,
  );
  const version = versionRecord(built.content, ruleset);
  const quoteId = newId('qo');
  const versionId = newId('qv');
  let number = '';
  for (let attempt = 1; ; attempt++) {
    try {
      await deps.db.$transaction(async (tx) => {
        number = await nextQuoteNumber(tx, actor.tenant, now.getUTCFullYear());
        await tx.quote.create({
          data: {
            id: quoteId,
            tenant: actor.tenant,
            dealId: deal.id,
            number,
            templateName: built.provenance.template,
            createdBy: actor.email,
          },
        });
        await tx.quoteVersion.create({
          data: { id: versionId, quoteId, version: 1, createdBy: actor.email, ...version.data },
        });
        await auditVersion(
          tx,
          actor,
          { quoteId, number, dealId: deal.id, versionId, version: 1, at: now },
          version,
          built.provenance,
          'quote.created',
        );
      });
      break;
    } catch (error) {
      // Two quotes took the same number at once: the loser draws the next one.
      if (!isUniqueViolation(error) || attempt === NUMBER_ATTEMPTS) throw error;
    }
  }
  const submission = await submitToDeal(deps, actor, deal, {
    quoteId,
    number,
    versionId,
    version: 1,
    content: built.content,
    record: version,
  });
  return { quote: await viewQuote(deps.db, actor, quoteId), changed: true, submission };
}

/** PUT /api/quotes/:quoteId: the quote's next version, if `revision` is still the current one. */
export async function editQuote(
  deps: QuoteDeps,
  actor: Actor,
  quoteId: string,
  revision: number,
  input: QuoteDraftInput,
): Promise<QuoteWriteResult> {
  const quote = await findQuote(deps.db, actor, quoteId);
  const deal = await findWritableDeal(deps.db, actor, quote.dealId);
  assertDealOpen(deal);
  // The revision is checked once, atomically with its increment (below); an early check would only be a racy copy.
  const current = await deps.db.quoteVersion.findUniqueOrThrow({
    where: { quoteId_version: { quoteId, version: quote.currentVersion } },
  });
  assertEditable(quote.number, current);
  const ruleset = deps.ruleset();
  const now = deps.now();
  const previous = storedVersion(current).content;
  // An edit that names no template keeps the one the quote was built from.
  const built = await buildQuoteContent(
    deps.db,
    { tenant: actor.tenant, author: actor, ruleset, today: isoDate(now), previous },
    { ...input, template: input.template ?? quote.templateName ?? undefined },
  );
  const version = versionRecord(built.content, ruleset);
  if (version.contentHash === current.contentHash)
    return { quote: await viewQuote(deps.db, actor, quoteId), changed: false, submission: null };

  const next = quote.currentVersion + 1;
  const versionId = newId('qv');
  await deps.db.$transaction(async (tx) => {
    const claimed = await tx.quote.updateMany({
      where: { id: quoteId, revision },
      data: { revision: { increment: 1 }, currentVersion: next, templateName: built.provenance.template },
    });
    if (claimed.count === 0) {
      const latest = await tx.quote.findUniqueOrThrow({ where: { id: quoteId }, select: { revision: true } });
      throw stale(quote.number, latest.revision, revision);
    }
    const replaced = await tx.quoteVersion.findUniqueOrThrow({ where: { id: current.id } });
    assertEditable(quote.number, replaced);
    if (!FINAL_STATUSES.includes(replaced.status))
      await tx.quoteVersion.update({ where: { id: replaced.id }, data: { status: 'superseded' } });
    await tx.quoteVersion.create({
      data: { id: versionId, quoteId, version: next, createdBy: actor.email, ...version.data },
    });
    await auditVersion(
      tx,
      actor,
      { quoteId, number: quote.number, dealId: deal.id, versionId, version: next, at: now },
      version,
      built.provenance,
      'quote.version-created',
      current.version,
    );
  });
  const submission = await submitToDeal(deps, actor, deal, {
    quoteId,
    number: quote.number,
    versionId,
    version: next,
    content: built.content,
    record: version,
  });
  return { quote: await viewQuote(deps.db, actor, quoteId), changed: true, submission };
}

/**
 * POST /api/quotes/:quoteId/versions/:n/submit: (re-)sends the current version to the deal's
 * workflow, e.g. after a write answered 202 because Temporal was unreachable. Idempotent.
 */
export async function submitQuoteVersion(
  deps: QuoteDeps,
  actor: Actor,
  quoteId: string,
  version: number,
): Promise<QuoteApprovalStatus> {
  const quote = await findQuote(deps.db, actor, quoteId);
  const deal = await findWritableDeal(deps.db, actor, quote.dealId);
  if (version !== quote.currentVersion) {
    throw new LeadflowError(
      'conflict',
      `Version ${version} of quote ${quote.number} is not its current version (${quote.currentVersion}); only the current version goes to approval.`,
    );
  }
  const row = await deps.db.quoteVersion.findUniqueOrThrow({ where: { quoteId_version: { quoteId, version } } });
  const { content, totals } = storedVersion(row);
  return updateWorkflow(
    deps.temporal,
    deal.workflowId,
    quoteVersionCreated,
    [
      notice(actor, {
        quoteId,
        number: quote.number,
        versionId: row.id,
        version,
        content,
        totals,
        contentHash: row.contentHash,
      }),
    ],
    updateId(row.id),
  );
}

// ---- the version record ------------------------------------------------------------------------

interface VersionRecord {
  content: QuoteContent;
  totals: QuoteTotals;
  contentHash: string;
  discount: ReturnType<typeof discountForApproval>;
  data: {
    content: Prisma.InputJsonValue;
    totals: Prisma.InputJsonValue;
    contentHash: string;
    approvalDiscountBp: number;
    approvalTier: string | null;
    rulesetVersion: string;
  };
}

/** Totals, content hash and what the approval matrix makes of the discount, ready to store. */
function versionRecord(content: QuoteContent, ruleset: Ruleset): VersionRecord {
  const totals = computeQuote(content);
  const contentHash = createHash('sha256').update(canonicalQuoteContent(content)).digest('hex');
  const discount = discountForApproval(totals, content);
  const outcome = requiredApprovals(ruleset, {
    discountPct: discount.discountPct,
    dealSize: discount.dealSize,
  }).outcome;
  const approvalTier = outcome.kind === 'out-of-range' ? null : outcome.tier;
  return {
    content,
    totals,
    contentHash,
    discount,
    data: {
      content: content as unknown as Prisma.InputJsonValue,
      totals: totals as unknown as Prisma.InputJsonValue,
      contentHash,
      approvalDiscountBp: discount.discountBp,
      approvalTier,
      rulesetVersion: ruleset.version,
    },
  };
}

interface VersionRef {
  quoteId: string;
  number: string;
  dealId: string;
  versionId: string;
  version: number;
  at: Date;
}

async function auditVersion(
  tx: Tx,
  actor: Actor,
  ref: VersionRef,
  record: VersionRecord,
  provenance: QuoteProvenance,
  action: string,
  replaces?: number,
): Promise<void> {
  const { totals } = record;
  const money = (amount: number) => ({ minor: amount, formatted: formatMoney(amount, totals.currency) });
  await recordAudit(tx, {
    tenant: actor.tenant,
    subjectType: 'quote',
    subjectId: ref.quoteId,
    dealId: ref.dealId,
    action,
    actor: actor.email,
    reason:
      replaces === undefined ? `quote ${ref.number} created` : `version ${ref.version} replaces version ${replaces}`,
    details: {
      number: ref.number,
      version: ref.version,
      versionId: ref.versionId,
      contentHash: record.contentHash,
      totals: {
        list: money(totals.listTotalMinor),
        discount: money(totals.totalDiscountMinor),
        tax: money(totals.taxMinor),
        total: money(totals.totalMinor),
        tcv: money(totals.tcvMinor),
        acv: money(totals.acvMinor),
      },
      termMonths: totals.termMonths,
      discount: {
        bp: record.discount.discountBp,
        formatted: formatBasisPoints(record.discount.discountBp),
        source: record.discount.source,
        tier: record.data.approvalTier,
        effectiveAgainstList: formatBasisPoints(totals.effectiveDiscountBp),
      },
      priceOverrides: reviewPrices(record.content, totals).lines.flatMap((line) =>
        line.priceOverride
          ? [
              {
                lineId: line.lineId,
                sku: line.sku,
                list: line.listUnitPriceFormatted,
                quoted: line.unitPriceFormatted,
                effectiveDiscount: line.effectiveDiscount,
                ...line.priceOverride,
              },
            ]
          : [],
      ),
      tax: {
        region: provenance.tax.region,
        rate: formatPartsPerMillion(provenance.tax.rate),
        source: provenance.tax.source,
      },
      template: provenance.template,
      priceBook: provenance.priceBook,
      rulesetVersion: record.data.rulesetVersion,
    },
    occurredAt: ref.at,
    idempotencyKey: `quote-version:${ref.versionId}`,
  });
}

// ---- telling the deal workflow -----------------------------------------------------------------

interface NoticeInput {
  quoteId: string;
  number: string;
  versionId: string;
  version: number;
  content: QuoteContent;
  totals: QuoteTotals;
  contentHash: string;
}

function notice(actor: Actor, input: NoticeInput): QuoteVersionNotice {
  const discount = discountForApproval(input.totals, input.content);
  return {
    quoteId: input.quoteId,
    quoteNumber: input.number,
    versionId: input.versionId,
    version: input.version,
    contentHash: input.contentHash,
    discountPct: discount.discountPct,
    dealSize: discount.dealSize,
    validUntil: input.content.validUntil,
    actor: { email: actor.email, role: actor.role },
  };
}

const updateId = (versionId: string) => `quote-version-${versionId}`;

async function submitToDeal(
  deps: QuoteDeps,
  actor: Actor,
  deal: DealRow,
  saved: {
    quoteId: string;
    number: string;
    versionId: string;
    version: number;
    content: QuoteContent;
    record: VersionRecord;
  },
): Promise<QuoteSubmission> {
  const message = notice(actor, { ...saved, totals: saved.record.totals, contentHash: saved.record.contentHash });
  try {
    const status = await updateWorkflow(
      deps.temporal,
      deal.workflowId,
      quoteVersionCreated,
      [message],
      updateId(saved.versionId),
    );
    return { submitted: true, ...status };
  } catch (error) {
    if (!(error instanceof LeadflowError) || (error.code !== 'temporal_unavailable' && error.code !== 'conflict'))
      throw error;
    return {
      submitted: false,
      reason: `Version ${saved.version} is saved, but the deal's workflow has not taken it: ${error.message}`,
      retry: `POST /api/quotes/${saved.quoteId}/versions/${saved.version}/submit`,
    };
  }
}

// ---- checks and helpers ------------------------------------------------------------------------

function assertDealOpen(deal: DealRow): void {
  if (deal.stage === 'closed-won' || deal.stage === 'closed-lost') {
    throw new LeadflowError('not_allowed', `Deal ${deal.id} is ${deal.stage}: its quotes can no longer change.`);
  }
}

function assertEditable(number: string, version: { version: number; status: string }): void {
  if (version.status === 'signed') {
    throw new LeadflowError(
      'not_allowed',
      `Quote ${number} is signed (version ${version.version}): a signed quote is never edited; create a new quote instead.`,
    );
  }
}

function stale(number: string, current: number, sent: number): LeadflowError {
  return new LeadflowError(
    'stale_revision',
    `Quote ${number} is at revision ${current}, but the edit was made from revision ${sent}: reload the quote, apply the change again and send revision ${current}.`,
    {
      details: [{ path: 'revision', message: `the current revision is ${current}` }],
    },
  );
}

/** "Q-2026-0007": the next number of the tenant's year; the unique index settles races. */
async function nextQuoteNumber(tx: Tx, tenant: string, year: number): Promise<string> {
  const prefix = `Q-${year}-`;
  const taken = await tx.quote.findMany({
    where: { tenant, number: { startsWith: prefix } },
    select: { number: true },
  });
  const highest = taken.reduce(
    (max, { number }) => Math.max(max, Number.parseInt(number.slice(prefix.length), 10) || 0),
    0,
  );
  return `${prefix}${String(highest + 1).padStart(4, '0')}`;
}

function newId(prefix: 'qo' | 'qv'): string {
  return `${prefix}_${randomBytes(16).toString('base64url')}`;
}
