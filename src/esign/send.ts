/**
 * Sending a quote version for e-signature, for the deal journey's activity: render the version
 * (HTML and PDF, from its stored content and totals), hand it to the provider, and record the
 * SignatureRequest and a `signature.sent` audit entry.
 *
 * Idempotent per `idempotencyKey` at both ends: the provider makes at most one envelope per key
 * (a crash between its answer and our write is repaired by the retry), and the audit entry keyed
 * `signature.sent:<key>` makes a later call with the same key return the recorded envelope
 * without calling the provider.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../db/client';
import { renderQuoteHtml, type QuoteRenderInput } from '../domain/quote-render';
import type { QuoteContent, QuoteTotals } from '../domain/quote';
import { QUOTE_WORDS } from '../domain/quote-words';
import { renderQuotePdf } from '../quotes/render-quote-pdf';
import { recordAudit } from '../db/audit-trail';
import { LeadflowError } from '../domain/errors';
import type { SignatureProvider } from './adapter';
import { SignerSchema } from './fake-protocol';
import { quoteAudience } from '../usecases/quote-audience';
import { isUniqueViolation } from '../db/unique-violation';

export interface SendForSignatureDeps {
  db: Db;
  provider: SignatureProvider;
  /** leadflow's base URL; the provider is asked to deliver this envelope's events to its webhook there. */
  publicUrl: string;
  now?: () => Date;
}

export interface SendForSignatureInput {
  versionId: string;
  signer: { name: string; email: string };
  /** Who asked: a person's email (for the audit trail). */
  actor: string;
  /** Derived by the caller (the workflow), stable across retries of one request. */
  idempotencyKey: string;
}

export interface SignatureSent {
  signatureRequestId: string;
  provider: string;
  envelopeId: string;
  signingUrl: string | null;
  /** The request's status now: `sent`, or its outcome if the signer was quick. */
  status: string;
}

/** Quote versions that may go for signature; anything else is a `not_allowed` error. */
export const SIGNABLE_STATUSES = ['approved', 'sent'] as const;

const AUDIT_ACTION = 'signature.sent';

/** Sends a version for signature, or returns what an earlier call with the same key sent. */
export async function sendForSignature(
  deps: SendForSignatureDeps,
  input: SendForSignatureInput,
): Promise<SignatureSent> {
  const signer = SignerSchema.safeParse(input.signer);
  if (!signer.success) {
    throw new LeadflowError('validation_failed', 'The signer is invalid; see fields.', {
      details: signer.error.issues.map((i) => ({ path: ['signer', ...i.path].join('.'), message: i.message })),
    });
  }
  const auditKey = `${AUDIT_ACTION}:${input.idempotencyKey}`;
  const earlier = await deps.db.auditEvent.findUnique({
    where: { idempotencyKey: auditKey },
    select: { subjectId: true },
  });
  if (earlier) return describe(deps.db, earlier.subjectId, null);

  const version = await deps.db.quoteVersion.findUnique({
    where: { id: input.versionId },
    include: {
      quote: { include: { deal: { select: { id: true, tenant: true, leadId: true, accountId: true } } } },
    },
  });
  if (!version) throw new LeadflowError('not_found', `No quote version ${input.versionId}.`);
  if (!(SIGNABLE_STATUSES as readonly string[]).includes(version.status)) {
    throw new LeadflowError(
      'not_allowed',
      `Quote version ${version.quote.number} v${version.version} is ${version.status}; only an ${SIGNABLE_STATUSES.join(' or ')} version can go for signature.`,
    );
  }
  const deal = version.quote.deal;
  const content = storedContent(version.content, version.id);
  // The same language as the quote's email: the signer reads the document the customer was sent,
  // under a title in that language.
  const { language } = await quoteAudience(deps.db, deal, content);
  const render: QuoteRenderInput = {
    quoteNumber: version.quote.number,
    version: version.version,
    content,
    totals: storedTotals(version.totals, version.id),
    status: version.status,
    issuedAt: (version.sentAt ?? version.createdAt).toISOString(),
    language,
  };
  const { provider } = deps;
  const sent = await provider.send({
    idempotencyKey: input.idempotencyKey,
    document: {
      title: QUOTE_WORDS[language].envelopeTitle(version.quote.number, version.version),
      html: renderQuoteHtml(render),
      pdf: await renderQuotePdf(render),
    },
    signer: signer.data,
    metadata: { tenant: deal.tenant, dealId: deal.id, quoteVersionId: version.id },
    callbackUrl: `${deps.publicUrl.replace(/\/$/, '')}/api/webhooks/esign/${provider.name}`,
  });

  const id = signatureRequestId(provider.name, sent.envelopeId);
  const now = (deps.now ?? (() => new Date()))();
  await deps.db
    .$transaction(async (tx) => {
      await tx.signatureRequest.upsert({
        where: { provider_envelopeId: { provider: provider.name, envelopeId: sent.envelopeId } },
        create: {
          id,
          quoteVersionId: version.id,
          provider: provider.name,
          envelopeId: sent.envelopeId,
          signerName: signer.data.name,
          signerEmail: signer.data.email,
          sentAt: now,
        },
        update: {},
      });
      await recordAudit(tx, {
        tenant: deal.tenant,
        subjectType: 'signature',
        subjectId: id,
        dealId: deal.id,
        action: AUDIT_ACTION,
        actor: input.actor,
        details: {
          provider: provider.name,
          envelopeId: sent.envelopeId,
          quoteVersionId: version.id,
          quoteNumber: version.quote.number,
          version: version.version,
          signer: signer.data,
          signingUrl: sent.signingUrl ?? null,
        },
        occurredAt: now,
        idempotencyKey: auditKey,
      });
    })
    .catch((error: unknown) => {
      // A concurrent call with the same key won the race to the same rows: its result is ours.
      if (!isUniqueViolation(error)) throw error;
    });
  return describe(deps.db, id, sent.signingUrl ?? null);
}

/** The SignatureRequest id for an envelope: derived, so recording it twice is one row. */
export function signatureRequestId(provider: string, envelopeId: string): string {
  return `sig_${createHash('sha256').update(`${provider}\n${envelopeId}`).digest('base64url').slice(0, 22)}`;
}

async function describe(db: Db, id: string, signingUrl: string | null): Promise<SignatureSent> {
  const request = await db.signatureRequest.findUniqueOrThrow({ where: { id } });
  if (signingUrl === null) {
    const audit = await db.auditEvent.findFirst({
      where: { subjectType: 'signature', subjectId: id, action: AUDIT_ACTION },
      select: { details: true },
    });
    const recorded = (audit?.details as { signingUrl?: unknown } | undefined)?.signingUrl;
    signingUrl = typeof recorded === 'string' ? recorded : null;
  }
  return {
    signatureRequestId: id,
    provider: request.provider,
    envelopeId: request.envelopeId,
    signingUrl,
    status: request.status,
  };
}

/**
 * The stored content, checked for the parts rendering relies on. It was fully validated
 * (validateQuote) when the version was saved; this guards against a row of another shape.
 */
function storedContent(json: unknown, versionId: string): QuoteContent {
  const shape = z.looseObject({
    currency: z.string(),
    seller: z.looseObject({ name: z.string() }),
    customer: z.looseObject({ company: z.string() }),
    lines: z.array(
      z.looseObject({
        id: z.string(),
        name: z.string(),
        quantity: z.number(),
        unitPriceMinor: z.number(),
        discountBp: z.number(),
      }),
    ),
    overallDiscountBp: z.number(),
    taxRegion: z.string(),
    paymentTerms: z.string(),
    validUntil: z.string(),
  });
  const parsed = shape.safeParse(json);
  if (!parsed.success)
    throw new LeadflowError(
      'internal',
      `Quote version ${versionId} has unreadable content (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}).`,
    );
  return parsed.data as unknown as QuoteContent;
}

/** A stored amount: computeQuote's number, or the same as a decimal string. */
const Minor = z
  .union([
    z.number(),
    z
      .string()
      .regex(/^-?\d+$/)
      .transform(Number),
  ])
  .pipe(z.number().refine(Number.isSafeInteger, 'must be a whole number of minor units'));

const TotalsSchema = z.looseObject({
  currency: z.string(),
  lines: z.array(z.looseObject({ lineId: z.string(), grossMinor: Minor, discountMinor: Minor, netMinor: Minor })),
  listTotalMinor: Minor,
  subtotalMinor: Minor,
  overallDiscountMinor: Minor,
  totalDiscountMinor: Minor,
  taxableMinor: Minor,
  taxMinor: Minor,
  totalMinor: Minor,
  effectiveDiscountBp: z.number(),
});

/** The stored totals (computeQuote's QuoteTotals). */
function storedTotals(json: unknown, versionId: string): QuoteTotals {
  const parsed = TotalsSchema.safeParse(json);
  if (!parsed.success)
    throw new LeadflowError(
      'internal',
      `Quote version ${versionId} has unreadable totals (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}).`,
    );
  return parsed.data as unknown as QuoteTotals;
}
