/**
 * The e-signature webhook, as a use-case: authenticate the delivery, apply the event to the
 * signature request once, and tell the deal's journey. Writes are ordered so that a delivery
 * that fails half-way (Temporal down → 503) is completed by the provider's redelivery:
 *
 *   verify → seen before? (audit key) → update SignatureRequest → signal the deal → audit entry
 *
 * The audit entry, keyed `esign:<provider>:<eventId>`, is the "processed" mark and is written
 * last. A redelivery after a failed signal therefore signals again: the journey receives
 * `signatureCompleted` at least once and treats a repeat for the same envelope as a no-op.
 */
import type { Client } from '@temporalio/client';
import type { Db } from '../db/client';
import type { Logger } from '../logger';
import { signatureCompleted, type SignatureEvent } from '../../workflows/dealMessages';
import { recordAudit } from '../db/audit-trail';
import { isTemporalUnavailable } from '../usecases/availability';
import { LeadflowError } from '../domain/errors';
import {
  SignatureWebhookError,
  type SignatureOutcome,
  type SignatureProvider,
  type SignatureWebhookEvent,
} from './adapter';
import { isUniqueViolation } from '../db/unique-violation';

export interface ReceiveSignatureDeps {
  db: Db;
  temporal: Pick<Client, 'workflow' | 'withDeadline'>;
  /** The configured adapters, by name. */
  providers: readonly SignatureProvider[];
  logger?: Pick<Logger, 'warn'>;
}

/** One webhook delivery as it arrived. */
export interface SignatureDelivery {
  providerName: string;
  rawBody: Buffer;
  headers: Record<string, string | undefined>;
}

export interface SignatureEventReceipt {
  /** processed: applied now; duplicate: this event was processed before; ignored: it contradicts the recorded outcome. */
  outcome: 'processed' | 'duplicate' | 'ignored';
  eventId: string;
  signatureRequestId: string;
  /** The signature request's status after this delivery. */
  status: string;
  /** Whether this delivery signalled the deal's journey (false for a duplicate, or when the journey is not running). */
  dealNotified: boolean;
}

/** What an event does to a signature request in state `current`. */
export function decideSignatureUpdate(current: string, incoming: SignatureOutcome): 'apply' | 'repeat' | 'contradicts' {
  if (current === 'sent') return 'apply';
  return current === incoming ? 'repeat' : 'contradicts';
}

/** Handles one delivery; throws LeadflowError unauthorized / validation_failed / not_found / temporal_unavailable. */
export async function receiveSignatureEvent(
  deps: ReceiveSignatureDeps,
  delivery: SignatureDelivery,
): Promise<SignatureEventReceipt> {
  const provider = deps.providers.find((p) => p.name === delivery.providerName);
  if (!provider) {
    const names = deps.providers.map((p) => p.name).join(', ') || 'none';
    throw new LeadflowError(
      'not_found',
      `No e-signature provider "${delivery.providerName}" is configured here (configured: ${names}); deliver to /api/webhooks/esign/<provider>.`,
    );
  }
  const event = verify(provider, delivery);
  const idempotencyKey = `esign:${provider.name}:${event.eventId}`;
  const seen = await deps.db.auditEvent.findUnique({ where: { idempotencyKey }, select: { subjectId: true } });
  if (seen) return duplicateReceipt(deps.db, event.eventId, seen.subjectId);

  const request = await deps.db.signatureRequest.findUnique({
    where: { provider_envelopeId: { provider: provider.name, envelopeId: event.envelopeId } },
    include: {
      quoteVersion: {
        select: { id: true, quote: { select: { deal: { select: { id: true, tenant: true, workflowId: true } } } } },
      },
    },
  });
  if (!request)
    throw new LeadflowError(
      'not_found',
      `No signature request for envelope ${event.envelopeId} of provider "${provider.name}": it was not sent by leadflow, or its record was deleted.`,
    );
  const deal = request.quoteVersion.quote.deal;
  const audit = {
    tenant: deal.tenant,
    subjectType: 'signature' as const,
    subjectId: request.id,
    dealId: deal.id,
    idempotencyKey,
  };
  const details = {
    provider: provider.name,
    envelopeId: event.envelopeId,
    eventId: event.eventId,
    quoteVersionId: request.quoteVersionId,
    at: event.at,
  };

  const status = await applyEvent(deps.db, request, event);
  if (status !== event.status) {
    await recordOnce(deps.db, {
      ...audit,
      action: 'signature.event-ignored',
      actor: 'system',
      reason: `the envelope is already ${status}; the provider reported ${event.status}`,
      details,
      occurredAt: new Date(),
    });
    return { outcome: 'ignored', eventId: event.eventId, signatureRequestId: request.id, status, dealNotified: false };
  }
  const signal: SignatureEvent = {
    provider: provider.name,
    envelopeId: event.envelopeId,
    versionId: request.quoteVersionId,
    status: event.status,
    at: event.at,
  };
  const dealNotified = await notifyDeal(deps, deal, signal);
  const actor = event.status === 'voided' ? 'system' : request.signerEmail;
  const fresh = await recordOnce(deps.db, {
    ...audit,
    action: `signature.${event.status}`,
    actor,
    details: { ...details, dealNotified },
    occurredAt: new Date(event.at),
  });
  return {
    outcome: fresh ? 'processed' : 'duplicate',
    eventId: event.eventId,
    signatureRequestId: request.id,
    status,
    dealNotified,
  };
}

function verify(provider: SignatureProvider, delivery: SignatureDelivery): SignatureWebhookEvent {
  try {
    return provider.verifyWebhook(delivery.rawBody, delivery.headers);
  } catch (error) {
    if (!(error instanceof SignatureWebhookError)) throw error;
    switch (error.problem) {
      case 'missing-signature':
      case 'bad-signature':
      case 'stale-timestamp':
        throw new LeadflowError('unauthorized', `Webhook refused (${error.problem}): ${error.message}`, {
          cause: error,
        });
      case 'malformed-body':
        throw new LeadflowError('validation_failed', `Webhook refused (${error.problem}): ${error.message}`, {
          cause: error,
          details: [{ path: '(body)', message: error.message }],
        });
    }
  }
}

/** Records the outcome on the request if it is still open; returns the request's status afterwards. */
async function applyEvent(
  db: Db,
  request: { id: string; status: string },
  event: SignatureWebhookEvent,
): Promise<string> {
  if (decideSignatureUpdate(request.status, event.status) !== 'apply') return request.status;
  const { count } = await db.signatureRequest.updateMany({
    where: { id: request.id, status: 'sent' },
    data: { status: event.status, completedAt: new Date(event.at) },
  });
  if (count === 1) return event.status;
  // Another delivery finished the request between our read and write.
  const now = await db.signatureRequest.findUniqueOrThrow({ where: { id: request.id }, select: { status: true } });
  return now.status;
}

async function notifyDeal(
  deps: ReceiveSignatureDeps,
  deal: { id: string; workflowId: string },
  signal: SignatureEvent,
): Promise<boolean> {
  try {
    // A signal is one quick call: 5 s without an answer means Temporal is away, and the
    // provider's redelivery is a better retry than keeping its request open.
    await deps.temporal.withDeadline(Date.now() + 5_000, () =>
      deps.temporal.workflow.getHandle(deal.workflowId).signal(signatureCompleted, signal),
    );
    return true;
  } catch (error) {
    if ((error as { name?: string }).name === 'WorkflowNotFoundError') {
      deps.logger?.warn(
        { dealId: deal.id, workflowId: deal.workflowId, envelopeId: signal.envelopeId },
        'e-signature event recorded, but the deal journey is not running',
      );
      return false;
    }
    if (isTemporalUnavailable(error)) {
      throw new LeadflowError(
        'temporal_unavailable',
        `The workflow engine (Temporal) is unreachable: the signature is recorded but deal ${deal.id} was not told. Redeliver shortly.`,
        { cause: error },
      );
    }
    throw error;
  }
}

/** recordAudit, where losing a race with a concurrent redelivery counts as "already recorded". */
async function recordOnce(db: Db, entry: Parameters<typeof recordAudit>[1]): Promise<boolean> {
  try {
    return await recordAudit(db, entry);
  } catch (error) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}

async function duplicateReceipt(db: Db, eventId: string, signatureRequestId: string): Promise<SignatureEventReceipt> {
  const request = await db.signatureRequest.findUnique({ where: { id: signatureRequestId }, select: { status: true } });
  return {
    outcome: 'duplicate',
    eventId,
    signatureRequestId,
    status: request?.status ?? 'unknown',
    dealNotified: false,
  };
}
