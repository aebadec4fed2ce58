/**
 * The pages a recipient sees behind an unsubscribe link, in their language (customer-messages.ts):
 * the confirmation with its one button (a plain form that POSTs, so a mail scanner that fetches the
 * link changes nothing), the outcome, and the refusals. No script, no external resource.
 */
import { customerMessages, type CustomerLocale } from '../domain/customer-messages';
import { escapeHtml as e } from '../domain/email-template';

const STYLE =
  'body{font:16px/1.5 system-ui,sans-serif;margin:3rem auto;max-width:34rem;padding:0 1rem;color:#1b1f24}' +
  'button{font-size:1rem;padding:.6rem 1.6rem;background:#13315c;color:#fff;border:0;border-radius:4px;cursor:pointer}';

function page(locale: CustomerLocale, title: string, body: string): string {
  return `<!DOCTYPE html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>${e(title)}</title><style>${STYLE}</style></head><body><main><h1>${e(title)}</h1>${body}</main></body></html>`;
}

/** GET: what will happen, and the button that does it. */
export function confirmationPage(locale: CustomerLocale, token: string, maskedEmail: string): string {
  const t = customerMessages[locale].unsubscribe;
  return page(
    locale,
    t.title,
    `<p>${e(t.question(maskedEmail))}</p><p>${e(t.explanation)}</p>` +
      `<form method="post" action="/u/${e(token)}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">${e(t.button)}</button></form>`,
  );
}

/** After the POST, or a GET for an address that already unsubscribed. */
export function unsubscribedPage(locale: CustomerLocale, maskedEmail: string, already: boolean): string {
  const t = customerMessages[locale].unsubscribe;
  return page(locale, t.doneTitle, `<p>${e(already ? t.already(maskedEmail) : t.done(maskedEmail))}</p>`);
}

export type RefusalReason = 'invalid' | 'incomplete' | 'unavailable';

/** A link that does not verify (404), a POST without the one-click body (400), a database that is down (503). */
export function refusalPage(locale: CustomerLocale, reason: RefusalReason): string {
  const t = customerMessages[locale].unsubscribe;
  switch (reason) {
    case 'invalid':
      return page(locale, t.invalidTitle, `<p>${e(t.invalid)}</p>`);
    case 'incomplete':
      return page(locale, t.incompleteTitle, `<p>${e(t.incomplete)}</p>`);
    case 'unavailable':
      return page(locale, t.unavailableTitle, `<p>${e(t.unavailable)}</p>`);
  }
}
