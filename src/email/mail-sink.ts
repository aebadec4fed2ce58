/**
 * The embedded mail server for `npm start` and tests: a real SMTP server on 127.0.0.1 that
 * accepts every message and keeps it in a {@link Mailbox} instead of delivering it. Email goes
 * through the same SMTP code path as in production, and what "arrived" can be read back.
 *
 * Recipients in the reserved `.invalid` top-level domain (RFC 2606) are refused with a 550, as
 * a real server would refuse them: that is how to exercise bounces locally
 * (`jane@bounce.invalid`).
 */
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { Logger } from '../logger';
import { openMailbox, type Mailbox } from './mailbox';

export interface MailSinkOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Folder of the mailbox; messages already there are listed too. */
  dir: string;
  logger: Logger;
  /** Largest message accepted, in bytes (default 25 MB). */
  maxSize?: number;
}

export interface MailSink extends Mailbox {
  name: 'mail-sink';
  host: string;
  port: number;
  /** `smtp://127.0.0.1:<port>` */
  url: string;
  stop(): Promise<void>;
}

export class MailSinkPortInUseError extends Error {
  override readonly name = 'MailSinkPortInUseError';
}

/** Starts the sink; resolves once it listens. */
export async function startMailSink(options: MailSinkOptions): Promise<MailSink> {
  const { logger } = options;
  const mailbox = await openMailbox(options.dir, (file, problem) =>
    logger.warn({ file, problem }, 'mailbox: skipped an unreadable message index file'),
  );
  const server = new SMTPServer({
    name: 'leadflow-mail-sink',
    banner: 'leadflow mail sink: accepts everything, delivers nothing',
    logger: false,
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    allowInsecureAuth: true,
    size: options.maxSize ?? 25 * 1024 * 1024,
    closeTimeout: 1_000,
    onAuth: (auth, _session, callback) => callback(null, { user: auth.username ?? 'anonymous' }),
    onRcptTo: (address, _session, callback) => {
      if (/\.invalid$/i.test(address.address))
        return callback(
          smtpError(550, `5.1.1 <${address.address}>: mailbox unavailable (.invalid never receives mail)`),
        );
      callback();
    },
    onData: (stream, session, callback) => {
      receive(stream, session).then(
        (id) => callback(null, `OK: stored as ${id}`),
        (error: unknown) => {
          logger.error({ err: error }, 'mail sink could not store a message');
          callback(smtpError(451, '4.3.0 could not store the message, try again'));
        },
      );
    },
  });

  async function receive(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    if (stream.sizeExceeded) throw smtpError(552, '5.3.4 message too big');
    const raw = Buffer.concat(chunks);
    const envelope = {
      from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
      to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
    };
    const message = await mailbox.save({ raw, parsed: await simpleParser(raw), envelope, receivedAt: new Date() });
    logger.info(
      { mailId: message.id, to: envelope.to, subject: message.subject, messageId: message.messageId },
      'mail sink received an email',
    );
    return message.id;
  }

  server.on('error', (error) => logger.warn({ err: error }, 'mail sink connection error'));
  const port = await new Promise<number>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new MailSinkPortInUseError(
              `The embedded mail server cannot listen on ${options.host}:${options.port}: the port is in use. Set LEADFLOW_SMTP_PORT to a free port, or SMTP_URL to a real mail server.`,
              { cause: error },
            )
          : error,
      );
    };
    server.server.once('error', onError);
    server.listen(options.port, options.host, () => {
      server.server.off('error', onError);
      resolve((server.server.address() as AddressInfo).port);
    });
  });
  logger.info({ smtp: `smtp://${options.host}:${port}`, mailbox: options.dir }, 'embedded mail server listening');

  return {
    name: 'mail-sink',
    host: options.host,
    port,
    url: `smtp://${options.host}:${port}`,
    list: (filter) => mailbox.list(filter),
    get: (id) => mailbox.get(id),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function smtpError(responseCode: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode });
}
