/**
 * The SMTP implementation of {@link Mailer}, on nodemailer's SMTPConnection: one connection per
 * email (connect, STARTTLS when offered, log in, send, QUIT).
 *
 * It drives the connection itself rather than `createTransport().sendMail()` because exactly-once
 * needs one fact the transport does not report: whether the failure happened before or after
 * the message body started to go out. The body is handed over as a stream that nodemailer only
 * reads after the server answered DATA with 354; a connection error before that first read
 * means the server cannot have the message.
 */
import { Readable } from 'node:stream';
import MailComposer from 'nodemailer/lib/mail-composer';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { MailDeliveryError, type DeliveryReceipt, type Mailer, type OutgoingEmail } from './mailer';

export interface SmtpMailerOptions {
  host: string;
  port: number;
  /** TLS from the first byte (`smtps://`, usually port 465). Otherwise STARTTLS is used when offered. */
  secure: boolean;
  auth?: { user: string; pass: string };
  /** Milliseconds to open the connection, and to wait for the greeting. Default 10 s. */
  connectionTimeout?: number;
  /** Milliseconds of silence from the server before the send is given up. Default 60 s. */
  socketTimeout?: number;
}

/** A {@link Mailer} that talks SMTP to the given server. */
export function createSmtpMailer(options: SmtpMailerOptions): Mailer {
  const inFlight = new Set<Promise<unknown>>();
  return {
    send(email) {
      const sending = deliver(options, email);
      inFlight.add(sending);
      void sending.finally(() => inFlight.delete(sending)).catch(() => undefined);
      return sending;
    },
    async close() {
      await Promise.allSettled([...inFlight]);
    },
  };
}

async function deliver(options: SmtpMailerOptions, email: OutgoingEmail): Promise<DeliveryReceipt> {
  const mime = new MailComposer({
    from: email.from,
    to: email.to,
    subject: email.subject,
    text: email.text,
    html: email.html,
    messageId: email.messageId,
    headers: email.headers,
    attachments: email.attachments?.map((file) => ({
      filename: file.filename,
      contentType: file.contentType,
      content: Buffer.from(file.content),
    })),
    icalEvent: email.calendar
      ? { method: email.calendar.method, content: email.calendar.content, filename: 'invite.ics' }
      : undefined,
  }).compile();
  const envelope = mime.getEnvelope();
  const message = await mime.build();
  let bodyStarted = false;
  const body = new Readable({
    read() {
      bodyStarted = true;
      this.push(message);
      this.push(null);
    },
  });

  const connection = new SMTPConnection({
    host: options.host,
    port: options.port,
    secure: options.secure,
    connectionTimeout: options.connectionTimeout ?? 10_000,
    greetingTimeout: options.connectionTimeout ?? 10_000,
    socketTimeout: options.socketTimeout ?? 60_000,
    logger: false,
  });

  return new Promise<DeliveryReceipt>((resolve, reject) => {
    let settled = false;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      connection.close();
      reject(classify(error, bodyStarted, `${options.host}:${options.port}`));
    };
    connection.on('error', fail);
    connection.once('end', () =>
      fail(Object.assign(new Error('Connection closed unexpectedly'), { code: 'ECONNECTION' })),
    );
    connection.connect((connectError) => {
      if (connectError) return fail(connectError);
      const send = () =>
        connection.send({ from: envelope.from || undefined, to: envelope.to }, body, (sendError, info) => {
          if (sendError) return fail(sendError);
          settled = true;
          connection.quit();
          resolve({ messageId: email.messageId, response: info.response });
        });
      if (!options.auth) return send();
      connection.login(options.auth, (loginError) => (loginError ? fail(loginError) : send()));
    });
  });
}

interface SmtpError {
  message?: string;
  code?: string;
  responseCode?: number;
  permanent?: boolean;
}

/**
 * Sorts a nodemailer error into what exactly-once needs to know (see DeliveryFailureKind).
 * A server reply is definitive: 5xx (except 503, which nodemailer marks not permanent) is a
 * rejection, anything else means "not now". A failed login is transient whatever its code: the
 * message was not refused, the credentials were, and the send should succeed once they are fixed.
 * Without a reply, only the point of failure matters: before the body, nothing was delivered.
 */
export function classify(error: unknown, bodyStarted: boolean, server: string): MailDeliveryError {
  const e: SmtpError = typeof error === 'object' && error !== null ? error : { message: String(error) };
  const detail = { cause: error, code: e.code, responseCode: e.responseCode };
  const what = `SMTP server ${server}: ${e.message ?? 'unknown error'}${e.code ? ` (${e.code})` : ''}`;
  if (e.responseCode && e.code !== 'EAUTH') {
    return e.responseCode >= 500 && e.permanent !== false
      ? new MailDeliveryError('rejected', `${what}; the server refused the message for good.`, detail)
      : new MailDeliveryError('transient', `${what}; the server asked to try again later.`, detail);
  }
  if (bodyStarted) {
    return new MailDeliveryError(
      'ambiguous',
      `${what}; the connection broke while the message was being transmitted, so it may have been delivered.`,
      detail,
    );
  }
  return new MailDeliveryError('transient', `${what}; nothing was delivered.`, detail);
}
