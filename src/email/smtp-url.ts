import type { SmtpMailerOptions } from './smtp-mailer';

export class SmtpUrlError extends Error {
  override readonly name = 'SmtpUrlError';
}

const EXAMPLE = 'smtp://user:password@mail.example.com:587 or smtps://user:password@mail.example.com:465';

/**
 * Parses `SMTP_URL`. `smtp://` talks plain SMTP and upgrades with STARTTLS when the server offers
 * it (port 587 by default); `smtps://` is TLS from the first byte (port 465 by default).
 * Credentials are the URL's user and password, percent-encoded (`p%40ss` for `p@ss`).
 */
export function parseSmtpUrl(url: string): SmtpMailerOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new SmtpUrlError(`SMTP_URL is not a valid URL. Expected ${EXAMPLE}.`);
  }
  if (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:') {
    throw new SmtpUrlError(
      `SMTP_URL must start with smtp:// or smtps://, not ${parsed.protocol}//. Expected ${EXAMPLE}. Leave it unset for the embedded mail server.`,
    );
  }
  if (!parsed.hostname) throw new SmtpUrlError(`SMTP_URL names no host. Expected ${EXAMPLE}.`);
  if ((parsed.pathname && parsed.pathname !== '/') || parsed.search || parsed.hash) {
    throw new SmtpUrlError(
      `SMTP_URL takes no path or ?options: remove "${parsed.pathname}${parsed.search}${parsed.hash}". Expected ${EXAMPLE}.`,
    );
  }
  if (Boolean(parsed.username) !== Boolean(parsed.password)) {
    throw new SmtpUrlError(`SMTP_URL needs both a user and a password, or neither. Expected ${EXAMPLE}.`);
  }
  const secure = parsed.protocol === 'smtps:';
  return {
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: parsed.port ? Number(parsed.port) : secure ? 465 : 587,
    secure,
    ...(parsed.username
      ? { auth: { user: decodeURIComponent(parsed.username), pass: decodeURIComponent(parsed.password) } }
      : {}),
  };
}

/** The URL with its password replaced by `***`, for logs. */
export function redactSmtpUrl(url: string): string {
  return url.replace(/^(smtps?:\/\/[^:/@]*):[^@]*@/, '$1:***@');
}
