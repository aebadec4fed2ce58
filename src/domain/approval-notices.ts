/**
 * The emails of a discount approval, in the approver's language (src/email/messages): the request,
 * a hand-over to a stand-in, and the reminder before the deadline. English keeps deadlines as
 * ISO-8601 instants, as it always has; Chinese reads them through Intl in the approver's zone.
 * Pure: the activity (activities/approvals.ts) loads the facts and sends.
 */
import { formatDateTime, messagesFor } from '../email/i18n';
import type { Language } from './languages';
import { formatBasisPoints } from './money';
import { priceReviewText, type QuotePriceReview } from './quote-pricing';

/** Who reads the email, for its words and its deadline. */
export interface NoticeReader {
  language: Language;
  timeZone: string;
}

/** The quote version and deal an approval is about. */
export interface ApprovalSubject {
  quoteNumber: string;
  version: number;
  dealName: string;
  /** approvals.yaml level: manager, director, vp, finance. */
  role: string;
  dashboardUrl: string;
}

export interface ApprovalNotice {
  subject: string;
  text: string;
}

/** The version's prices against list and the discount judged, as the approver reads them. */
export function approvalPricingText(review: QuotePriceReview, judgedDiscountBp: number, language: Language): string {
  const t = messagesFor(language);
  return [
    t('approval.pricing.heading'),
    priceReviewText(review, language),
    t('approval.pricing.judged', { discount: formatBasisPoints(judgedDiscountBp) }),
  ].join('\n');
}

/** "Approval needed": the owner asks this approver to decide a tier. */
export function approvalRequestNotice(
  about: ApprovalSubject & { ownerEmail: string; tier: string; pricing: string },
  reader: NoticeReader,
): ApprovalNotice {
  const t = messagesFor(reader.language);
  const values = {
    quote: about.quoteNumber,
    version: about.version,
    deal: about.dealName,
    tier: about.tier,
    owner: about.ownerEmail,
    role: roleName(about.role, reader.language),
    pricing: about.pricing,
    url: about.dashboardUrl,
  };
  return { subject: t('approval.request.subject', values), text: t('approval.request.text', values) };
}

/** "Approval handed to you": someone passed their open step on, by hand. */
export function approvalDelegatedNotice(
  about: ApprovalSubject & { actor: string; reason: string; dueAt: Date; pricing: string },
  reader: NoticeReader,
): ApprovalNotice {
  const t = messagesFor(reader.language);
  const values = {
    quote: about.quoteNumber,
    version: about.version,
    deal: about.dealName,
    actor: about.actor,
    reason: about.reason,
    role: roleName(about.role, reader.language),
    due: deadline(about.dueAt, reader),
    pricing: about.pricing,
    url: about.dashboardUrl,
  };
  return { subject: t('approval.delegated.subject', values), text: t('approval.delegated.text', values) };
}

/** The reminder before an open step's deadline. */
export function approvalReminderNotice(about: ApprovalSubject & { dueAt: Date }, reader: NoticeReader): ApprovalNotice {
  const t = messagesFor(reader.language);
  const values = {
    quote: about.quoteNumber,
    version: about.version,
    deal: about.dealName,
    role: roleName(about.role, reader.language),
    due: deadline(about.dueAt, reader),
    url: about.dashboardUrl,
  };
  return { subject: t('approval.reminder.subject', values), text: t('approval.reminder.text', values) };
}

/** An approver role in the reader's words; a role the catalogue does not know stays as written. */
function roleName(role: string, language: Language): string {
  return messagesFor(language)(`approval.role.${role}`, { defaultValue: role });
}

function deadline(at: Date, reader: NoticeReader): string {
  return reader.language === 'en' ? at.toISOString() : formatDateTime(at, reader.language, reader.timeZone);
}
