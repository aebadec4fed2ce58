/** Real SMTP servers for the email tests: the embedded sink, and servers that misbehave on cue. */
import { mkdtempSync, rmSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { startMailSink, type MailSink } from '../../src/email/mail-sink';
import { createLogger } from '../../src/logger';

export const quietLogger = createLogger('silent');

/** A fresh mailbox folder; `remove()` deletes it. */
export function tempMailboxDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'leadflow-mailbox-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The embedded sink on a free port (or the given one, e.g. to bring a stopped sink back). */
export function startSink(dir: string, port = 0): Promise<MailSink> {
  return startMailSink({ host: '127.0.0.1', port, dir, logger: quietLogger });
}

/** A port nothing listens on (it was free a moment ago). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A plain smtp-server with the given hooks (no TLS), for replies the sink never gives. */
export async function startSmtpServer(options: SMTPServerOptions): Promise<{ port: number; stop(): Promise<void> }> {
  const server = new SMTPServer({ logger: false, disabledCommands: ['STARTTLS'], closeTimeout: 500, ...options });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { port, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/**
 * A scripted SMTP server that drops the connection at a chosen point: at RCPT TO (before the
 * message body), or after the whole body arrived but before answering it (the one moment where
 * the client cannot know whether the message was taken). `bodies` counts complete bodies received.
 */
export async function startDroppingServer(
  dropAt: 'rcpt' | 'end-of-data',
): Promise<{ port: number; bodies: () => number; stop(): Promise<void> }> {
  let bodies = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.write('220 scripted ESMTP\r\n');
    let buffer = '';
    let inData = false;
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      if (inData) {
        if (buffer.includes('\r\n.\r\n')) {
          bodies++;
          socket.destroy();
        }
        return;
      }
      for (let end = buffer.indexOf('\r\n'); end >= 0 && !inData; end = buffer.indexOf('\r\n')) {
        const verb = buffer.slice(0, 4).toUpperCase();
        buffer = buffer.slice(end + 2);
        if (verb === 'EHLO') socket.write('250-scripted\r\n250 8BITMIME\r\n');
        else if (verb === 'RCPT' && dropAt === 'rcpt') return void socket.destroy();
        else if (verb === 'DATA') {
          inData = true;
          socket.write('354 go ahead\r\n');
        } else if (verb === 'QUIT') socket.end('221 bye\r\n');
        else socket.write('250 OK\r\n');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    bodies: () => bodies,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
