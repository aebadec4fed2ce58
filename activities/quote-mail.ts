/**
 * Sending a quote reaches the customer: the version's PDF goes to the customer contact by email,
 * through the outbox (activities/email.ts), so it is sent once per version however often the
 * activity is retried. It is transactional email: the customer asked for the quote, so it goes
 * even to an address that unsubscribed from marketing.
 */
import type { Db } from '../src/db/client';
import { LeadflowError } from '../src/domain/errors';
import { composeQuoteEmail } from '../src/domain/quote-mail';
import { renderQuotePdf } from '../src/quotes/render-quote-pdf';
import { quoteAudience } from '../src/usecases/quote-audience';
import { storedVersion } from '../src/usecases/quote-views';
import type { Outbox, SendEmailResult } from './email';

export function createQuoteMailActivities(deps: { db: Db; outbox: Outbox }) {
  return {
    /**
     * Emails a sent version with its PDF to `customer.email`, else the deal's lead, both in the
     * recipient's language (quoteAudience). The PDF is rendered from the stored version on every
     * attempt (it is not kept in the outbox).
     */
    async emailQuoteToCustomer(input: {
      versionId: string;
      idempotencyKey: string;
    }): Promise<SendEmailResult & { to: string }> {
      const row = await deps.db.quoteVersion.findUnique({
        where: { id: input.versionId },
        include: { quote: { include: { deal: { select: { leadId: true, ownerEmail: true, accountId: true } } } } },
      });
      if (!row) throw new LeadflowError('not_found', `No quote version ${input.versionId}.`);
      const { quote } = row;
      const { content, totals } = storedVersion(row);
      const { recipient: to, language } = await quoteAudience(deps.db, quote.deal, content);
      if (!to)
        throw new LeadflowError(
          'not_allowed',
          `Quote ${quote.number} v${row.version} has no customer email and its deal's lead has none: edit the quote with customer.email and send the new version.`,
        );
      const email = composeQuoteEmail(
        { quoteNumber: quote.number, version: row.version, content, totals, ownerEmail: quote.deal.ownerEmail },
        language,
      );
      const pdf = await renderQuotePdf({
        quoteNumber: quote.number,
        version: row.version,
        content,
        totals,
        status: row.status,
        issuedAt: (row.sentAt ?? row.createdAt).toISOString(),
        language,
      });
      const result = await deps.outbox.send(
        {
          idempotencyKey: input.idempotencyKey,
          leadId: quote.deal.leadId,
          to: to.email,
          subject: email.subject,
          text: email.text,
          headers: { 'Reply-To': quote.deal.ownerEmail },
          kind: 'transactional',
        },
        [{ filename: email.fileName, contentType: 'application/pdf', content: pdf }],
      );
      return { ...result, to: to.email };
    },
  };
}
