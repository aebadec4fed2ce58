/**
 * Who a quote is for and the language it is written in: one answer for the email that carries
 * it, the PDF and HTML document, and the e-signature envelope, so a customer never gets a Chinese
 * email with an English quote.
 */
import type { Db } from '../db/client';
import { languageOf, type Language } from '../domain/languages';
import type { QuoteContent } from '../domain/quote';
import { quoteRecipient } from '../domain/quote-mail';

export interface QuoteAudience {
  /** The quote's `customer.email`, else the deal's lead's email; null when neither is known. */
  recipient: { email: string; name?: string } | null;
  /**
   * The language of emails to the recipient: the account contact with that email address when
   * their language is set, else the deal's lead's language (en by default).
   */
  language: Language;
}

/** The recipient of a quote on `deal` and their language. */
export async function quoteAudience(
  db: Pick<Db, 'lead' | 'contact'>,
  deal: { leadId: string; accountId: string },
  content: Pick<QuoteContent, 'customer'>,
): Promise<QuoteAudience> {
  const lead = await db.lead.findUnique({ where: { id: deal.leadId }, select: { email: true, language: true } });
  const recipient = quoteRecipient(content, lead?.email ?? null);
  const contact = recipient
    ? await db.contact.findFirst({
        where: { accountId: deal.accountId, email: recipient.email, language: { not: null } },
        select: { language: true },
      })
    : null;
  return { recipient, language: languageOf(contact?.language ?? lead?.language) };
}
