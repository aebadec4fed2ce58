/**
 * Security headers on every response (helmet). The Content-Security-Policy lets the dashboard run
 * its one inline script and stylesheet by a per-response nonce, and the quote document's stylesheet
 * by its hash; nothing else inline runs, and no other origin is loaded from or may frame the pages.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import helmet from 'helmet';
import { QUOTE_STYLESHEET } from '../../domain/quote-render';

/** `'sha256-…'`: how CSP names one exact inline text. */
function cspHash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/** The nonce of this response's CSP, for the inline elements of an HTML page it serves. */
export function cspNonce(res: Response): string {
  return (res.locals as { cspNonce: string }).cspNonce;
}

/**
 * The policy, also checked by the browser tests: same-origin everything; inline script and style
 * only with this response's nonce (the quote page's stylesheet by hash); no plugins, no `<base>`,
 * forms post only here, and no page may frame these (clickjacking). The quote viewer's sandboxed
 * `srcdoc` frame inherits this policy, which is why the quote stylesheet's hash is in it.
 */
export function securityHeaders(): RequestHandler {
  const nonce = (_req: unknown, res: unknown) => `'nonce-${cspNonce(res as Response)}'`;
  const headers = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", nonce],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'", nonce, cspHash(QUOTE_STYLESHEET)],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    // Sent on every response, heeded by browsers only over HTTPS (behind a TLS proxy); a year, this host only.
    strictTransportSecurity: { maxAge: 365 * 24 * 60 * 60, includeSubDomains: false },
  });
  return (req, res, next) => {
    res.locals.cspNonce = randomBytes(16).toString('base64');
    headers(req, res, next);
  };
}

/** Marks a page's own `<script>` and `<style>` elements with the response's nonce. */
export function withNonce(html: string, nonce: string): string {
  return html.replaceAll('<script>', `<script nonce="${nonce}">`).replaceAll('<style>', `<style nonce="${nonce}">`);
}
