/**
 * The port through which leadflow hands an email to a mail server. The send activity depends on
 * this interface only; `smtp-mailer.ts` implements it with nodemailer over SMTP.
 */

/** One email, fully rendered, with the Message-ID the caller chose. */
export interface OutgoingEmail {
  /** `<…@…>`, derived from the idempotency key so every attempt of one email carries the same id. */
  messageId: string;
  /** `Name <address>` or a bare address. */
  from: string;
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** Extra headers, e.g. `List-Unsubscribe`. */
  headers?: Record<string, string>;
  attachments?: EmailAttachment[];
  /** A calendar invitation (iTIP): sent as a `text/calendar; method=…` alternative and as invite.ics. */
  calendar?: CalendarPart;
}

/** An iCalendar object and its iTIP method, which the Content-Type repeats. */
export interface CalendarPart {
  method: 'REQUEST' | 'CANCEL';
  content: string;
}

/** A file sent with an email, e.g. a quote's PDF. */
export interface EmailAttachment {
  filename: string;
  /** MIME type, e.g. `application/pdf`. */
  contentType: string;
  content: Uint8Array;
}

/** The server accepted the message for delivery. */
export interface DeliveryReceipt {
  messageId: string;
  /** The server's final reply, e.g. `250 OK: queued as 1A2B`. */
  response: string;
}

/**
 * Why a delivery did not end in an acceptance, from the only point of view that matters for
 * exactly-once: could the server have the message?
 * - `transient`: certainly not delivered (no connection, a 4xx reply, a drop before the message
 *   body was sent); the same message may be sent again.
 * - `rejected`: certainly not delivered, and it never will be (a 5xx reply).
 * - `ambiguous`: the connection broke after the message body started, before the server's reply;
 *   it may have been delivered, so sending it again risks a duplicate.
 */
export type DeliveryFailureKind = 'transient' | 'rejected' | 'ambiguous';

export class MailDeliveryError extends Error {
  override readonly name = 'MailDeliveryError';
  readonly kind: DeliveryFailureKind;
  /** The SMTP reply code, when the server gave one. */
  readonly responseCode?: number;
  /** The transport's error code, e.g. nodemailer's `ECONNECTION`, `ETIMEDOUT`, `EENVELOPE`. */
  readonly code?: string;
  constructor(
    kind: DeliveryFailureKind,
    message: string,
    options: { cause?: unknown; responseCode?: number; code?: string } = {},
  ) {
    super(message, { cause: options.cause });
    this.kind = kind;
    this.responseCode = options.responseCode;
    this.code = options.code;
  }
}

/** Delivers emails. Implementations throw {@link MailDeliveryError} for every failure they can classify. */
export interface Mailer {
  send(email: OutgoingEmail): Promise<DeliveryReceipt>;
  /** Releases connections; in-flight sends finish first. */
  close(): Promise<void>;
}
