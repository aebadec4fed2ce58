/**
 * `GET /u/:token` and `POST /u/:token`: the unsubscribe link of every marketing email, and the
 * target of its `List-Unsubscribe` header. No API token (access policy `signature`): the link's
 * HMAC signature (src/email/unsubscribe-link.ts) is the only credential, and a link that does not
 * verify is a 404 that changes nothing.
 *
 * - GET shows a confirmation page and changes nothing: mail scanners and link previews fetch
 *   links, and must not unsubscribe anyone.
 * - POST with `List-Unsubscribe=One-Click` (RFC 8058; form-urlencoded as the page's button sends
 *   it, or multipart/form-data as some mail providers do) unsubscribes at once.
 */
import express, { Router, type Request, type Response } from 'express';
import type { Client } from '@temporalio/client';
import type { Db } from '../../db/client';
import { negotiateLocale, type CustomerLocale } from '../../domain/customer-messages';
import type { UnsubscribeLinks } from '../../email/unsubscribe-link';
import type { Logger } from '../../logger';
import { isDatabaseUnavailable } from '../../usecases/availability';
import { unsubscribe, unsubscribeStatus } from '../../usecases/unsubscribe';
import { cspNonce, withNonce } from '../abuse/security-headers';
import { confirmationPage, refusalPage, unsubscribedPage } from '../unsubscribe-page';

export interface UnsubscribeRoutesDeps {
  db: Db;
  temporal: Client;
  links: UnsubscribeLinks;
  logger?: Logger;
  now?: () => Date;
}

const ONE_CLICK_MULTIPART = /name="?List-Unsubscribe"?\r?\n(?:[^\r\n]+\r?\n)*\r?\nOne-Click\r?\n/i;

/** Whether the POST body says `List-Unsubscribe=One-Click`. */
function isOneClick(req: Request): boolean {
  if (typeof req.body === 'string') return ONE_CLICK_MULTIPART.test(req.body);
  const body = req.body as Record<string, unknown> | undefined;
  return body?.['List-Unsubscribe'] === 'One-Click';
}

/** The page under the app's CSP (its stylesheet by the response's nonce), never cached or indexed. */
function sendPage(res: Response, status: number, html: string): void {
  res
    .status(status)
    .set({ 'Cache-Control': 'no-store', 'X-Robots-Tag': 'noindex' })
    .type('html')
    .send(withNonce(html, cspNonce(res)));
}

export function unsubscribeRoutes(deps: UnsubscribeRoutesDeps): Router {
  const router = Router();
  const answer =
    (handle: (req: Request, res: Response, leadId: string, locale: CustomerLocale) => Promise<void>) =>
    async (req: Request<{ token: string }>, res: Response) => {
      const locale = negotiateLocale(req.get('accept-language'));
      const leadId = deps.links.verify(req.params.token);
      if (leadId === null) return sendPage(res, 404, refusalPage(locale, 'invalid'));
      try {
        await handle(req, res, leadId, locale);
      } catch (error) {
        if (!isDatabaseUnavailable(error)) throw error;
        res.setHeader('Retry-After', '60');
        sendPage(res, 503, refusalPage(locale, 'unavailable'));
      }
    };

  router.get(
    '/u/:token',
    answer(async (req, res, leadId, locale) => {
      const status = await unsubscribeStatus(deps.db, leadId);
      if (!status) return sendPage(res, 404, refusalPage(locale, 'invalid'));
      sendPage(
        res,
        200,
        status.unsubscribedAt
          ? unsubscribedPage(locale, status.maskedEmail, true)
          : confirmationPage(locale, String(req.params.token), status.maskedEmail),
      );
    }),
  );

  router.post(
    '/u/:token',
    express.urlencoded({ extended: false, limit: '4kb' }),
    express.text({ type: 'multipart/form-data', limit: '16kb' }),
    answer(async (req, res, leadId, locale) => {
      if (!isOneClick(req)) return sendPage(res, 400, refusalPage(locale, 'incomplete'));
      const source = req.get('sec-fetch-mode') === 'navigate' ? 'confirmation-page' : 'one-click';
      const done = await unsubscribe(deps, leadId, source);
      if (!done) return sendPage(res, 404, refusalPage(locale, 'invalid'));
      sendPage(res, 200, unsubscribedPage(locale, done.maskedEmail, done.alreadyUnsubscribed));
    }),
  );

  return router;
}
