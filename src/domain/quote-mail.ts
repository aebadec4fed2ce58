/**
 * The email that carries a sent quote version to the customer: who receives it and what it says.
 * Pure; the activity (activities/quote-mail.ts) loads the version, renders the PDF and sends.
 */
import { customerMessages, type CustomerLocale } from './customer-messages';
import { formatMoney } from './money';
import type { QuoteContent, QuoteTotals } from './quote';
import { quotePdfFileName } from './quote-render';

/** Who a quote goes to: the quote's own `customer.email`, else the email of the lead the deal came from. */
export function quoteRecipient(
  content: Pick<QuoteContent, 'customer'>,
  leadEmail: string | null,
): { email: string; name?: string } | null {
  const email = content.customer.email?.trim() || leadEmail?.trim();
  return email ? { email, name: content.customer.contactName?.trim() || undefined } : null;
}

export interface QuoteEmailInput {
  quoteNumber: string;
  version: number;
  content: QuoteContent;
  totals: QuoteTotals;
  ownerEmail: string;
}

/** Subject, text and the PDF's file name, in `locale`. */
export function composeQuoteEmail(
  input: QuoteEmailInput,
  locale: CustomerLocale,
): { subject: string; text: string; fileName: string } {
  const { content } = input;
  const facts = {
    contactName: content.customer.contactName?.trim() || undefined,
    company: content.customer.company,
    seller: content.seller.name,
    quoteNumber: input.quoteNumber,
    version: input.version,
    total: formatMoney(input.totals.totalMinor, content.currency),
    validUntil: content.validUntil,
    ownerEmail: input.ownerEmail,
  };
  const messages = customerMessages[locale].quoteEmail;
  return {
    subject: messages.subject(facts).replace(/\s+/g, ' ').trim(),
    text: messages.body(facts),
    fileName: quotePdfFileName(input.quoteNumber, input.version),
  };
}
