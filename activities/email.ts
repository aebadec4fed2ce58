import { ApplicationFailure } from '@temporalio/activity';
import type { Db } from '../src/db/client';
import { normalizeEmail } from '../src/domain/lead';
import { MailDeliveryError, type CalendarPart, type EmailAttachment, type Mailer } from '../src/email/mailer';
import { messageIdFor } from '../src/email/message-id';
import type { UnsubscribeLinks } from '../src/email/unsubscribe-link';
import { recordEmail, type EmailOutcome } from '../src/metrics/instruments';

export interface EmailActivityDeps {
  db: Db;
  mailer: Mailer;
  /** The From header, `MAIL_FROM`. */
  from: string;
  /** Signs the List-Unsubscribe link of marketing email; without it a marketing email fails (non-retryable). */
  unsubscribe?: UnsubscribeLinks;
}

/**
 * What an email is, for the rules that differ:
 * - `marketing`: a cadence email to a lead. It carries `List-Unsubscribe` (the lead's signed link)
 *   and `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058), and it is not sent to a
 *   suppressed address; the check runs at send time, so mail queued before the unsubscribe is held.
 * - `transactional`: something the recipient asked for (a quote): sent even to a suppressed address.
 * - `internal`: to leadflow's own people (notifications, approvals).
 */
export type EmailKind = 'marketing' | 'transactional' | 'internal';

export interface SendEmailInput {
  /** One email, one key, forever: a cadence step's key is e.g. `${enrolmentId}:step:${index}`. */
  idempotencyKey: string;
  leadId?: string;
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** The cadences.yaml template it was rendered from, for the record. */
  template?: string;
  /** Extra headers. */
  headers?: Record<string, string>;
  /**
   * See {@link EmailKind}; `marketing` needs `leadId`. Absent (inputs recorded before kinds
   * existed): `marketing` when the email names a cadence template, else `internal`.
   */
  kind?: EmailKind;
  /** A meeting invitation, update or cancellation (not stored: a retry is given it again). */
  calendar?: CalendarPart;
}

/**
 * - `sent`: the server accepted the message; `duplicate` when an earlier attempt had already sent
 *   it and nothing was sent now.
 * - `unknown`: an earlier attempt was interrupted after handing the message to the server and
 *   before recording the result. It may or may not have arrived; it is not sent again.
 */
export type SendEmailResult =
  | { status: 'sent'; idempotencyKey: string; messageId: string; sentAt: string; duplicate: boolean }
  | { status: 'unknown'; idempotencyKey: string; messageId: string; reason: string }
  | { status: 'suppressed'; idempotencyKey: string; reason: string };

/** The failure types a workflow sees, for its retry policy and its handling of a bounce. */
export const EmailFailure = {
  /** Retryable: the server was unreachable or asked to try later; the row is `pending` again. */
  unavailable: 'EmailServerUnavailable',
  /** Non-retryable: the server refused the message (5xx); the row is `failed`. */
  rejected: 'EmailRejected',
  /** Non-retryable: `leadId` names no lead; nothing was recorded or sent. */
  leadNotFound: 'LeadNotFound',
  /** Non-retryable: the row has a status this code does not know; nothing was sent. */
  invalidState: 'EmailStateInvalid',
  /** Non-retryable: a marketing email without a lead, or with no way to sign its unsubscribe link. */
  unsubscribeMissing: 'UnsubscribeLinkMissing',
} as const;

type OutboundEmailRow = NonNullable<Awaited<ReturnType<Db['outboundEmail']['findUnique']>>>;

/** How each kind of SMTP failure is counted in `leadflow_emails_total`. */
const OUTCOME_OF_FAILURE = {
  transient: 'deferred',
  rejected: 'failed',
  ambiguous: 'unknown',
} as const satisfies Record<MailDeliveryError['kind'], EmailOutcome>;

/** The outbox: {@link createOutbox}. Activities that compose email with attachments send through it. */
export type Outbox = ReturnType<typeof createOutbox>;

/** The `sendEmail` activity: one email through the outbox. */
export function createEmailActivities(deps: EmailActivityDeps, outbox: Outbox = createOutbox(deps)) {
  return {
    /** Sends one email at most once per idempotency key; see {@link createOutbox}. */
    sendEmail: (input: SendEmailInput): Promise<SendEmailResult> => outbox.send(input),
  };
}

/**
 * Email sending, exactly once per idempotency key as far as SMTP allows.
 *
 * The `OutboundEmail` row is written with status `sending` BEFORE the SMTP conversation and set
 * to `sent` after it. A retry therefore knows what the previous attempt got to:
 * - `sent`: done, return it, send nothing.
 * - `sending`: the previous attempt died between handing the message over and recording it
 *   (a worker crash, a lost database connection). Whether it arrived cannot be known from here, so
 *   it is marked `unknown` and NOT sent again: for a sales email, one missing touch is much
 *   cheaper than a prospect receiving the same email twice (at-most-once in that window).
 * - `pending`: the previous attempt failed before the server could have the message; send it.
 * - `failed` / `unknown`: final; reported again without sending.
 * - `suppressed`: a marketing email whose address had unsubscribed when it was due; final.
 */
export function createOutbox(deps: EmailActivityDeps) {
  const { db, mailer, from } = deps;

  async function claim(input: SendEmailInput, messageId: string): Promise<OutboundEmailRow | 'claimed'> {
    try {
      await db.outboundEmail.create({
        data: {
          id: input.idempotencyKey,
          leadId: input.leadId ?? null,
          toAddress: input.to,
          fromAddress: from,
          subject: input.subject,
          text: input.text,
          html: input.html ?? null,
          template: input.template ?? null,
          status: 'sending',
          messageId,
        },
      });
      return 'claimed';
    } catch (error) {
      if (prismaCode(error) === 'P2003') {
        throw ApplicationFailure.nonRetryable(
          `email ${input.idempotencyKey}: lead ${input.leadId ?? ''} does not exist`,
          EmailFailure.leadNotFound,
        );
      }
      if (prismaCode(error) !== 'P2002') throw error;
    }
    const row = await db.outboundEmail.findUniqueOrThrow({ where: { id: input.idempotencyKey } });
    if (row.status !== 'pending') return row;
    const { count } = await db.outboundEmail.updateMany({
      where: { id: row.id, status: 'pending' },
      data: { status: 'sending', error: null },
    });
    return count === 1 ? 'claimed' : db.outboundEmail.findUniqueOrThrow({ where: { id: row.id } });
  }

  async function settle(row: OutboundEmailRow, kind: EmailKind): Promise<SendEmailResult> {
    switch (row.status) {
      case 'sent':
        return {
          status: 'sent',
          idempotencyKey: row.id,
          messageId: row.messageId ?? '',
          sentAt: (row.sentAt ?? row.createdAt).toISOString(),
          duplicate: true,
        };
      case 'sending': {
        const reason =
          'an earlier attempt was interrupted after handing the message to the SMTP server; it is not sent again, so it may not have arrived';
        const { count } = await db.outboundEmail.updateMany({
          where: { id: row.id, status: 'sending' },
          data: { status: 'unknown', error: reason },
        });
        if (count === 1) recordEmail(kind, row.template ?? undefined, 'unknown');
        return { status: 'unknown', idempotencyKey: row.id, messageId: row.messageId ?? '', reason };
      }
      case 'unknown':
        return {
          status: 'unknown',
          idempotencyKey: row.id,
          messageId: row.messageId ?? '',
          reason: row.error ?? 'delivery outcome unknown',
        };
      case 'suppressed':
        return { status: 'suppressed', idempotencyKey: row.id, reason: row.error ?? 'the address is suppressed' };
      case 'failed':
        throw ApplicationFailure.nonRetryable(row.error ?? `email ${row.id} was rejected`, EmailFailure.rejected);
      default:
        throw ApplicationFailure.nonRetryable(
          `email ${row.id} has the unexpected status "${row.status}" (expected pending, sending, sent, failed or unknown)`,
          EmailFailure.invalidState,
        );
    }
  }

  async function recordFailure(
    input: SendEmailInput & { kind: EmailKind },
    messageId: string,
    error: MailDeliveryError,
  ): Promise<SendEmailResult> {
    const key = input.idempotencyKey;
    recordEmail(input.kind, input.template, OUTCOME_OF_FAILURE[error.kind]);
    switch (error.kind) {
      case 'transient':
        await db.outboundEmail.update({ where: { id: key }, data: { status: 'pending', error: error.message } });
        throw ApplicationFailure.create({
          message: error.message,
          type: EmailFailure.unavailable,
          nonRetryable: false,
          cause: error,
        });
      case 'rejected':
        await db.outboundEmail.update({ where: { id: key }, data: { status: 'failed', error: error.message } });
        throw ApplicationFailure.create({
          message: error.message,
          type: EmailFailure.rejected,
          nonRetryable: true,
          cause: error,
          details: [{ responseCode: error.responseCode }],
        });
      case 'ambiguous':
        await db.outboundEmail.update({ where: { id: key }, data: { status: 'unknown', error: error.message } });
        return { status: 'unknown', idempotencyKey: key, messageId, reason: error.message };
    }
  }

  /**
   * Marketing email only: the `List-Unsubscribe` headers, or a non-retryable failure when the
   * email cannot carry a working link (every marketing email must).
   */
  function unsubscribeHeaders(input: SendEmailInput): Record<string, string> {
    if (!input.leadId || !deps.unsubscribe)
      throw ApplicationFailure.nonRetryable(
        `email ${input.idempotencyKey} is marketing email and must carry an unsubscribe link, but ${input.leadId ? 'this worker cannot sign links' : 'it names no lead'}`,
        EmailFailure.unsubscribeMissing,
      );
    return {
      'List-Unsubscribe': `<${deps.unsubscribe.urlFor(input.leadId)}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    };
  }

  /** Marketing email to a suppressed address is recorded `suppressed` and not sent. */
  async function suppression(input: SendEmailInput): Promise<SendEmailResult | null> {
    const lead = await db.lead.findUnique({ where: { id: input.leadId ?? '' }, select: { tenant: true } });
    const email = normalizeEmail(input.to);
    const row = lead
      ? await db.emailSuppression.findUnique({ where: { tenant_email: { tenant: lead.tenant, email } } })
      : null;
    if (!row) return null;
    const reason = `${email} unsubscribed on ${row.createdAt.toISOString()} (${row.source}); marketing email is not sent to it`;
    await db.outboundEmail.updateMany({
      where: { id: input.idempotencyKey, status: 'sending' },
      data: { status: 'suppressed', error: reason },
    });
    recordEmail('marketing', input.template, 'suppressed');
    return { status: 'suppressed', idempotencyKey: input.idempotencyKey, reason };
  }

  return {
    /**
     * Sends one email at most once per idempotency key. `attachments` are not stored: a retry is
     * given them again by its caller (they are rendered from stored data).
     */
    async send(input: SendEmailInput, attachments: EmailAttachment[] = []): Promise<SendEmailResult> {
      const kind = input.kind ?? (input.template ? 'marketing' : 'internal');
      const headers = kind === 'marketing' ? { ...input.headers, ...unsubscribeHeaders(input) } : input.headers;
      const messageId = messageIdFor(input.idempotencyKey, from);
      const claimed = await claim(input, messageId);
      if (claimed !== 'claimed') return settle(claimed, kind);
      if (kind === 'marketing') {
        const suppressed = await suppression(input);
        if (suppressed) return suppressed;
      }
      try {
        await mailer.send({
          messageId,
          from,
          to: input.to,
          subject: input.subject,
          text: input.text,
          html: input.html,
          headers,
          attachments: attachments.length > 0 ? attachments : undefined,
          calendar: input.calendar,
        });
      } catch (error) {
        // Anything unclassified is treated like a crash: the row stays `sending`, the retry marks it `unknown`.
        if (!(error instanceof MailDeliveryError)) throw error;
        return recordFailure({ ...input, kind }, messageId, error);
      }
      const sentAt = new Date();
      // `unknown` too: a retry that gave up on a slow attempt must not hide that it did arrive.
      await db.outboundEmail.updateMany({
        where: { id: input.idempotencyKey, status: { in: ['sending', 'unknown'] } },
        data: { status: 'sent', messageId, sentAt, error: null },
      });
      recordEmail(kind, input.template, 'sent');
      return {
        status: 'sent',
        idempotencyKey: input.idempotencyKey,
        messageId,
        sentAt: sentAt.toISOString(),
        duplicate: false,
      };
    },
  };
}

function prismaCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
    ? error.code
    : undefined;
}
